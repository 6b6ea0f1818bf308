// The PNG encoder on images made to stress it: every length of run around deflate's 258-byte
// copies, repeated rows, noise, strides and ignored top bytes, more than 256 colours, and
// skewed colour counts whose Huffman tree is deeper than deflate's 15 bits. Each PNG is read back
// by zlib (which checks the stream and its Adler-32) and compared pixel by pixel.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "paxstats/render/png.hpp"

using namespace paxstats;

namespace {

uint32_t be32(const std::string& s, size_t i) {
  return (uint32_t(uint8_t(s[i])) << 24) | (uint32_t(uint8_t(s[i + 1])) << 16) | (uint32_t(uint8_t(s[i + 2])) << 8) |
         uint8_t(s[i + 3]);
}

struct Decoded {
  int width = 0, height = 0, palette_size = 0;
  std::vector<uint32_t> pixels, palette;  // 0xRRGGBB
};

// A reader of its own: chunks with their CRCs, IHDR, PLTE, zlib's inflate, filter 0 on each row.
Decoded decode(const std::string& png) {
  Decoded d;
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  std::string plte, idat;
  bool ended = false;
  for (size_t at = 8; at + 12 <= png.size();) {
    const uint32_t len = be32(png, at);
    const std::string type = png.substr(at + 4, 4), data = png.substr(at + 8, len);
    const uint32_t crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(png.data() + at + 4), static_cast<uInt>(len + 4)));
    EXPECT_EQ(crc, be32(png, at + 8 + len)) << type << " chunk's CRC";
    if (type == "IHDR") {
      d.width = static_cast<int>(be32(data, 0));
      d.height = static_cast<int>(be32(data, 4));
      EXPECT_EQ(data.substr(8), std::string("\x08\x03\0\0\0", 5)) << "8-bit palette, no interlace";
    }
    if (type == "PLTE") plte = data;
    if (type == "IDAT") idat += data;
    if (type == "IEND") ended = true;
    at += 12 + len;
  }
  EXPECT_TRUE(ended);
  EXPECT_EQ(plte.size() % 3, 0u);
  d.palette_size = static_cast<int>(plte.size() / 3);
  for (int i = 0; i < d.palette_size; ++i)
    d.palette.push_back((uint32_t(uint8_t(plte[i * 3])) << 16) | (uint32_t(uint8_t(plte[i * 3 + 1])) << 8) |
                        uint8_t(plte[i * 3 + 2]));
  const size_t row = static_cast<size_t>(d.width) + 1;
  std::string raw(row * static_cast<size_t>(d.height) + 1, '\0');  // one byte more: a longer stream shows
  uLongf size = raw.size();
  const int status = uncompress(reinterpret_cast<Bytef*>(raw.data()), &size,
                                reinterpret_cast<const Bytef*>(idat.data()), static_cast<uLong>(idat.size()));
  EXPECT_EQ(status, Z_OK) << "zlib refused the stream (codes, distances or Adler-32)";
  EXPECT_EQ(size, row * static_cast<size_t>(d.height)) << "the stream holds exactly the image's bytes";
  if (status != Z_OK) return d;
  for (int y = 0; y < d.height; ++y) {
    EXPECT_EQ(raw[static_cast<size_t>(y) * row], 0) << "row " << y << "'s filter";
    for (int x = 0; x < d.width; ++x) {
      const int i = static_cast<uint8_t>(raw[static_cast<size_t>(y) * row + 1 + x]);
      EXPECT_LT(i, d.palette_size);
      d.pixels.push_back((uint32_t(uint8_t(plte[i * 3])) << 16) | (uint32_t(uint8_t(plte[i * 3 + 1])) << 8) |
                         uint8_t(plte[i * 3 + 2]));
    }
  }
  return d;
}

// The image must come back exactly (at most 256 colours).
void expect_round_trip(const std::vector<uint32_t>& img, int w, int h, const std::string& what) {
  const Decoded d = decode(render::encode_png(img.data(), w, h, w * 4));
  ASSERT_EQ(d.width, w) << what;
  ASSERT_EQ(d.height, h) << what;
  ASSERT_EQ(d.pixels.size(), img.size()) << what;
  size_t wrong = 0, first = 0;
  for (size_t i = 0; i < img.size(); ++i)
    if (d.pixels[i] != (img[i] & 0xFFFFFF) && wrong++ == 0) first = i;
  EXPECT_EQ(wrong, 0u) << what << ": first wrong pixel at (" << first % w << ", " << first / w << ")";
}

}  // namespace

TEST(Png, EveryRunLengthAroundDeflatesLongestCopy) {
  // One row per run length 1–800, the rest of the row another colour: copies of 258 and the
  // tails of 1, 2 and 3 bytes after them.
  const int w = 801, h = 800;
  std::vector<uint32_t> img(static_cast<size_t>(w) * h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) img[static_cast<size_t>(y) * w + x] = x <= y ? 0xE69F00 : 0x0072B2;
  expect_round_trip(img, w, h, "run lengths");
  for (int width : {2, 3, 4, 257, 258, 259, 260, 261, 516, 517, 4096}) {
    std::vector<uint32_t> flat(static_cast<size_t>(width) * 3, 0xFFFFFF);
    expect_round_trip(flat, width, 3, "a flat image " + std::to_string(width) + " wide");
  }
}

TEST(Png, RepeatedRowsNoiseAndRunsMixed) {
  std::mt19937 rng(7);
  for (int w : {2, 5, 640, 1280, 1283}) {
    const int h = 300;
    std::vector<uint32_t> img(static_cast<size_t>(w) * h);
    const std::vector<uint32_t> colours = {0xFFFFFF, 0x000000, 0x56B4E9, 0x009E73, 0xF0E442, 0xD55E00, 0xCC79A7};
    for (int y = 0; y < h; ++y) {
      uint32_t* row = &img[static_cast<size_t>(y) * w];
      const int kind = static_cast<int>(rng() % 5);
      if (y > 0 && kind == 0) {  // the row above again, for stretches of rows
        std::copy(row - w, row, row);
        continue;
      }
      if (y > 0 && kind == 4) {  // the row above with a few pixels changed (a glyph's next row)
        std::copy(row - w, row, row);
        for (int k = 0, n = 1 + static_cast<int>(rng() % 6); k < n; ++k)
          row[rng() % w] = colours[rng() % colours.size()];
        continue;
      }
      for (int x = 0; x < w;) {
        const int run = kind == 1 ? 1 : 1 + static_cast<int>(rng() % (kind == 2 ? 9 : 700));
        const uint32_t c = kind == 3 ? 0x100000u * (rng() % 12) + (rng() % 20) : colours[rng() % colours.size()];
        for (int k = 0; k < run && x < w; ++k) row[x++] = c;
      }
    }
    // at most 256 colours in all
    std::map<uint32_t, int> seen;
    for (auto p : img) ++seen[p];
    ASSERT_LE(seen.size(), 256u);
    expect_round_trip(img, w, h, "mixed rows " + std::to_string(w) + " wide");
  }
}

TEST(Png, StrideAndTheTopByteAreIgnored) {
  const int w = 300, h = 40, stride = (w + 13) * 4;
  std::vector<uint32_t> buffer(static_cast<size_t>(stride / 4) * h, 0xAB123456);
  std::vector<uint32_t> expected;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const uint32_t c = (x / 7 + y / 5) % 3 == 0 ? 0x00FF00 : 0x202020;
      buffer[static_cast<size_t>(y) * (stride / 4) + x] = c | ((uint32_t(x * 31 + y) & 255) << 24);
      expected.push_back(c);
    }
  const Decoded d = decode(render::encode_png(buffer.data(), w, h, stride));
  EXPECT_EQ(d.pixels, expected);
}

TEST(Png, SkewedColourCountsNeedCodesCappedAtFifteenBits) {
  // Colour k covers Fibonacci(k) pixels, each pixel alone between others: an unlimited Huffman
  // tree of these literals is 18 levels deep (measured once), past the 15 that deflate allows.
  std::vector<uint32_t> pixels;
  uint64_t a = 1, b = 1;
  for (uint32_t k = 0; k < 26; ++k) {
    for (uint64_t i = 0; i < a; ++i) pixels.push_back(0x010101u * (k * 9));
    const uint64_t next = a + b;
    a = b;
    b = next;
  }
  std::mt19937 rng(11);
  std::shuffle(pixels.begin(), pixels.end(), rng);
  const int w = 1000, h = static_cast<int>(pixels.size() / w);
  pixels.resize(static_cast<size_t>(w) * h);
  expect_round_trip(pixels, w, h, "Fibonacci counts");
}

TEST(Png, MoreThan256ColoursKeepTheCommonestAndMapTheRestToTheNearest) {
  const int w = 600, h = 100;
  std::vector<uint32_t> img(static_cast<size_t>(w) * h, 0xFFFFFF);
  // 400 greys, one pixel each, on a white image with one large blue bar
  for (int i = 0; i < 400; ++i) img[static_cast<size_t>(i)] = 0x010101u * static_cast<uint32_t>(i % 250);
  for (int i = 400; i < 600; ++i) img[static_cast<size_t>(i)] = 0x100000u + static_cast<uint32_t>(i);
  for (int y = 50; y < 90; ++y)
    for (int x = 100; x < 500; ++x) img[static_cast<size_t>(y) * w + x] = 0x0072B2;
  const Decoded d = decode(render::encode_png(img.data(), w, h, w * 4));
  EXPECT_EQ(d.palette_size, 256);
  ASSERT_EQ(d.pixels.size(), img.size());
  for (int y = 1; y < h; ++y)
    for (int x = 0; x < w; ++x)
      ASSERT_EQ(d.pixels[static_cast<size_t>(y) * w + x], img[static_cast<size_t>(y) * w + x]) << x << "," << y;
  auto distance = [](uint32_t a, uint32_t b) {  // the encoder's weighting of red, green, blue
    const long dr = long((a >> 16) & 255) - long((b >> 16) & 255), dg = long((a >> 8) & 255) - long((b >> 8) & 255),
               db = long(a & 255) - long(b & 255);
    return 3 * dr * dr + 4 * dg * dg + 2 * db * db;
  };
  int exact = 0;
  for (int i = 0; i < 600; ++i) {  // each colour its own, or the nearest in the palette
    const uint32_t want = img[static_cast<size_t>(i)], got = d.pixels[static_cast<size_t>(i)];
    exact += want == got;
    for (uint32_t p : d.palette) ASSERT_LE(distance(want, got), distance(want, p)) << "pixel " << i;
  }
  // kept: white, blue, the 150 greys that cover two pixels each, and the first 104 others
  EXPECT_EQ(exact, 150 * 2 + 104);
}

TEST(Png, RefusesImagesItCannotWrite) {
  std::vector<uint32_t> one(4, 0);
  EXPECT_THROW(render::encode_png(one.data(), 1, 4, 4), std::invalid_argument);
  EXPECT_THROW(render::encode_png(one.data(), 2, 0, 8), std::invalid_argument);
  EXPECT_THROW(render::encode_png(one.data(), 2, 2, 4), std::invalid_argument);
}
