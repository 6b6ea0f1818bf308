#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"
#include "paxstats/reports/deliver.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::slack {
class Client;
}

// The region's admin log channel (region setting log_channel), as PAXminer's paxminer_logs:
// what admins should know, posted as it happens. Templates log_parse and log_run.
namespace paxstats::reports {

// The log line for a backblast that could not be read: who posted it, where, and why.
std::string log_parse_message(db::Database& db, std::string_view region, std::string_view poster,
                              std::string_view channel, const std::vector<ParseIssue>& problems,
                              std::string_view permalink);

// The log line for a delivery run: what it sent, skipped (why) and could not send; for a monthly
// run (`month` given) also the month's data quality and its trend over 12 months.
std::string log_run_message(db::Database& db, std::string_view region, std::string_view what,
                            const DeliverReport& report, const std::vector<std::string>& notes,
                            std::optional<date::year_month> month = std::nullopt);

// "93% of October's 120 beatdowns read without a warning (12 months: 81% → 93%, low 78%); 14
// parse issues open": the admins' line about a month's data quality.
std::string quality_line(db::Database& db, std::string_view region, date::year_month month);

// Posts `text` to the region's log channel, when it has one. Never throws: a log that cannot be
// written is itself logged (the run it reports on has already happened). True when posted.
bool post_to_log(db::Database& db, std::string_view region, slack::Client& client, const std::string& text);

}  // namespace paxstats::reports
