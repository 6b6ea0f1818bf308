#pragma once
// Internal: writes messages into a Slack export's layout, <channel>/<YYYY-MM-DD>.json, one
// JSON array per channel and UTC day, sorted by ts. Days are held in memory only until the
// caller says no earlier message can come, so exports of millions of messages stream out.
#include <date/date.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "model.hpp"

namespace paxstats::mining::gen {

// Throws UserError unless tz is an IANA time zone this machine knows.
void check_time_zone(const std::string& tz);

// Makes dir ready for a generated export: created when absent; an earlier generated export there
// (it has truth.json) is removed; any other non-empty folder is refused (UserError).
void prepare_export_dir(const std::filesystem::path& dir);

class ExportWriter {
 public:
  explicit ExportWriter(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Adds a message to channel's folder; its file is the UTC day of its ts.
  void add(const std::string& channel, json message);

  // Writes every day file before `day` (UTC); no later add may fall on those days.
  void flush_before(date::sys_days day);
  void flush_all() { flush_before(date::sys_days::max()); }

  long messages() const { return messages_; }

  // Writes a JSON document to dir/name with Slack's 4-space indent.
  void write_document(const std::string& name, const json& doc) const;

 private:
  std::filesystem::path dir_;
  std::map<date::sys_days, std::map<std::string, std::vector<json>>> pending_;
  long messages_ = 0;
};

}  // namespace paxstats::mining::gen
