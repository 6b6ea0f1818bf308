#pragma once
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"
#include "paxstats/embedded_file.hpp"
#include "paxstats/error.hpp"

namespace paxstats::db {

// An ordered set of migrations and the schema whose schema_migrations table records them.
// Files are named NNNN_description.sql; versions must be unique and increasing.
struct MigrationSet {
  std::string label;                    // "control" or "region", for messages
  std::span<const EmbeddedFile> files;  // in version order
};

MigrationSet control_migrations();  // the paxstats control schema
MigrationSet region_migrations();   // one region's schema (unqualified SQL, run with search_path)

// A migration that failed. Nothing of that migration was applied (its transaction rolled back);
// migrations before it stay applied.
class MigrationError : public UserError {
 public:
  MigrationError(std::string file, int statement_number, int line, std::string statement, std::string server_message);
  const std::string& file() const { return file_; }
  int statement_number() const { return statement_number_; }  // 1-based
  int line() const { return line_; }                          // 1-based line in the file
 private:
  std::string file_;
  int statement_number_;
  int line_;
};

// Applies the pending migrations of set to schema (created if absent), each in its own
// transaction under an advisory lock, so concurrent runs apply each migration once.
// Returns the names of the files applied, in order (empty when up to date).
// Throws MigrationError when a statement fails, or UserError when an applied file was changed.
std::vector<std::string> apply_migrations(Database& db, const MigrationSet& set, std::string_view schema);

// The control schema, then every region's schema: `paxstats db migrate`, and every command's
// check at start. The regions' ledgers are read in one statement; only regions with something
// pending are touched, each in one transaction of its own (all its pending migrations, or on a
// failure none), several at once. A region that fails is named and left as it was; the others go on.
struct MigrationFailure {
  std::string region, message;
};
struct MigrateReport {
  std::vector<std::string> applied;  // "control: 0001_control.sql", "stl: 0016_slack_app.sql"
  std::vector<MigrationFailure> failed;
  int regions = 0;   // regions in all
  int pending = 0;   // regions that had migrations pending
  int migrated = 0;  // of those, regions that have them now
};
struct MigrateOptions {
  int connections = 4;                                  // regions migrated at once
  std::function<void(int done, int of)> progress = {};  // after each pending region (any thread, one at a time)
};
MigrateReport migrate_regions(Database& db, const MigrateOptions& options);

// migrate_regions with its defaults; throws UserError naming the regions that failed. Returns
// one line per applied file.
std::vector<std::string> migrate_all(Database& db);

// One SQL statement of a script and the 1-based line where it starts.
struct SqlStatement {
  std::string text;
  int line;
};

// Splits a script at top-level semicolons, honouring quotes, "identifiers", $tag$ bodies,
// -- and /* */ comments. Empty statements are dropped.
std::vector<SqlStatement> split_sql(std::string_view script);

}  // namespace paxstats::db
