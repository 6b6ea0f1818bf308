// The libpq side of CopyRows: starting the COPY, reading its pieces, checking its end.
#include "paxstats/db/copy_rows.hpp"

#include <libpq-fe.h>

namespace paxstats::db {

CopyRows::CopyRows(pg_conn* conn, const std::string& copy, std::string what) : conn_(conn), what_(std::move(what)) {
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

CopyRows::~CopyRows() {
  release();
  if (!done_) {  // abandoned (an exception): read the rest so the connection stays usable
    char* b = nullptr;
    while (PQgetCopyData(conn_, &b, 0) > 0) PQfreemem(b);
    while (PGresult* r = PQgetResult(conn_)) PQclear(r);
  }
}

void CopyRows::release() {
  if (chunk_) PQfreemem(chunk_);
  chunk_ = nullptr;
}

// libpq hands over one whole row at a time (the first with the header before it), read where it
// lies: a row is never in two pieces.
bool CopyRows::refill(size_t n) {
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

void CopyRows::finish() {
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

}  // namespace paxstats::db
