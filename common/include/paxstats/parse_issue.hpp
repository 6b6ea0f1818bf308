#pragma once
// What the parser found wrong with a backblast: one type from the parser to the store, the
// service's feedback DM and the admins' log.
#include <stdexcept>
#include <string>
#include <string_view>

namespace paxstats {

enum class Severity {
  warning,  // counted, but worth a look (a typed name, a date far from the post)
  error,    // not counted until it is fixed (no Q, no date)
};

constexpr std::string_view to_string(Severity s) { return s == Severity::error ? "error" : "warning"; }
// "warning" or "error" (as stored); throws std::invalid_argument otherwise.
inline Severity parse_severity(std::string_view s) {
  if (s == "error") return Severity::error;
  if (s == "warning") return Severity::warning;
  throw std::invalid_argument("unknown parse-issue severity \"" + std::string(s) + "\"");
}

struct ParseIssue {
  Severity severity = Severity::error;
  std::string field;   // "date", "ao", "q", "coq", "pax", "fngs", "count", "backblast"
  std::string reason;  // for people: what was wrong and how to write it
  int line = 0;        // 1-based line of the text the parser read (0: not tied to a line)
};

}  // namespace paxstats
