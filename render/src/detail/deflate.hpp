#pragma once
// Internal to render/: a zlib stream (RFC 1950 around one RFC 1951 block with its own Huffman
// codes) written straight from an image's runs, for PNG's IDAT. A chart is long runs of one
// colour and rows that repeat the row above; a general compressor has to find that again byte by
// byte (libdeflate level 1 spent half of a 1280 × 960 chart's time doing so), while here it is
// known: a run is one literal and copies at distance 1, a repeated row one copy at distance
// row_bytes. Work is proportional to the runs, not the pixels, and no byte of the image is
// written out.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace paxstats::render::detail {

struct ByteRun {
  uint8_t value = 0;
  uint32_t length = 0;  // ≥ 1
};

class RowDeflater {
 public:
  // Every row is row_bytes long (PNG: the filter byte and a byte a pixel), 3 ≤ row_bytes ≤ 32768
  // (deflate's window).
  explicit RowDeflater(uint32_t row_bytes);
  // The next row, as runs that add up to row_bytes.
  void row(std::span<const ByteRun> runs);
  // The row before, once more (there must be one).
  void repeat_row();
  // The zlib stream of every row given.
  std::string finish();

 private:
  struct Token {
    uint16_t length;  // 0: a literal
    uint16_t value;   // the literal's byte, or the copy's distance
  };
  void copy(uint32_t distance, uint64_t n);
  void flush_repeats();
  void adler_add_row(uint64_t sum, uint64_t weighted);

  uint32_t row_bytes_;
  uint64_t pending_repeats_ = 0;
  uint64_t row_sum_ = 0, row_weighted_ = 0;  // the last new row's Adler-32 parts
  uint64_t s1_ = 1, s2_ = 0;                 // Adler-32
  bool have_row_ = false;
  std::vector<Token> tokens_;
  std::vector<ByteRun> above_;  // the row before, as runs
  std::vector<char> same_above_;
};

}  // namespace paxstats::render::detail
