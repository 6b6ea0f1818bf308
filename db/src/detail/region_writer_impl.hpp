#pragma once
// Internal to db/: the state of a RegionWriter, shared by its raw-store half (raw_store.cpp)
// and its derived half (derived_store.cpp).
#include <chrono>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "detail/database_impl.hpp"
#include "detail/step_timer.hpp"
#include "paxstats/db/raw_store.hpp"
#include "paxstats/log.hpp"

namespace paxstats::db {

struct RegionWriter::Impl {
  explicit Impl(Database& db) : tx(db.impl().conn) {}
  pqxx::work tx;
  std::string region;  // the slug
  std::string schema;  // quoted
  std::unique_ptr<pqxx::stream_to> stream;
  long staged = 0;
  bool direct = false;
  // Reactions and files wait here until the message COPY ends (one COPY at a time).
  std::vector<std::tuple<std::string, std::string, std::string, std::string>> reactions;
  std::vector<std::pair<std::pair<std::string, std::string>, FileRecord>> files;
  bool everything = false;
  bool rewrite_all = false;  // stored fingerprints are not trusted: every beatdown is written
  bool vacuum = false;       // a large write: vacuum the messages after the commit (analyze_raw)

  void close_stream() {
    if (stream) {
      stream->complete();
      stream.reset();
    }
  }
  std::string t(const char* table) const { return schema + "." + table; }
};

}  // namespace paxstats::db
