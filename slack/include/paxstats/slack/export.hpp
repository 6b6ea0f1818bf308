#pragma once
#include <cstdint>
#include <functional>
#include <string_view>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace paxstats::slack {

// A Slack export, read in place: an unpacked folder or a .zip (never extracted). Entries are
// paths relative to the export's top ("general/2024-01-01.json"); an archive whose files sit
// in one top folder is read as if that folder were the top.
class ExportArchive {
 public:
  // Throws paxstats::UserError when the path is missing, the zip is damaged or truncated, or an
  // entry's name escapes the export (an absolute path or "..": a zip-slip archive).
  static std::unique_ptr<ExportArchive> open(const std::filesystem::path& path);
  virtual ~ExportArchive() = default;

  const std::vector<std::string>& entries() const { return entries_; }
  bool has(const std::string& entry) const;
  // The entry's bytes; UserError naming the entry when it cannot be read (a damaged zip).
  virtual std::string read(const std::string& entry) const = 0;
  virtual uint64_t size(const std::string& entry) const = 0;
  // "export.zip:general/2024-01-01.json", for messages.
  std::string where(const std::string& entry) const;
  const std::filesystem::path& path() const { return path_; }

 protected:
  std::filesystem::path path_;
  std::string prefix_;  // a single top folder inside the archive, or ""
  std::vector<std::string> entries_;
};

// Parses a JSON entry. Throws UserError naming the file, with line and column, for malformed
// JSON, invalid UTF-8, a number out of range, or nesting deeper than kMaxJsonDepth. Entries are
// at most 256 MiB uncompressed (the memory budget of one file).
nlohmann::json parse_entry(const ExportArchive& archive, const std::string& entry);

// Reads a JSON-array entry element by element: fn receives each element parsed, with its own
// bytes as they stand in the file (no re-serialising) and the line it starts on. Errors as
// parse_entry; an entry that is not an array, or nests deeper than kMaxJsonDepth, is an error
// naming it and the line.
void for_each_element(const ExportArchive& archive, const std::string& entry,
                      const std::function<void(const nlohmann::json& element, std::string_view raw, size_t line)>& fn);

struct ExportConversation {
  std::string id, name;
  std::string kind;                    // channel, group, mpim, dm
  nlohmann::json info;                 // its entry in channels.json / groups.json / mpims.json / dms.json
  std::vector<std::string> day_files;  // its YYYY-MM-DD.json entries, in date order
};

struct ExportIndex {
  std::vector<nlohmann::json> users;  // users.json (or org_users.json)
  std::vector<ExportConversation> conversations;
  std::vector<std::string> stray_folders;  // folders of day files no list names
  std::vector<std::string> notes;          // oddities worth telling (a conversation listed twice)
};

// Reads the export's lists and matches each conversation with its folder (named by channel
// name, id, or mpim name; DMs by id). Throws UserError when it is not a Slack export at all
// (no channels.json, groups.json, dms.json or mpims.json) or a list is malformed.
ExportIndex index_export(const ExportArchive& archive);

}  // namespace paxstats::slack
