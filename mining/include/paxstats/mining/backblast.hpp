#pragma once
#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "paxstats/parse_issue.hpp"
#include "paxstats/role.hpp"

namespace paxstats::mining {

// Someone a backblast names: a Slack user (mentioned) or a name typed without a mention.
// Exactly one of the two is set.
struct Person {
  std::string user_id;
  std::string name;
  bool operator==(const Person&) const = default;
};

using paxstats::ParseIssue;
using paxstats::Role;

// Where a backblast's fields were read: its text, its blocks (the text empty or no backblast),
// or a form app's message metadata.
enum class Source { text, blocks, metadata };
// Where its date came from: a date field, the title line (or a date line above the fields), or
// the day it was posted.
enum class DateSource { field, title, posted_at };
NLOHMANN_JSON_SERIALIZE_ENUM(Source,
                             {{Source::text, "text"}, {Source::blocks, "blocks"}, {Source::metadata, "metadata"}})
NLOHMANN_JSON_SERIALIZE_ENUM(DateSource, {{DateSource::field, "field"},
                                          {DateSource::title, "title"},
                                          {DateSource::posted_at, "posted_at"}})

struct ChannelInfo {
  std::string id;
  std::string name;
};

// What the parser needs to know about a region, prepared once and shared (read-only, so
// thread-safe) by every parse.
class ParseContext {
 public:
  // tz: IANA name (throws std::runtime_error when unknown); channels: the region's channels.
  ParseContext(std::string_view tz, const std::vector<ChannelInfo>& channels);

  const date::time_zone* zone() const { return zone_; }
  // A channel by exact name ("ao-the-forge", with or without '#'), or by its place name
  // compared loosely ("The Forge", "the-forge", "AO The Forge" all find ao-the-forge).
  std::optional<std::string> channel_by_name(std::string_view name) const;
  bool has_channel(std::string_view id) const { return ids_.count(std::string(id)) > 0; }
  bool knows_channels() const { return !ids_.empty(); }  // false: no region given (backblast parse)

 private:
  const date::time_zone* zone_;
  std::unordered_map<std::string, std::string> exact_, loose_;
  std::unordered_map<std::string, bool> ids_;
};

// One message as the parser sees it.
struct MessageView {
  std::string_view text;                     // Slack's escaped mrkdwn text
  const nlohmann::json* blocks = nullptr;    // message blocks, when present
  const nlohmann::json* metadata = nullptr;  // message metadata, when present
  std::string_view channel_id;               // where it was posted
  std::chrono::sys_seconds posted_at{};      // the message ts as time
};

struct Backblast {
  bool is_backblast = false;
  Source source = Source::text;  // where the fields came from
  std::string title;
  date::year_month_day date{};
  DateSource date_source = DateSource::posted_at;  // where the date came from
  std::optional<std::string> ao_channel_id;
  std::optional<std::string> ao_name;  // the AO as written when it is not a channel mention
  std::optional<Person> q;
  std::vector<Person> coqs;
  std::vector<Person> pax;  // everyone attending: Q and Co-Qs first, FNGs included, once each
  int fng_count = 0;
  std::vector<std::string> fng_names;     // FNGs typed by name
  std::vector<std::string> fng_user_ids;  // FNGs mentioned
  std::optional<int> count;               // COUNT as written
  int derived_count = 0;                  // distinct attendees found
  std::vector<ParseIssue> warnings, errors;

  int effective_count() const { return count ? *count : derived_count; }
  // The role of an attendee.
  Role role_of(const Person& p) const;
  // The role of each of `pax`, in order (linear time: use it for whole lists).
  std::vector<Role> roles() const;
};

// Reads a Slack message as a backblast. Detection: a line starting with Backblast, Back Blast,
// Slackblast or Slack blast (any case, after markup, leading spaces, bullets and a leading
// emoji), or a first line with #backblast; and at least one field line. Fields are found on any
// line, in any case, with bullets, bold markup, ':' or '-' separators; the first occurrence of a
// field wins. When the text has no backblast, the message's blocks are read, then its metadata
// (event_type "backblast"). Never throws for any input.
Backblast parse_backblast(const MessageView& message, const ParseContext& context);

// Parses a date the ways Qs write it (ISO, M/D/YY(YY), M-D-YY, M.D.YY, 8-Mar-2023,
// "December 25, 2020", with a weekday or trailing words). A date without a year takes the year
// that puts it nearest to `near`.
std::optional<date::year_month_day> parse_date(std::string_view text, date::year_month_day near);

// The JSON of `paxstats backblast parse` (keys: is_backblast, title, date, date_source, ao, q,
// coqs, pax, fngs, count, derived_count, warnings, errors).
nlohmann::json to_json(const Backblast& b);

}  // namespace paxstats::mining
