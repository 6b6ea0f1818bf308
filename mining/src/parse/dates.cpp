// The date of a beatdown, read near the day it was posted: "11/4", "Nov 4th", "2025-11-04",
// "Tuesday 11/4" (the weekday is checked by the fields layer).
#include <charconv>
#include <optional>
#include <vector>

#include "paxstats/mining/backblast.hpp"
#include "text.hpp"

namespace paxstats::mining {

using namespace parse;

namespace {

int month_of(sv word) {
  static const std::array<sv, 12> names = {"january", "february", "march",     "april",   "may",      "june",
                                           "july",    "august",   "september", "october", "november", "december"};
  std::string w = lower_copy(word);
  if (w.size() < 3) return 0;
  for (size_t m = 0; m < 12; ++m) {
    if (w == names[m] || (w.size() == 3 && names[m].substr(0, 3) == w) || (m == 8 && w == "sept"))
      return static_cast<int>(m) + 1;
  }
  return 0;
}

struct Token {
  enum Kind { number, word, sep } kind;
  sv text;
  int value = 0;
};

std::vector<Token> tokenize(sv s) {
  std::vector<Token> t;
  size_t i = 0;
  while (i < s.size()) {
    if (is_digit(s[i])) {
      size_t j = i;
      while (j < s.size() && is_digit(s[j])) ++j;
      int v = 0;
      std::from_chars(s.data() + i, s.data() + std::min(j, i + 9), v);
      t.push_back({Token::number, s.substr(i, j - i), v});
      // ordinals: 25th, 1st, 2nd, 3rd
      if (j + 1 < s.size() + 1 && j < s.size() && is_alpha(s[j])) {
        size_t k = j;
        while (k < s.size() && is_alpha(s[k])) ++k;
        std::string suffix = lower_copy(s.substr(j, k - j));
        if (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th") j = k;
      }
      i = j;
    } else if (is_alpha(s[i])) {
      size_t j = i;
      while (j < s.size() && is_alpha(s[j])) ++j;
      t.push_back({Token::word, s.substr(i, j - i)});
      i = j;
    } else if (s[i] == '/' || s[i] == '-' || s[i] == '.' || s[i] == ',') {
      t.push_back({Token::sep, s.substr(i, 1)});
      ++i;
    } else {
      ++i;  // spaces and anything else separate tokens
    }
  }
  return t;
}

int full_year(const Token& t) {
  if (t.text.size() == 4) return t.value;
  if (t.text.size() == 2) return 2000 + t.value;
  return 0;
}

}  // namespace

std::optional<date::year_month_day> parse_date(sv text, date::year_month_day near) {
  using namespace date;
  auto make = [&](int y, int m, int d) -> std::optional<year_month_day> {
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    if (y == 0) {  // no year: the one that puts the date nearest to `near`
      std::optional<year_month_day> best;
      long best_gap = 0;
      for (int dy : {-1, 0, 1}) {
        year_month_day c{year{int(near.year()) + dy}, month{unsigned(m)}, day{unsigned(d)}};
        if (!c.ok()) continue;
        long gap = std::labs((sys_days{c} - sys_days{near}).count());
        if (!best || gap < best_gap) best = c, best_gap = gap;
      }
      return best;
    }
    year_month_day c{year{y}, month{unsigned(m)}, day{unsigned(d)}};
    if (!c.ok() || y < 1990 || y > 2100) return std::nullopt;
    return c;
  };
  // Slack's date token: <!date^1392734382^{date}|Feb 18, 2014> (the seconds are UTC).
  if (auto p = text.find("<!date^"); p != sv::npos) {
    long long secs = 0;
    auto b = text.data() + p + 7;
    auto [end, ec] = std::from_chars(b, text.data() + text.size(), secs);
    if (ec == std::errc() && end != b) return year_month_day{floor<days>(sys_seconds{std::chrono::seconds{secs}})};
  }
  const auto t = tokenize(text);
  for (size_t i = 0; i < t.size(); ++i) {
    // Month-name forms: "December 25, 2020", "Dec 25 2020", "8-Mar-2023", "8 March 2023".
    if (t[i].kind == Token::word) {
      int m = month_of(t[i].text);
      if (!m) continue;
      size_t j = i + 1;
      while (j < t.size() && t[j].kind == Token::sep) ++j;
      if (j < t.size() && t[j].kind == Token::number && t[j].text.size() <= 2) {
        size_t k = j + 1;
        while (k < t.size() && t[k].kind == Token::sep) ++k;
        int y = k < t.size() && t[k].kind == Token::number ? full_year(t[k]) : 0;
        if (auto d = make(y, m, t[j].value)) return d;
      }
      if (i >= 1) {
        size_t b = i - 1;
        while (b > 0 && t[b].kind == Token::sep) --b;
        if (t[b].kind == Token::number && t[b].text.size() <= 2) {
          size_t k = i + 1;
          while (k < t.size() && t[k].kind == Token::sep) ++k;
          int y = k < t.size() && t[k].kind == Token::number ? full_year(t[k]) : 0;
          if (auto d = make(y, m, t[b].value)) return d;
        }
      }
      continue;
    }
    if (t[i].kind != Token::number) continue;
    // Numeric forms: Y-M-D, M/D/Y, M-D-Y, M.D.Y (one separator kind), M/D.
    if (i + 2 < t.size() && t[i + 1].kind == Token::sep && t[i + 2].kind == Token::number && t[i + 1].text != ",") {
      const sv sep = t[i + 1].text;
      const bool third =
          i + 4 < t.size() && t[i + 3].kind == Token::sep && t[i + 3].text == sep && t[i + 4].kind == Token::number;
      if (t[i].text.size() == 4 && third) {
        if (auto d = make(t[i].value, t[i + 2].value, t[i + 4].value)) return d;
      } else if (t[i].text.size() <= 2 && third && (t[i + 4].text.size() == 2 || t[i + 4].text.size() == 4)) {
        if (auto d = make(full_year(t[i + 4]), t[i].value, t[i + 2].value)) return d;
      } else if (t[i].text.size() <= 2 && t[i + 2].text.size() <= 2 && !third && sep == "/") {
        if (auto d = make(0, t[i].value, t[i + 2].value)) return d;
      }
    }
  }
  return std::nullopt;
}

}  // namespace paxstats::mining
