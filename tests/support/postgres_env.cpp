#include "postgres_env.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "paxstats/db/database.hpp"
#include "paxstats/db/sql.hpp"

namespace fs = std::filesystem;

namespace paxstats::test {
namespace {
PostgresEnvironment* g_env = nullptr;
}

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::vector<std::pair<std::string, std::string>> throwaway_settings() {
  return {{"fsync", "off"},
          {"synchronous_commit", "off"},
          {"full_page_writes", "off"},
          {"max_connections", "120"},
          {"shared_buffers", "32MB"}};
}

void PostgresEnvironment::SetUp() {
  g_env = this;
  home_ = std::make_unique<TempDir>();
  // Let the unprivileged server user reach the cluster inside it when tests run as root.
  ::chmod(home_->path().c_str(), 0755);
  pg_ = std::make_unique<db::EmbeddedPostgres>(
      db::EmbeddedOptions{.home = home_->path(), .settings = throwaway_settings()});
  pg_->start();
}

void PostgresEnvironment::TearDown() {
  if (pg_) pg_->stop();
  pg_.reset();
  home_.reset();
  g_env = nullptr;
}

PostgresEnvironment& PostgresEnvironment::get() {
  if (!g_env) throw std::logic_error("PostgresEnvironment is not registered in this test binary");
  return *g_env;
}

std::string PostgresEnvironment::fresh_database_url() {
  const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++counter_);
  db::Database admin(pg_->url());
  db::sql::autocommit(admin, "CREATE DATABASE " + name);
  std::string url = pg_->url();
  return "postgresql:///" + name + url.substr(url.find('?'));
}

std::string PostgresEnvironment::replica_url_of(const std::string& url) const {
  const std::string name = url.substr(std::string("postgresql:///").size(), url.find('?') - 14);
  const std::string replica = pg_->replica_url();
  return "postgresql:///" + name + replica.substr(replica.find('?'));
}

}  // namespace paxstats::test
