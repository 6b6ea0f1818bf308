#pragma once
// Internal to reports/: how messages and charts put things in words.
#include <string>
#include <vector>

namespace paxstats::reports::detail {

// How a person is named in a message: a mention for a Slack user, else the typed name, escaped.
std::string mention(const std::string& user_id, const std::string& name);
// "1 post", "2 posts".
std::string plural(long n, const std::string& one, const std::string& many);
// The article a number takes when read aloud: "an" for 8, 11, 18, 80–89, 800…; else "a".
std::string indefinite(long n);
// "top poster", "top 12 posters".
std::string top_posters(size_t n);
// "A", "A & B", "A, B & C", "A, B, C & 2 more".
std::string join_names(const std::vector<std::string>& names, size_t shown = 3);
// The line that says why an award is not given: "Most posts is not given for October 2026: 12 PAX
// share it (17 posts), more than 10 (award_max_winners)." (the ceremony rule, F3 and community).
std::string not_given(const std::string& award, const std::string& period, size_t winners, const std::string& who,
                      const std::string& figure, int max_winners);
// A list cut after its first `shown` (values largest first): how many past the cut share the
// last shown value, "6 more tied at 3 posts" (one/many name the unit), or "" when the cut falls
// between two values. Leaderboards, Q counts and the weekly report say it where they cut.
std::string tied_past_cut(const std::vector<int>& values, size_t shown, const std::string& one,
                          const std::string& many);
// A chart's file name part: letters, digits, '-' and '_' kept, anything else '_'.
std::string file_safe(const std::string& s);

}  // namespace paxstats::reports::detail
