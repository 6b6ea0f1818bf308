#pragma once
// The rows of a COPY … TO STDOUT (FORMAT binary), read as they arrive: what db/ hands the
// dataset export (export/) for it to count and write. Binary rows cost the server no text
// conversion (a timestamp is its 8 bytes), and the reader decodes only the types it is asked
// for: text, boolean, integer, date, timestamptz and text[].
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;  // libpq's PGconn

namespace paxstats::db {

class CopyRows {
 public:
  // Starts the COPY (a statement of the form "COPY (SELECT …) TO STDOUT (FORMAT binary)") on a
  // connection of db/'s (DatasetReader hands these out); `what` names it in errors.
  CopyRows(pg_conn* conn, const std::string& copy, std::string what);
  // An abandoned COPY (an exception) is read to its end, so the connection stays usable.
  ~CopyRows();
  CopyRows(const CopyRows&) = delete;
  CopyRows& operator=(const CopyRows&) = delete;

  // The next row; false after the last (and the COPY's end was checked). The views of a row's
  // fields last until the next call.
  bool next() {
    row_ = p_;
    if (!want(2)) fail("a cut row");
    const auto count = static_cast<std::int16_t>(u16(p_));
    p_ += 2;
    if (count == -1) {
      finish();
      return false;
    }
    offsets_.clear();
    lengths_.clear();
    for (int i = 0; i < count; ++i) {
      if (!want(4)) fail("a cut field");
      const auto n = static_cast<std::int32_t>(u32(p_));
      p_ += 4;
      offsets_.push_back(static_cast<size_t>(p_ - row_));
      lengths_.push_back(n);
      if (n > 0) {
        if (!want(static_cast<size_t>(n))) fail("a cut field");
        p_ += n;
      }
    }
    return true;
  }

  bool null(int i) const { return lengths_.at(static_cast<size_t>(i)) < 0; }
  std::string_view text(int i) const {
    return null(i) ? std::string_view() : std::string_view(at(i), static_cast<size_t>(lengths_[i]));
  }
  bool boolean(int i) const { return !null(i) && *at(i) != 0; }
  std::int32_t int4(int i) const { return null(i) ? 0 : static_cast<std::int32_t>(u32(at(i))); }
  std::int64_t int8(int i) const { return null(i) ? 0 : static_cast<std::int64_t>(u64(at(i))); }
  // A timestamptz: microseconds since 2000-01-01 00:00 UTC. A date: days since 2000-01-01.
  std::int64_t timestamptz(int i) const { return int8(i); }
  std::int32_t date(int i) const { return int4(i); }
  // The elements of a one-dimensional text[] (NULL elements are skipped).
  template <class Each>
  void text_array(int i, Each each) const {
    if (null(i)) return;
    const char* p = at(i);
    const char* end = p + lengths_[i];
    if (end - p < 12) fail("a cut array");
    const auto dims = static_cast<std::int32_t>(u32(p));
    p += 12;  // dimensions, has-nulls flag, element type
    if (dims == 0) return;
    if (dims != 1 || end - p < 8) fail("an array that is not one-dimensional");
    const auto n = static_cast<std::int32_t>(u32(p));
    p += 8;  // size, lower bound
    for (std::int32_t k = 0; k < n; ++k) {
      if (end - p < 4) fail("a cut array");
      const auto len = static_cast<std::int32_t>(u32(p));
      p += 4;
      if (len < 0) continue;
      if (end - p < len) fail("a cut array");
      each(std::string_view(p, static_cast<size_t>(len)));
      p += len;
    }
  }

 private:
  static std::uint16_t u16(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return static_cast<std::uint16_t>((b[0] << 8) | b[1]);
  }
  static std::uint32_t u32(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
  }
  static std::uint64_t u64(const char* p) { return (std::uint64_t{u32(p)} << 32) | u32(p + 4); }
  const char* at(int i) const { return row_ + offsets_[static_cast<size_t>(i)]; }
  [[noreturn]] void fail(const char* why) const { throw std::runtime_error(what_ + ": " + why + " in the COPY"); }
  void release();

  // True when n unread bytes lie from p_ (reading the next piece as needed); false at the end.
  // libpq hands over one whole row at a time (the first with the header before it), read where
  // it lies: a row is never in two pieces.
  bool want(size_t n) {
    if (static_cast<size_t>(end_ - p_) >= n) return true;
    return refill(n);
  }
  bool refill(size_t n);  // the next piece from libpq
  void finish();

  pg_conn* conn_;
  std::string what_;
  char* chunk_ = nullptr;      // libpq's buffer of the bytes being read
  const char* p_ = nullptr;    // the next unread byte
  const char* end_ = nullptr;  // the end of what was read
  const char* row_ = nullptr;  // the start of the current row
  bool done_ = false;
  std::vector<size_t> offsets_;  // of the row's fields, from row_
  std::vector<std::int32_t> lengths_;
};

}  // namespace paxstats::db
