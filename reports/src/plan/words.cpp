#include "words.hpp"

#include <algorithm>

#include "paxstats/calendar.hpp"
#include "paxstats/slack/text.hpp"

namespace paxstats::reports::detail {

std::string mention(const std::string& user_id, const std::string& name) {
  return user_id.empty() ? slack::escape_text(name) : "<@" + user_id + ">";
}

std::string plural(long n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string not_given(const std::string& award, const std::string& period, size_t winners, const std::string& who,
                      const std::string& figure, int max_winners) {
  return award + " is not given for " + period + ": " + std::to_string(winners) + " " + who + " share it (" + figure +
         "), more than " + std::to_string(max_winners) + " (award_max_winners).";
}

std::string indefinite(long n) {
  const std::string s = std::to_string(n);
  // Read aloud: "eight…", "eleven", "eighteen", and "eleven/eighteen thousand…" by the leading group.
  const size_t lead = s.size() % 3 == 0 ? 3 : s.size() % 3;
  const std::string group = s.substr(0, lead);
  return s[0] == '8' || group == "11" || group == "18" ? "an" : "a";
}

std::string top_posters(size_t n) { return n == 1 ? "top poster" : "top " + std::to_string(n) + " posters"; }

std::string join_names(const std::vector<std::string>& names, size_t shown) {
  std::string out;
  const size_t n = std::min(names.size(), shown);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += (i + 1 == n && names.size() <= shown) ? " & " : ", ";
    out += names[i];
  }
  if (names.size() > shown) out += " & " + std::to_string(names.size() - shown) + " more";
  return out;
}

std::string tied_past_cut(const std::vector<int>& values, size_t shown, const std::string& one,
                          const std::string& many) {
  if (shown == 0 || values.size() <= shown) return {};
  const int at = values[shown - 1];
  const long more = std::count(values.begin() + static_cast<long>(shown), values.end(), at);
  return more ? std::to_string(more) + " more tied at " + plural(at, one, many) : std::string();
}

std::string file_safe(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return out;
}

}  // namespace paxstats::reports::detail
