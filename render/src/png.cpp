// PNG encoding: an image's runs and repeated rows, its palette, and the chunks around the
// zlib stream that detail::RowDeflater writes from those runs.
#include "paxstats/render/png.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#include "detail/deflate.hpp"

namespace paxstats::render {
namespace {

void put32(std::string& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 255);
}

void chunk(std::string& out, const char* type, const std::string& data) {
  put32(out, static_cast<uint32_t>(data.size()));
  const size_t start = out.size();
  out.append(type, 4);
  out += data;
  put32(out, static_cast<uint32_t>(
                 crc32(0, reinterpret_cast<const Bytef*>(out.data() + start), static_cast<uInt>(out.size() - start))));
}

// Colour → number, open addressing: the encoder looks one up per run of pixels, and
// std::unordered_map's node per entry cost a fifth of a chart's time at 2×.
class ColorTable {
 public:
  ColorTable() { reset(8192); }
  uint32_t& operator[](uint32_t color) {
    size_t i = slot(color);
    if (keys_[i] != kEmpty) return values_[i];
    if (++size_ * 2 > keys_.size()) {
      grow();
      i = slot(color);
      ++size_;
    }
    keys_[i] = color;
    values_[i] = 0;
    return values_[i];
  }
  template <class F>
  void each(F f) const {
    for (size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i] != kEmpty) f(keys_[i], values_[i]);
  }
  void clear() { reset(8192); }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFF;  // colours are 24-bit
  size_t slot(uint32_t color) const {
    size_t i = (color * 2654435761u) & (keys_.size() - 1);
    while (keys_[i] != kEmpty && keys_[i] != color) i = (i + 1) & (keys_.size() - 1);
    return i;
  }
  void reset(size_t capacity) {
    keys_.assign(capacity, kEmpty);
    values_.assign(capacity, 0);
    size_ = 0;
  }
  void grow() {
    auto keys = std::move(keys_);
    auto values = std::move(values_);
    reset(keys.size() * 2);
    for (size_t i = 0; i < keys.size(); ++i)
      if (keys[i] != kEmpty) {
        const size_t j = slot(keys[i]);
        keys_[j] = keys[i];
        values_[j] = values[i];
        ++size_;
      }
  }
  std::vector<uint32_t> keys_, values_;
  size_t size_ = 0;
};

struct Run {
  uint32_t color, length;
};
// Row y's runs are runs[first[y]] … runs[first[y + 1] − 1]; a row the same as the row above has
// none of its own (repeats[y]).
struct Runs {
  std::vector<Run> runs;
  std::vector<uint32_t> first;
  std::vector<char> repeats;
};

// One pass over the pixels: runs of one colour (a chart is mostly runs) and how many pixels each
// colour covers. A row the same as the one above (most rows of a chart) is compared, not read
// pixel by pixel.
void scan(const uint32_t* pixels, int w, int h, int stride, Runs& out, ColorTable& count) {
  out.runs.clear();
  out.first.assign(static_cast<size_t>(h) + 1, 0);
  out.repeats.assign(static_cast<size_t>(h), 0);
  const char* base = reinterpret_cast<const char*>(pixels);
  size_t last_first = 0;  // the last row with runs of its own, and how often it was repeated
  uint32_t repeated = 0;
  auto count_repeats = [&] {  // that row's pixels once more for each repeat
    for (size_t k = last_first; repeated > 0 && k < out.runs.size(); ++k)
      count[out.runs[k].color] += out.runs[k].length * repeated;
    repeated = 0;
  };
  for (int y = 0; y < h; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(base + static_cast<size_t>(y) * stride);
    out.first[y] = static_cast<uint32_t>(out.runs.size());
    if (y > 0 && std::memcmp(row, base + static_cast<size_t>(y - 1) * stride, static_cast<size_t>(w) * 4) == 0) {
      out.repeats[y] = 1;
      ++repeated;
      continue;
    }
    count_repeats();
    last_first = out.runs.size();
    uint32_t last_color = 0xFFFFFFFF;
    uint32_t* last_count = nullptr;
    for (int x = 0; x < w;) {
      const uint32_t px = row[x] & 0xFFFFFF;
      int run = 1;
      while (x + run < w && (row[x + run] & 0xFFFFFF) == px) ++run;
      out.runs.push_back({px, static_cast<uint32_t>(run)});
      if (px != last_color) last_count = &count[px], last_color = px;
      *last_count += static_cast<uint32_t>(run);
      x += run;
    }
  }
  count_repeats();
  out.first[h] = static_cast<uint32_t>(out.runs.size());
}

// The palette (the most frequent colours first, at most 256) and each colour's entry in it: its
// own, or the nearest kept one.
std::string choose_palette(const ColorTable& count, ColorTable& index) {
  std::vector<std::pair<uint32_t, uint32_t>> colors;  // (colour, pixels)
  count.each([&](uint32_t c, uint32_t n) { colors.emplace_back(c, n); });
  const size_t keep = std::min<size_t>(256, colors.size());
  std::partial_sort(
      colors.begin(), colors.begin() + static_cast<long>(keep), colors.end(),
      [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  index.clear();
  std::string plte;
  for (size_t i = 0; i < keep; ++i) {
    const uint32_t c = colors[i].first;
    index[c] = static_cast<uint32_t>(i);
    plte += static_cast<char>((c >> 16) & 255);
    plte += static_cast<char>((c >> 8) & 255);
    plte += static_cast<char>(c & 255);
  }
  for (size_t i = keep; i < colors.size(); ++i) {  // rarer colours: the nearest kept one
    const uint32_t c = colors[i].first;
    int best = 0;
    long best_d = -1;
    for (size_t k = 0; k < keep; ++k) {
      const uint32_t p = colors[k].first;
      const long dr = long((c >> 16) & 255) - long((p >> 16) & 255), dg = long((c >> 8) & 255) - long((p >> 8) & 255),
                 db = long(c & 255) - long(p & 255);
      const long d = 3 * dr * dr + 4 * dg * dg + 2 * db * db;
      if (best_d < 0 || d < best_d) best_d = d, best = static_cast<int>(k);
    }
    index[c] = static_cast<uint32_t>(best);
  }
  return plte;
}

}  // namespace

std::string encode_png(const uint32_t* pixels, int w, int h, int stride) {
  if (w < 2 || w > 32767 || h < 1 || stride < w * 4)
    throw std::invalid_argument("encode_png: an image of 2 to 32767 pixels a row and at least one row");
  thread_local Runs runs;  // reused, as are the tables: a chart's encoding allocates little
  thread_local ColorTable count, index;
  count.clear();
  scan(pixels, w, h, stride, runs, count);
  const std::string plte = choose_palette(count, index);

  // The image as palette indices, a filter byte (0: none) before each row. Neighbouring runs
  // whose colours share an entry become one run.
  detail::RowDeflater z(static_cast<uint32_t>(w) + 1);
  thread_local std::vector<detail::ByteRun> row;
  for (int y = 0; y < h; ++y) {
    if (runs.repeats[y]) {
      z.repeat_row();
      continue;
    }
    row.assign(1, {0, 1});
    uint32_t last_color = 0xFFFFFFFF, last_index = 0;
    for (uint32_t k = runs.first[y]; k < runs.first[y + 1]; ++k) {
      const Run r = runs.runs[k];
      if (r.color != last_color) last_index = index[r.color], last_color = r.color;
      if (row.back().value == last_index)
        row.back().length += r.length;
      else
        row.push_back({static_cast<uint8_t>(last_index), r.length});
    }
    z.row(row);
  }

  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  put32(ihdr, static_cast<uint32_t>(w));
  put32(ihdr, static_cast<uint32_t>(h));
  ihdr += static_cast<char>(8);  // bit depth
  ihdr += static_cast<char>(3);  // colour type: palette
  ihdr += std::string("\0\0\0", 3);
  chunk(png, "IHDR", ihdr);
  chunk(png, "PLTE", plte);
  chunk(png, "IDAT", z.finish());
  chunk(png, "IEND", "");
  return png;
}

}  // namespace paxstats::render
