#pragma once
// Internal to the backblast parser: detecting a backblast and its field labels ("Q:", "PAX:", typos of them).
#include <array>
#include <charconv>
#include <vector>
#include <string_view>

#include "text.hpp"

namespace paxstats::mining::parse {

using json = nlohmann::json;
using sv = std::string_view;

enum class Field { date, ao, q, coq, pax, fngs, fng_count, count, title, none };
constexpr size_t kFields = 9;

// The field's name in warnings and errors ("date", "fngs", …).
inline const char* field_key(Field f) {
  switch (f) {
    case Field::date: return "date";
    case Field::ao: return "ao";
    case Field::q: return "q";
    case Field::coq: return "coq";
    case Field::pax: return "pax";
    case Field::fngs:
    case Field::fng_count: return "fngs";
    case Field::count: return "count";
    case Field::title: return "title";
    case Field::none: break;
  }
  return "";
}

struct Label {
  sv text;  // lower case
  Field field;
};

// Longest first, so "number of pax" wins over "pax" would-be prefixes and "co-qs" over "co-q".
inline const std::array<Label, 33> kLabels = {{
    {"number of fngs", Field::fng_count},
    {"q in charge", Field::q},
    {"number of pax", Field::count},
    {"workout date", Field::date},
    {"pax names", Field::pax},
    {"fng names", Field::fngs},
    {"total pax", Field::count},
    {"pax count", Field::count},
    {"the pax", Field::pax},
    {"pax name", Field::pax},
    {"co-qs", Field::coq},
    {"co qs", Field::coq},
    {"co-q", Field::coq},
    {"co q", Field::coq},
    {"coqs", Field::coq},
    {"count", Field::count},
    {"total", Field::count},
    {"title", Field::title},
    {"where", Field::ao},
    {"a.o.", Field::ao},
    {"fngs", Field::fngs},
    {"fng's", Field::fngs},
    {"date", Field::date},
    {"when", Field::date},
    {"coq", Field::coq},
    {"q(s)", Field::q},
    {"vqs", Field::q},
    {"a.o", Field::ao},
    {"fng", Field::fngs},
    {"qic", Field::q},
    {"pax", Field::pax},
    {"vq", Field::q},
    {"qs", Field::q},
}};

// The separator after a label: ':' (maybe doubled), a dash or a pipe; returns its length or 0.
inline size_t separator(sv s) {
  if (!s.empty() && s[0] == ':') return s.size() > 1 && s[1] == ':' ? 2 : 1;
  if (!s.empty() && (s[0] == '-' || s[0] == '|')) return 1;
  if (s.substr(0, 3) == "–" || s.substr(0, 3) == "—") return 3;
  return 0;
}

inline bool people_field(Field f) { return f == Field::q || f == Field::coq || f == Field::pax || f == Field::fngs; }

inline void skip_markup(sv& s) {
  while (!s.empty() && (s[0] == '*' || s[0] == '_' || s[0] == '~')) s.remove_prefix(1);
}

// Reads "Label: value" from a cleaned line start; Field::none when the line is not a field.
// The separator is ':', a dash or a pipe ("AO | Hospital Hill"); a count may stand inside the
// label ("PAX (15) – …", into *label_count; "PAX (): …" left empty); a people label may be followed straight by a
// mention or a typed @ ("Q @Wiki", "PAX <@U…>").
inline Field match_field(sv s, sv& value, int* label_count = nullptr) {
  auto try_label = [&](sv label, Field field) -> bool {
    if (!starts_with_ci(s, label)) return false;
    sv rest = s.substr(label.size());
    if (!rest.empty() && (is_alpha(rest[0]) || is_digit(rest[0]))) return false;  // "Quick", "Total2"
    const bool spaced = !rest.empty() && is_space(rest[0]);
    skip_markup(rest);
    rest = trim(rest);
    int count = -1;
    if (rest.size() > 2 && rest[0] == '(' && is_digit(rest[1])) {  // "PAX (15) –"
      size_t i = 1;
      while (i < rest.size() && is_digit(rest[i])) ++i;
      if (i < rest.size() && rest[i] == ')' && i <= 5) {
        count = 0;
        std::from_chars(rest.data() + 1, rest.data() + i, count);
        rest = trim(rest.substr(i + 1));
        skip_markup(rest);
      }
    } else if (rest.starts_with("()")) {  // "PAX (): …": a form's count left empty
      rest = trim(rest.substr(2));
      skip_markup(rest);
    }
    size_t n = separator(rest);
    if (!n) {
      if (!(spaced && people_field(field) && (rest.substr(0, 1) == "@" || rest.substr(0, 2) == "<@"))) return false;
    } else {
      rest.remove_prefix(n);
    }
    skip_markup(rest);
    value = trim(rest);
    if (label_count) *label_count = count;
    return true;
  };
  // Only the labels that begin with the line's first letter are tried (in kLabels' order, then
  // "q's", "q" and "ao"): most lines of a post are no field, and this runs on every line.
  static const std::array<std::vector<Label>, 26> by_letter = [] {
    std::array<std::vector<Label>, 26> t;
    for (const auto& l : kLabels) t[static_cast<size_t>(l.text[0] - 'a')].push_back(l);
    for (const Label& l : {Label{"q's", Field::q}, Label{"q", Field::q}, Label{"ao", Field::ao}})
      t[static_cast<size_t>(l.text[0] - 'a')].push_back(l);
    return t;
  }();
  if (s.empty()) return Field::none;
  const char first = lower(s[0]);
  if (first < 'a' || first > 'z') return Field::none;
  for (const auto& l : by_letter[static_cast<size_t>(first - 'a')])
    if (try_label(l.text, l.field)) return l.field;
  return Field::none;
}

// A backblast header line: Backblast / Back Blast / Slackblast / Slack blast at the start.
inline bool header_keyword(sv cleaned, sv& rest) {
  for (sv kw : {sv("backblast"), sv("back blast"), sv("back-blast"), sv("slackblast"), sv("slack blast")}) {
    if (starts_with_ci(cleaned, kw)) {
      sv after = cleaned.substr(kw.size());
      if (!after.empty() && is_alpha(after[0]) && !starts_with_ci(after, "s")) return false;
      if (starts_with_ci(after, "s") && !(after.size() == 1 || !is_alpha(after[1]))) return false;
      if (starts_with_ci(after, "s")) after.remove_prefix(1);  // "Backblasts"
      rest = after;
      return true;
    }
  }
  return false;
}

// "Backblast" as a word anywhere in a title line (":fire: The Forge back blast 3/2/24").
inline bool header_word_inside(sv line) {
  for (size_t p = 0; p < line.size(); ++p) {
    if (lower(line[p]) != 'b' || (p > 0 && is_alpha(line[p - 1]))) continue;
    for (sv kw : {sv("backblast"), sv("back blast"), sv("back-blast")}) {
      if (!starts_with_ci(line.substr(p), kw)) continue;
      const size_t end = p + kw.size();
      if (end >= line.size() || !is_alpha(line[end]) || lower(line[end]) == 's') return true;
    }
  }
  return false;
}

// A preblast (a workout announced, still to come) at the start of a line: "Preblast",
// "Pre-blast", "Pre blast".
inline bool preblast_word(sv cleaned) {
  for (sv kw : {sv("preblast"), sv("pre-blast"), sv("pre blast")})
    if (starts_with_ci(cleaned, kw) && (cleaned.size() == kw.size() || !is_alpha(cleaned[kw.size()]) ||
                                        starts_with_ci(cleaned.substr(kw.size()), "s")))
      return true;
  return false;
}

// Edit distance with transpositions (optimal string alignment), for short labels.
inline size_t label_distance(sv a, sv b) {
  std::vector<size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.size()];
}

struct NearLabel {
  Field field = Field::none;
  std::string written;  // the label as typed
  const char* meant = "";
};

// A line that starts with one word and a colon that is no label, but a typo of one ("DAET:",
// "Paz:", "Cuont:"): edit distance ≤ 2 from DATE, FNGS or COUNT, ≤ 1 from PAX, and for AO two
// capitals one edit away ("A0:"). Q is one letter: every letter is one edit from it, so no guess.
// Words backblasts use as headings that happen to be near a label (COT, Note, Name…) are not typos.
inline NearLabel near_label(sv cleaned) {
  size_t n = 0;
  while (n < cleaned.size() && (is_alpha(cleaned[n]) || (n > 0 && (cleaned[n] == '\'' || is_digit(cleaned[n]))))) ++n;
  if (n < 2 || n > 8) return {};
  sv rest = cleaned.substr(n);
  while (!rest.empty() && (rest[0] == '*' || rest[0] == '_' || rest[0] == ' ')) rest.remove_prefix(1);
  if (rest.empty() || rest[0] != ':') return {};
  const std::string word = lower_copy(cleaned.substr(0, n));
  for (sv common : {"cot",   "note",  "name",  "mate", "late",  "gate", "rate", "vote", "data", "dave",
                    "pat",   "max",   "pam",   "tax",  "wax",   "pay",  "fun",  "fans", "song", "songs",
                    "count", "mount", "court", "here", "there", "were", "wire", "whee", "whom", "whose"})
    if (word == common) return {};
  struct Candidate {
    sv label;
    Field field;
    const char* meant;
    size_t max;
  };
  for (const Candidate& c : {Candidate{"date", Field::date, "DATE", 2}, Candidate{"fngs", Field::fngs, "FNGs", 2},
                             Candidate{"count", Field::count, "COUNT", 2}, Candidate{"pax", Field::pax, "PAX", 1},
                             Candidate{"where", Field::ao, "Where", 1}})
    if (label_distance(word, c.label) <= c.max && word.size() + 1 >= c.label.size())
      return {c.field, std::string(cleaned.substr(0, n)), c.meant};
  if (n == 2 && !(cleaned[0] >= 'a' && cleaned[0] <= 'z') && !(cleaned[1] >= 'a' && cleaned[1] <= 'z') &&
      label_distance(word, "ao") == 1)
    return {Field::ao, std::string(cleaned.substr(0, n)), "AO"};
  return {};
}

}  // namespace paxstats::mining::parse
