#include "paxstats/db/migrate.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <mutex>
#include <optional>
#include <thread>

#include "detail/database_impl.hpp"
#include "paxstats/hash.hpp"
#include "detail/migrate_impl.hpp"
#include "paxstats/db/sql.hpp"

namespace paxstats::db {

std::span<const EmbeddedFile> embedded_control_migrations();  // generated
std::span<const EmbeddedFile> embedded_region_migrations();   // generated

MigrationSet control_migrations() { return {"control", embedded_control_migrations()}; }
MigrationSet region_migrations() { return {"region", embedded_region_migrations()}; }

namespace {

std::string describe(const std::string& file, int n, int line, const std::string& statement, const std::string& msg) {
  std::string shown = statement.size() > 300 ? statement.substr(0, 300) + " …" : statement;
  return "migration " + file + " failed at statement " + std::to_string(n) + " (line " + std::to_string(line) +
         "): " + msg + "\n  statement: " + shown +
         "\nNothing of this migration was applied. Fix it and run `paxstats db migrate` again.";
}

int version_of(const MigrationSet& set, const EmbeddedFile& f) {
  int v = 0;
  auto [end, ec] = std::from_chars(f.name.data(), f.name.data() + f.name.size(), v);
  if (ec != std::errc() || end == f.name.data() || *end != '_')
    throw UserError("migration file " + set.label + "/" + std::string(f.name) + " is not named NNNN_description.sql");
  return v;
}

// "1:checksum,2:checksum,…" of a set's files, as a ledger that has them all reads.
std::string expected_ledger(const MigrationSet& set) {
  std::string out;
  for (const auto& f : set.files)
    out += (out.empty() ? "" : ",") + std::to_string(version_of(set, f)) + ":" + fnv1a_hex(f.bytes);
  return out;
}

// A schema's ledger in that form; nullopt when it has none yet.
std::optional<std::string> ledger_of(Database& db, std::string_view schema) {
  const std::string s = quote_identifier(schema);
  if (sql::value(db, "SELECT to_regclass($1)::text", {s + ".schema_migrations"}) == std::nullopt) return std::nullopt;
  return sql::value(db, "SELECT coalesce(string_agg(version || ':' || checksum, ',' ORDER BY version), '') FROM " + s +
                            ".schema_migrations");
}

}  // namespace

MigrationError::MigrationError(std::string file, int statement_number, int line, std::string statement,
                               std::string server_message)
    : UserError(describe(file, statement_number, line, statement, server_message)),
      file_(std::move(file)),
      statement_number_(statement_number),
      line_(line) {}

namespace detail {

void ensure_ledger(pqxx::transaction_base& tx, std::string_view schema) {
  const std::string s = quote_identifier(schema);
  tx.exec("CREATE SCHEMA IF NOT EXISTS " + s);
  tx.exec("CREATE TABLE IF NOT EXISTS " + s +
          ".schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, "
          "applied_at timestamptz NOT NULL DEFAULT now())");
}

void lock_schema(pqxx::transaction_base& tx, std::string_view schema) {
  exec_params(tx, "SELECT pg_advisory_xact_lock(hashtext('paxstats.migrate:' || $1))", {std::string(schema)});
}

bool apply_one(pqxx::transaction_base& tx, const MigrationSet& set, const EmbeddedFile& file, std::string_view schema) {
  const int version = version_of(set, file);
  const std::string checksum = fnv1a_hex(file.bytes);
  const std::string s = quote_identifier(schema);
  const std::string label = set.label + "/" + std::string(file.name);
  auto done =
      exec_params(tx, "SELECT checksum FROM " + s + ".schema_migrations WHERE version = $1", {std::to_string(version)});
  if (!done.empty()) {
    if (done[0][0].c_str() != checksum)
      throw UserError("migration " + label + " was changed after it was applied to schema " + std::string(schema) +
                      ". Applied migrations must not be edited: restore the file and add a new migration instead.");
    return false;
  }
  tx.exec("SET LOCAL search_path TO " + s);
  int n = 0;
  for (const auto& st : split_sql(file.bytes)) {
    ++n;
    try {
      tx.exec(st.text);
    } catch (const pqxx::sql_error& e) {
      throw MigrationError(label, n, st.line, st.text, e.what());
    }
  }
  tx.exec("SET LOCAL search_path TO DEFAULT");
  exec_params(tx, "INSERT INTO " + s + ".schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
              {std::to_string(version), std::string(file.name), checksum});
  return true;
}

}  // namespace detail

std::vector<std::string> apply_migrations(Database& db, const MigrationSet& set, std::string_view schema) {
  auto& conn = db.impl().conn;
  // Up to date, with every file as it was applied: one statement instead of a transaction per file
  // (every command checks the control schema at start).
  if (ledger_of(db, schema) == expected_ledger(set)) return {};
  {
    pqxx::work tx(conn);
    detail::lock_schema(tx, schema);
    detail::ensure_ledger(tx, schema);
    tx.commit();
  }
  std::vector<std::string> applied;
  for (const auto& file : set.files) {
    pqxx::work tx(conn);
    detail::lock_schema(tx, schema);
    if (detail::apply_one(tx, set, file, schema)) applied.emplace_back(file.name);
    tx.commit();
  }
  return applied;
}

namespace {

// Every region's ledger in one statement (a nation's 400 schemas in one round trip, where asking
// each was 400 × 17 transactions at every command). nullopt when it cannot be read that way (a
// region without its schema): each region is then looked at by itself.
std::optional<std::map<std::string, std::string>> ledgers(Database& db, const std::vector<std::string>& slugs) {
  if (slugs.empty()) return std::map<std::string, std::string>{};
  std::string q;
  for (size_t i = 0; i < slugs.size(); ++i)
    q += std::string(i ? " UNION ALL " : "") + "SELECT " + std::to_string(i) +
         ", coalesce(string_agg(version || ':' || checksum, ',' ORDER BY version), '') FROM " +
         quote_identifier(slugs[i]) + ".schema_migrations";
  try {
    std::map<std::string, std::string> out;
    for (const auto& r : sql::query(db, q)) out[slugs[std::stoul(*r[0])]] = *r[1];
    return out;
  } catch (const pqxx::sql_error&) {
    return std::nullopt;
  }
}

// One region's pending migrations in one transaction: all of them, or (on a failure) none.
std::vector<std::string> migrate_region(Database& db, const MigrationSet& set, const std::string& slug) {
  std::vector<std::string> applied;
  pqxx::work tx(db.impl().conn);
  detail::lock_schema(tx, slug);
  detail::ensure_ledger(tx, slug);
  for (const auto& file : set.files)
    if (detail::apply_one(tx, set, file, slug)) applied.emplace_back(file.name);
  detail::exec_params(tx, "UPDATE paxstats.regions SET migrated = $2 WHERE slug = $1",
                      {slug, detail::region_set_fingerprint()});
  tx.commit();
  return applied;
}

}  // namespace

std::string detail::region_set_fingerprint() {
  static const std::string fingerprint = fnv1a_hex(expected_ledger(region_migrations()));
  return fingerprint;
}

MigrateReport migrate_regions(Database& db, const MigrateOptions& options) {
  MigrateReport report;
  for (const auto& name : apply_migrations(db, control_migrations(), "paxstats"))
    report.applied.push_back("control: " + name);
  const auto set = region_migrations();
  const std::string expected = expected_ledger(set), fingerprint = detail::region_set_fingerprint();
  // Regions not known to have every migration (the fingerprint a region records moves with the
  // set): only their ledgers are read.
  std::vector<std::string> slugs;
  for (const auto& row : sql::query(
           db, "SELECT slug, migrated IS NOT DISTINCT FROM $1 FROM paxstats.regions ORDER BY slug", {fingerprint})) {
    ++report.regions;
    if (*row[1] != "t") slugs.push_back(*row[0]);
  }
  std::vector<std::string> todo, complete;
  if (const auto known = ledgers(db, slugs)) {
    for (const auto& slug : slugs) (known->at(slug) != expected ? todo : complete).push_back(slug);
  } else {
    todo = slugs;
  }
  if (!complete.empty())
    sql::query(db,
               "UPDATE paxstats.regions SET migrated = $1 WHERE slug IN (SELECT jsonb_array_elements_text($2::jsonb))",
               {fingerprint, nlohmann::json(complete).dump()});
  report.pending = static_cast<int>(todo.size());
  if (todo.empty()) return report;

  // Each region on its own connection from a few workers: DDL in one schema waits for nothing in
  // another's. A failure stays with its region.
  std::mutex mu;
  size_t next = 0;
  int done = 0;
  std::map<std::string, std::vector<std::string>> applied;
  auto work = [&](Database& conn) {
    for (;;) {
      std::string slug;
      {
        std::lock_guard lock(mu);
        if (next == todo.size()) return;
        slug = todo[next++];
      }
      std::vector<std::string> names;
      std::optional<std::string> failure;
      try {
        names = migrate_region(conn, set, slug);
      } catch (const std::exception& e) {
        failure = e.what();
      }
      std::lock_guard lock(mu);
      if (failure)
        report.failed.push_back({slug, *failure});
      else
        applied[slug] = std::move(names);
      ++done;
      if (options.progress) options.progress(done, static_cast<int>(todo.size()));
    }
  };
  const int n = std::clamp(options.connections, 1, static_cast<int>(todo.size()));
  std::vector<std::unique_ptr<Database>> conns;
  for (int i = 1; i < n; ++i) conns.push_back(std::make_unique<Database>(db.sibling()));
  {
    std::vector<std::jthread> threads;
    for (auto& c : conns) threads.emplace_back([&work, &c] { work(*c); });
    work(db);
  }
  for (const auto& [slug, names] : applied) {
    if (!names.empty()) ++report.migrated;
    for (const auto& name : names) report.applied.push_back(slug + ": " + name);
  }
  std::sort(report.failed.begin(), report.failed.end(),
            [](const MigrationFailure& a, const MigrationFailure& b) { return a.region < b.region; });
  return report;
}

std::vector<std::string> migrate_all(Database& db) {
  auto report = migrate_regions(db, {});
  if (!report.failed.empty()) {
    std::string names;
    for (const auto& f : report.failed) names += (names.empty() ? "" : ", ") + f.region;
    throw UserError("the migrations of " + std::to_string(report.failed.size()) + " region(s) failed (" + names +
                    "); the other regions are migrated. Region " + report.failed.front().region + ": " +
                    report.failed.front().message);
  }
  return report.applied;
}

std::vector<SqlStatement> split_sql(std::string_view sql) {
  std::vector<SqlStatement> out;
  std::string current;
  int line = 1, start_line = 1;
  bool has_code = false;  // current holds something besides whitespace and comments
  auto flush = [&] {
    if (has_code) out.push_back({current, start_line});
    current.clear();
    has_code = false;
  };
  size_t i = 0;
  const size_t n = sql.size();
  auto take = [&](size_t count) {
    for (size_t k = 0; k < count && i < n; ++k, ++i) {
      if (sql[i] == '\n') ++line;
      current += sql[i];
    }
  };
  while (i < n) {
    char c = sql[i];
    if (!has_code && (c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
      if (c == '\n') ++line;
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {  // line comment
      while (i < n && sql[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && sql[i + 1] == '*') {  // block comment (nestable in PostgreSQL)
      int depth = 0;
      do {
        if (sql.compare(i, 2, "/*") == 0) {
          ++depth;
          i += 2;
        } else if (sql.compare(i, 2, "*/") == 0) {
          --depth;
          i += 2;
        } else {
          if (sql[i] == '\n') ++line;
          ++i;
        }
      } while (i < n && depth > 0);
      current += ' ';
      continue;
    }
    if (c == ';') {
      ++i;
      flush();
      continue;
    }
    if (!has_code) {
      has_code = true;
      start_line = line;
    }
    if (c == '\'' || c == '"') {  // quoted literal or identifier; doubled quote escapes
      take(1);
      while (i < n) {
        if (sql[i] == c) {
          if (i + 1 < n && sql[i + 1] == c) {
            take(2);
            continue;
          }
          take(1);
          break;
        }
        take(1);
      }
      continue;
    }
    if (c == '$') {  // dollar quoting: $$ … $$ or $tag$ … $tag$
      size_t j = i + 1;
      while (j < n && (std::isalnum(static_cast<unsigned char>(sql[j])) || sql[j] == '_')) ++j;
      if (j < n && sql[j] == '$') {
        std::string tag(sql.substr(i, j - i + 1));
        take(tag.size());
        size_t close = sql.find(tag, i);
        take(close == std::string_view::npos ? n - i : close - i + tag.size());
        continue;
      }
    }
    take(1);
  }
  flush();
  return out;
}

}  // namespace paxstats::db
