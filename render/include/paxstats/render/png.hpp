#pragma once
// PNG encoding of a drawn image, what render() uses; public so that it can be tested and measured
// on its own.
#include <cstdint>
#include <string>

namespace paxstats::render {

// An image of 32-bit pixels (0x??RRGGBB, the top byte ignored; Cairo's RGB24) as an 8-bit
// indexed PNG: with its own colours when it has at most 256, else the 256 most frequent, each
// rarer colour (an anti-aliasing blend) drawn as its nearest palette colour. Compressed from the
// image's runs and repeated rows, in time proportional to them. 2 ≤ width ≤ 32767, height ≥ 1;
// stride_bytes is the distance between rows.
std::string encode_png(const uint32_t* pixels, int width, int height, int stride_bytes);

}  // namespace paxstats::render
