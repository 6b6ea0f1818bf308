#pragma once
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"
#include "paxstats/mining/backblast.hpp"

namespace paxstats::mining {

// What derivation found.
struct DeriveReport {
  long examined = 0;        // messages the parser read (those that might be backblasts)
  long beatdowns = 0;       // beatdowns written
  long with_errors = 0;     // beatdowns whose parse has errors
  long with_warnings = 0;   // beatdowns with warnings only
};

struct ImportOptions {
  bool skip_bad_files = false;     // import the rest and list bad files instead of failing
  std::ostream* progress = nullptr;  // progress lines (to a TTY: one line rewritten)
  bool progress_is_tty = false;
};

struct ImportReport {
  long files = 0, messages = 0, inserted = 0, updated = 0, users = 0, conversations = 0;
  std::vector<std::string> skipped;  // "file: why", with skip_bad_files
  std::vector<std::string> notes;    // things worth telling (folders no list names, …)
  DeriveReport derived;
  double seconds = 0;
};

// Imports a Slack export (.zip or unpacked folder) into a region's raw store and derives its
// beatdowns, all in one transaction: on any error nothing is written (unless skip_bad_files,
// which leaves out the files that are bad and keeps the rest). Importing the same or an
// overlapping export again changes nothing but what is newer. Throws UserError naming the file
// (and line, or message ts) of bad input.
ImportReport import_export(db::Database& db, std::string_view region, const std::filesystem::path& path,
                           const ImportOptions& options = {});

// Rebuilds every beatdown, attendance and parse issue of a region from its raw store.
DeriveReport reparse(db::Database& db, std::string_view region);

// The region's channels, for parse contexts.
std::vector<ChannelInfo> load_channels(db::Database& db, std::string_view region);

}  // namespace paxstats::mining
