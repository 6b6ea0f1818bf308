#pragma once
#include "paxstats/csv.hpp"
// Internal to db/: the rows of a COPY … TO STDOUT (FORMAT binary), read as they arrive. Binary
// rows cost the server no text conversion (a timestamp is its 8 bytes), and the reader decodes
// only the types it is asked for: text, boolean, integer, date, timestamptz and text[].
#include <libpq-fe.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace paxstats::db::detail {

class BinaryCopy {
 public:
  // Starts the COPY (a statement of the form "COPY (SELECT …) TO STDOUT (FORMAT binary)").
  BinaryCopy(PGconn* conn, const std::string& copy, std::string what) : conn_(conn), what_(std::move(what)) {
    PGresult* r = PQexec(conn_, copy.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COPY_OUT;
    const std::string why = ok ? "" : PQresultErrorMessage(r);
    PQclear(r);
    if (!ok) throw std::runtime_error(what_ + ": " + why);
    static constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // and a NUL: 11 bytes
    if (!want(19) || std::memcmp(p_, kSignature, 11) != 0) fail("no binary COPY header");
    const auto extension = static_cast<std::uint32_t>(u32(p_ + 15));
    p_ += 19;
    if (!want(extension)) fail("a cut header");
    p_ += extension;
  }
  ~BinaryCopy() {
    release();
    if (!done_) {  // abandoned (an exception): read the rest so the connection stays usable
      char* b = nullptr;
      while (PQgetCopyData(conn_, &b, 0) > 0) PQfreemem(b);
      while (PGresult* r = PQgetResult(conn_)) PQclear(r);
    }
  }
  BinaryCopy(const BinaryCopy&) = delete;
  BinaryCopy& operator=(const BinaryCopy&) = delete;

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
  void release() {
    if (chunk_) PQfreemem(chunk_);
    chunk_ = nullptr;
  }

  // True when n unread bytes lie from p_ (reading the next piece as needed); false at the end.
  // libpq hands over one whole row at a time (the first with the header before it), read where
  // it lies: a row is never in two pieces.
  bool want(size_t n) {
    if (static_cast<size_t>(end_ - p_) >= n) return true;
    if (done_) return false;
    if (p_ != end_ || (row_ && row_ != p_)) fail("a row in pieces");
    char* b = nullptr;
    const int got = PQgetCopyData(conn_, &b, 0);
    if (got <= 0) {
      finish();
      return false;
    }
    release();
    chunk_ = b;
    row_ = p_ = b;
    end_ = b + got;
    if (static_cast<size_t>(got) < n) fail("a row in pieces");
    return true;
  }
  void finish() {
    if (done_) return;
    char* b = nullptr;
    while (PQgetCopyData(conn_, &b, 0) > 0) PQfreemem(b);
    done_ = true;
    PGresult* r = PQgetResult(conn_);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    const std::string why = ok ? "" : PQresultErrorMessage(r);
    PQclear(r);
    while ((r = PQgetResult(conn_)) != nullptr) PQclear(r);
    if (!ok) throw std::runtime_error(what_ + ": " + why);
  }

  PGconn* conn_;
  std::string what_;
  char* chunk_ = nullptr;      // libpq's buffer of the bytes being read
  const char* p_ = nullptr;    // the next unread byte
  const char* end_ = nullptr;  // the end of what was read
  const char* row_ = nullptr;  // the start of the current row
  bool done_ = false;
  std::vector<size_t> offsets_;  // of the row's fields, from row_
  std::vector<std::int32_t> lengths_;
};

// A field as PostgreSQL's COPY … (FORMAT csv) writes it: quoted when empty (an empty string is
// not NULL, which is nothing) or when it holds a comma, a quote or a line break; quotes doubled.
// A text a spreadsheet would run as a formula gets a ' before it (paxstats::formula_like).
inline void append_copy_csv(std::string& out, std::string_view v) {
  if (!v.empty() && (v[0] == '=' || v[0] == '@' || v[0] == '\t' || v[0] == '\r' || v[0] == '+' || v[0] == '-') &&
      formula_like(v)) {
    const std::string text = "'" + std::string(v);
    append_copy_csv(out, text);
    return;
  }
  static constexpr auto special = [] {
    std::array<bool, 256> t{};
    t[','] = t['"'] = t['\r'] = t['\n'] = true;
    return t;
  }();
  bool quote = v.empty();
  for (unsigned char c : v)
    if (special[c]) {
      quote = true;
      break;
    }
  if (!quote) {
    out += v;
    return;
  }
  out += '"';
  size_t from = 0;
  for (size_t at; (at = v.find('"', from)) != std::string_view::npos; from = at + 1) {
    out.append(v.substr(from, at + 1 - from));
    out += '"';
  }
  out.append(v.substr(from));
  out += '"';
}

}  // namespace paxstats::db::detail
