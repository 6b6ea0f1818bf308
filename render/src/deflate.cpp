// A zlib stream written from an image's runs (detail/deflate.hpp): tokens first, then one
// deflate block with Huffman codes made for those tokens (RFC 1951 §3.2.7), then Adler-32,
// which is also counted from the runs.
#include "detail/deflate.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>

namespace paxstats::render::detail {
namespace {

constexpr uint32_t kAdler = 65521;
constexpr int kMaxCopy = 258;

// Length codes 257–285 and distance codes 0–29: the first value of each and its extra bits.
constexpr std::array<uint16_t, 29> kLengthBase = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                                  31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<uint8_t, 29> kLengthExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<uint16_t, 30> kDistanceBase = {1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
                                                    33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
                                                    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
// The order in which the code-length code's lengths are written.
constexpr std::array<uint8_t, 19> kClOrder = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

int distance_extra(int code) { return code < 4 ? 0 : code / 2 - 1; }

// The length code (0–28, i.e. symbol 257 + code) of each copy length 3–258.
const std::array<uint8_t, 259>& length_codes() {
  static const std::array<uint8_t, 259> table = [] {
    std::array<uint8_t, 259> t{};
    for (int k = 0; k < 28; ++k)
      for (int l = kLengthBase[k]; l < kLengthBase[k] + (1 << kLengthExtra[k]) && l < 258; ++l)
        t[l] = static_cast<uint8_t>(k);
    t[258] = 28;
    return t;
  }();
  return table;
}

int distance_code(uint32_t d) {
  if (d <= 4) return static_cast<int>(d) - 1;
  const uint32_t x = d - 1;
  const int b = 31 - __builtin_clz(x);  // x ≥ 4, so b ≥ 2
  return 2 * b + static_cast<int>((x >> (b - 1)) & 1);
}

// Code lengths (each ≤ max_bits) of a Huffman code for these frequencies. Every symbol with a
// frequency gets a code, and at least two symbols do: a code of one symbol is a case decoders
// treat differently (RFC 1951 allows it for distances only), so it never arises.
std::vector<uint8_t> huffman_lengths(std::vector<uint32_t> freq, int max_bits) {
  const int n = static_cast<int>(freq.size());
  std::vector<int> symbols;
  for (int i = 0; i < n; ++i)
    if (freq[i] > 0) symbols.push_back(i);
  for (int i = 0; symbols.size() < 2 && i < n; ++i)
    if (freq[i] == 0) freq[i] = 1, symbols.push_back(i);
  std::sort(symbols.begin(), symbols.end(),
            [&](int a, int b) { return freq[a] != freq[b] ? freq[a] < freq[b] : a < b; });
  // Huffman's merges with two queues: the sorted leaves, and the merged nodes, which are made in
  // order of weight. A node's parent always has a higher index.
  const int m = static_cast<int>(symbols.size()), nodes = 2 * m - 1;
  std::vector<uint64_t> weight(static_cast<size_t>(nodes));
  std::vector<int> parent(static_cast<size_t>(nodes), -1);
  for (int i = 0; i < m; ++i) weight[i] = freq[symbols[i]];
  int leaf = 0, inner = m;
  auto lightest = [&](int made) {
    if (leaf < m && (inner >= made || weight[leaf] <= weight[inner])) return leaf++;
    return inner++;
  };
  for (int made = m; made < nodes; ++made) {
    const int a = lightest(made), b = lightest(made);
    weight[made] = weight[a] + weight[b];
    parent[a] = parent[b] = made;
  }
  std::vector<int> depth(static_cast<size_t>(nodes), 0);
  for (int i = nodes - 2; i >= 0; --i) depth[i] = depth[parent[i]] + 1;
  // How many codes of each length, capped at max_bits; a capped tree claims more than the whole
  // code space, so leaves move down from the longest shorter level until it fits (Kraft).
  std::vector<int> count(static_cast<size_t>(max_bits) + 1, 0);
  for (int i = 0; i < m; ++i) ++count[std::min(depth[i], max_bits)];
  uint64_t total = 0;
  for (int l = 1; l <= max_bits; ++l) total += static_cast<uint64_t>(count[l]) << (max_bits - l);
  while (total > (uint64_t{1} << max_bits)) {
    --count[max_bits];
    for (int l = max_bits - 1; l > 0; --l)
      if (count[l] > 0) {
        --count[l];
        count[l + 1] += 2;
        break;
      }
    --total;
  }
  // The shortest codes to the most frequent symbols.
  std::vector<uint8_t> lengths(static_cast<size_t>(n), 0);
  int next = m - 1;
  for (int l = 1; l <= max_bits; ++l)
    for (int k = 0; k < count[l]; ++k) lengths[symbols[next--]] = static_cast<uint8_t>(l);
  return lengths;
}

// Canonical codes (RFC 1951 §3.2.2), bit-reversed: deflate writes a code's first bit first.
std::vector<uint16_t> canonical_codes(const std::vector<uint8_t>& lengths) {
  std::array<int, 16> count{}, next{};
  for (auto l : lengths) ++count[l];
  count[0] = 0;
  for (int bits = 1, code = 0; bits < 16; ++bits) next[bits] = code = (code + count[bits - 1]) << 1;
  std::vector<uint16_t> codes(lengths.size(), 0);
  for (size_t s = 0; s < lengths.size(); ++s) {
    const int l = lengths[s];
    if (l == 0) continue;
    uint32_t code = static_cast<uint32_t>(next[l]++), reversed = 0;
    for (int b = 0; b < l; ++b) reversed = (reversed << 1) | ((code >> b) & 1);
    codes[s] = static_cast<uint16_t>(reversed);
  }
  return codes;
}

class BitWriter {
 public:
  explicit BitWriter(std::string& out) : out_(out) {}
  void put(uint32_t value, int bits) {
    buffer_ |= static_cast<uint64_t>(value) << count_;
    count_ += bits;
    while (count_ >= 8) {
      out_.push_back(static_cast<char>(buffer_ & 255));
      buffer_ >>= 8;
      count_ -= 8;
    }
  }
  void align() {
    if (count_ > 0) put(0, 8 - count_);
  }

 private:
  std::string& out_;
  uint64_t buffer_ = 0;
  int count_ = 0;
};

// The code lengths of both codes, run-length coded with symbols 16 (repeat the last 3–6 times),
// 17 (3–10 zeros) and 18 (11–138 zeros): (symbol, extra value) pairs.
std::vector<std::pair<uint8_t, uint8_t>> code_length_symbols(const std::vector<uint8_t>& all) {
  std::vector<std::pair<uint8_t, uint8_t>> out;
  for (size_t i = 0; i < all.size();) {
    const uint8_t v = all[i];
    size_t run = 1;
    while (i + run < all.size() && all[i + run] == v) ++run;
    i += run;
    if (v == 0) {
      for (; run >= 11; run -= std::min<size_t>(run, 138))
        out.emplace_back(18, static_cast<uint8_t>(std::min<size_t>(run, 138) - 11));
      if (run >= 3) out.emplace_back(17, static_cast<uint8_t>(run - 3)), run = 0;
    } else {
      out.emplace_back(v, 0), --run;
      for (; run >= 3; run -= std::min<size_t>(run, 6))
        out.emplace_back(16, static_cast<uint8_t>(std::min<size_t>(run, 6) - 3));
    }
    for (; run > 0; --run) out.emplace_back(v, 0);
  }
  return out;
}

}  // namespace

RowDeflater::RowDeflater(uint32_t row_bytes) : row_bytes_(row_bytes) {
  if (row_bytes < 3 || row_bytes > 32768) throw std::invalid_argument("RowDeflater: rows of 3 to 32768 bytes");
}

void RowDeflater::copy(uint32_t distance, uint64_t n) {
  // n ≥ 3; every copy 3–258 long, the last one too.
  while (n > 0) {
    uint64_t l = std::min<uint64_t>(n, kMaxCopy);
    if (n - l > 0 && n - l < 3) l = n - 3;
    tokens_.push_back({static_cast<uint16_t>(l), static_cast<uint16_t>(distance)});
    n -= l;
  }
}

void RowDeflater::adler_add_row(uint64_t sum, uint64_t weighted) {
  s2_ = (s2_ + row_bytes_ * s1_ + weighted) % kAdler;
  s1_ = (s1_ + sum) % kAdler;
}

void RowDeflater::row(std::span<const ByteRun> runs) {
  flush_repeats();
  // Which runs hold the same bytes as the row above (each run of this row against the runs of
  // that row it overlaps).
  std::vector<char>& same = same_above_;
  same.assign(runs.size(), 0);
  if (have_row_) {
    size_t k = 0;
    uint64_t above_end = above_.empty() ? 0 : above_[0].length, at = 0;
    for (size_t i = 0; i < runs.size(); ++i) {
      const uint64_t end = at + runs[i].length;
      bool equal = true;
      for (;;) {
        if (above_[k].value != runs[i].value) equal = false;
        if (above_end >= end || k + 1 >= above_.size()) break;
        above_end += above_[++k].length;
      }
      same[i] = equal;
      at = end;
      if (above_end == end && k + 1 < above_.size()) above_end += above_[++k].length;
    }
  }
  // Adler-32 of the row on its own: the sum of its bytes, and the sum of each byte times the
  // bytes from it to the row's end (so a repeat can be counted without its bytes).
  uint64_t s1 = 0, s2 = 0, length = 0;
  for (size_t i = 0; i < runs.size();) {
    // A stretch of short runs the same as above (text, a legend's edge) is cheaper as one copy
    // from the row above; a long run is cheapest as itself (a literal and copies at distance 1).
    size_t j = i;
    uint64_t span = 0;
    while (j < runs.size() && same[j]) span += runs[j++].length;
    if (j - i >= 3 && (j - i) >= 3 * ((span + kMaxCopy - 1) / kMaxCopy)) {
      for (; i < j; ++i) {
        const uint64_t n = runs[i].length, b = runs[i].value;
        s2 += n * s1 + b * n * (n + 1) / 2;
        s1 += n * b;
        length += n;
      }
      copy(row_bytes_, span);
      continue;
    }
    const uint64_t n = runs[i].length, b = runs[i].value;
    s2 += n * s1 + b * n * (n + 1) / 2;
    s1 += n * b;
    length += n;
    tokens_.push_back({0, runs[i].value});
    if (n - 1 >= 3)
      copy(1, n - 1);
    else
      for (uint64_t k = 1; k < n; ++k) tokens_.push_back({0, runs[i].value});
    ++i;
  }
  if (length != row_bytes_) throw std::logic_error("RowDeflater: a row's runs do not add up to its length");
  above_.assign(runs.begin(), runs.end());
  row_sum_ = s1 % kAdler;
  row_weighted_ = s2 % kAdler;
  have_row_ = true;
  adler_add_row(row_sum_, row_weighted_);
}

void RowDeflater::repeat_row() {
  if (!have_row_) throw std::logic_error("RowDeflater: no row to repeat");
  ++pending_repeats_;
  adler_add_row(row_sum_, row_weighted_);
}

void RowDeflater::flush_repeats() {
  if (pending_repeats_ > 0) copy(row_bytes_, pending_repeats_ * row_bytes_);
  pending_repeats_ = 0;
}

std::string RowDeflater::finish() {
  flush_repeats();
  const auto& lcode = length_codes();
  std::vector<uint32_t> lit_freq(286, 0), dist_freq(30, 0);
  for (const auto& t : tokens_) {
    if (t.length == 0)
      ++lit_freq[t.value];
    else
      ++lit_freq[257 + lcode[t.length]], ++dist_freq[distance_code(t.value)];
  }
  lit_freq[256] = 1;  // the end of the block
  const auto lit_len = huffman_lengths(lit_freq, 15), dist_len = huffman_lengths(dist_freq, 15);
  const auto lit_code = canonical_codes(lit_len), dist_code = canonical_codes(dist_len);

  int hlit = 286, hdist = 30;
  while (hlit > 257 && lit_len[hlit - 1] == 0) --hlit;
  while (hdist > 1 && dist_len[hdist - 1] == 0) --hdist;
  std::vector<uint8_t> all(lit_len.begin(), lit_len.begin() + hlit);
  all.insert(all.end(), dist_len.begin(), dist_len.begin() + hdist);
  const auto cl_symbols = code_length_symbols(all);
  std::vector<uint32_t> cl_freq(19, 0);
  for (const auto& [s, extra] : cl_symbols) ++cl_freq[s];
  const auto cl_len = huffman_lengths(cl_freq, 7);
  const auto cl_code = canonical_codes(cl_len);
  int hclen = 19;
  while (hclen > 4 && cl_len[kClOrder[hclen - 1]] == 0) --hclen;

  std::string out;
  out.reserve(tokens_.size() / 2 + 1024);
  out += static_cast<char>(0x78);  // deflate, 32 KiB window
  out += static_cast<char>(0x01);  // no dictionary, fastest; (0x78 << 8 | 0x01) % 31 == 0
  BitWriter bits(out);
  bits.put(1, 1);  // the last block
  bits.put(2, 2);  // with its own Huffman codes
  bits.put(static_cast<uint32_t>(hlit - 257), 5);
  bits.put(static_cast<uint32_t>(hdist - 1), 5);
  bits.put(static_cast<uint32_t>(hclen - 4), 4);
  for (int i = 0; i < hclen; ++i) bits.put(cl_len[kClOrder[i]], 3);
  static constexpr int kClExtra[3] = {2, 3, 7};  // symbols 16, 17, 18
  for (const auto& [s, extra] : cl_symbols) {
    bits.put(cl_code[s], cl_len[s]);
    if (s >= 16) bits.put(extra, kClExtra[s - 16]);
  }
  for (const auto& t : tokens_) {
    if (t.length == 0) {
      bits.put(lit_code[t.value], lit_len[t.value]);
      continue;
    }
    const int lc = lcode[t.length];
    bits.put(lit_code[257 + lc], lit_len[257 + lc]);
    if (kLengthExtra[lc] > 0) bits.put(t.length - kLengthBase[lc], kLengthExtra[lc]);
    const int dc = distance_code(t.value);
    bits.put(dist_code[dc], dist_len[dc]);
    if (distance_extra(dc) > 0) bits.put(t.value - kDistanceBase[dc], distance_extra(dc));
  }
  bits.put(lit_code[256], lit_len[256]);
  bits.align();
  const uint32_t adler = static_cast<uint32_t>((s2_ << 16) | s1_);
  for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((adler >> s) & 255);
  return out;
}

}  // namespace paxstats::render::detail
