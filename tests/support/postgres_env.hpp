#pragma once
// One throwaway PostgreSQL cluster per test binary, started through paxstats's own
// EmbeddedPostgres (the code users run), and a fresh database for each test that asks.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "paxstats/db/embedded.hpp"

namespace paxstats::test {

// A directory under /tmp removed (with everything in it) when the object dies.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "paxstats-test-");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  // The environment registered by main(); fails the test when there is none.
  static PostgresEnvironment& get();

  // Creates an empty database and returns its URL. Each call gives a new one.
  std::string fresh_database_url();

  // The throwaway cluster itself (a test of the read replica starts one of it).
  db::EmbeddedPostgres& cluster() { return *pg_; }
  // The same database's URL on the cluster's replica (EmbeddedPostgres::start_replica).
  std::string replica_url_of(const std::string& url) const;

 private:
  std::unique_ptr<TempDir> home_;
  std::unique_ptr<db::EmbeddedPostgres> pg_;
  int counter_ = 0;
};

// Fast settings for throwaway clusters: durability is not the point of a test run.
std::vector<std::pair<std::string, std::string>> throwaway_settings();

}  // namespace paxstats::test
