#pragma once
// Internal to the backblast parser: the people of a field (mentions, typed names, "none").
#include <algorithm>
#include <charconv>
#include <utility>
#include <string>
#include <vector>

#include "labels.hpp"
#include "text.hpp"

namespace paxstats::mining::parse {

using json = nlohmann::json;
using sv = std::string_view;

// A role written beside a name inside a list: "Dozer (QIC)", "QIC – Bald Eagle", "Airplane
// Co-Q", "FNG Daunte", "Karaoke (FNG)".
enum class Mark { none, q, coq, fng };

struct Entry {
  Person person;
  bool fng = false;
  bool at_sign = false;  // typed as "@Name" in plain text (Slack's list was not used)
  Mark mark = Mark::none;
  bool yhc = false;  // "YHC", yours humbly: the Q writing about himself
};

inline bool is_none_word(sv s) {
  std::string l = lower_copy(trim_markup(s));
  return l.empty() || l == "none" || l == "n/a" || l == "na" || l == "-" || l == "0" || l == "zero" || l == "nope" ||
         l == "none listed" || l == "tbd" || l == "--" || l == "others" || l == "and others" || l == "etc" ||
         l == "more" || l == "and more";
}

// The role a word names: Q (QIC, VQ), Co-Q, FNG; `dashed` admits the bare "Q", which is
// only a role after a dash ("Ridgeline – Q"), never after a space ("Suzy Q").
inline Mark role_word(sv w, bool dashed) {
  const std::string l = lower_copy(trim_markup(w));
  if (l == "qic" || l == "vq" || (dashed && (l == "q" || l == "q's"))) return Mark::q;
  if (l == "co-q" || l == "coq" || l == "co q" || l == "co-qs") return Mark::coq;
  if (l == "fng" || l == "fngs") return Mark::fng;
  return Mark::none;
}

// The role inside a "( … )" note: "(QIC)", "(VQ)", "(Q)", "(Co-Q)", "(FNG)", "(FNG - brought by …)".
inline Mark note_mark(sv note) {
  const std::string l = lower_copy(trim(note));
  auto word_at = [&](size_t p, size_t n) {
    return (p == 0 || !is_alpha(l[p - 1])) && (p + n >= l.size() || !is_alpha(l[p + n]) || l[p + n] == 's');
  };
  for (size_t p = l.find("fng"); p != std::string::npos; p = l.find("fng", p + 1))
    if (word_at(p, 3)) return Mark::fng;
  for (sv co : {sv("co-q"), sv("coq"), sv("co q")})
    if (auto p = l.find(co); p != std::string::npos && word_at(p, co.size())) return Mark::coq;
  if (l == "q" || l == "qic" || l == "vq" || l == "the q" || l == "q'ing") return Mark::q;
  for (sv q : {sv("qic"), sv("vq")})
    if (auto p = l.find(q); p != std::string::npos && word_at(p, q.size())) return Mark::q;
  return Mark::none;
}

// "T.B." and "J.R." end in a period that belongs to the name; "Hoss." ends a sentence.
inline bool ends_in_initial(sv raw) {
  sv t = trim(raw);
  while (!t.empty() && (t.back() == '*' || t.back() == '_' || t.back() == ',')) t.remove_suffix(1);
  if (t.size() < 3 || t.back() != '.') return false;
  const char letter = t[t.size() - 2], before = t[t.size() - 3];
  return is_alpha(letter) && before == '.';
}

// Strips a role written before or after a name: "QIC – Bald Eagle", "FNG: Toaster", "FNG Name:
// Toaster", "FNG Daunte", "Ridgeline – Q", "Airplane Co-Q", "Rice FNG".
inline Mark strip_role(sv& name) {
  for (sv mark :
       {sv("fng names"), sv("fng name"), sv("fngs"), sv("fng"), sv("qic"), sv("vq"), sv("co-q"), sv("coq"), sv("q")}) {
    if (!starts_with_ci(name, mark) || name.size() == mark.size()) continue;
    const char next = name[mark.size()];
    if (is_alpha(next) || is_digit(next) || next == '\'' || next == '.') continue;
    sv rest = trim(name.substr(mark.size()));
    const Mark m = role_word(mark.substr(0, 3) == "fng" ? sv("fng") : mark, true);
    if (const size_t n = separator(rest)) {
      name = trim_markup(rest.substr(n));
      return m;
    }
    // "FNG Daunte", "QIC Bald Eagle": FNG, QIC and VQ are no names, so what follows is one
    // (the bare "Q" is: "Q Bert").
    if ((m == Mark::fng || mark == "qic" || mark == "vq") && !rest.empty()) {
      name = trim_markup(rest);
      return m;
    }
  }
  // A role after the name: after a dash any role word, after a space all but the bare "Q".
  const size_t space = name.find_last_of(' ');
  if (space != sv::npos && space > 0) {
    sv before = trim(name.substr(0, space));
    const sv last = name.substr(space + 1);
    bool dashed = false;
    for (sv dash : {sv("-"), sv("–"), sv("—")})
      if (before.size() > dash.size() && before.substr(before.size() - dash.size()) == dash) {
        before = trim(before.substr(0, before.size() - dash.size()));
        dashed = true;
      }
    if (const Mark m = role_word(last, dashed); m != Mark::none && !before.empty()) {
      name = trim_markup(before);
      return m;
    }
  }
  return Mark::none;
}

// Parses a list of people: <@U…> and <@U…|label> mentions, and typed names separated by
// commas, semicolons, '&' with a space beside it ("B&E" is one name), '+', brackets, line
// breaks, the word "and" or typed '@'s. "(…)"
// after a person is a note and not part of a name; a role in it ("(FNG)", "(QIC)", "(Co-Q)")
// or around the name ("QIC – Name", "Name – Q", "FNG Name") marks the entry. Bare numbers are
// collected in `numbers`.
inline std::vector<Entry> parse_people(sv value, std::vector<int>* numbers = nullptr) {
  std::vector<Entry> out;
  std::string current;
  size_t next_gt = 0;  // where the next '>' is (npos: none left), so a run of '<' is read in linear time
  bool gt_known = false;
  bool after_at = false;      // the text being gathered followed a typed '@'
  Mark pending = Mark::none;  // "QIC – <@U…>": a role written before a mention
  auto flush = [&](Mark given = Mark::none, bool before_mention = false) {
    const bool initial = ends_in_initial(current);
    std::string raw = squeeze(unescape(trim_markup(current)));
    current.clear();
    sv name = raw;
    bool at_sign = std::exchange(after_at, false);
    while (!name.empty() && (name.front() == '@' || name.front() == '#')) {
      at_sign = at_sign || name.front() == '@';
      name.remove_prefix(1);
    }
    name = trim_markup(name);
    // "Jackrabbit – F3 Dallas": a visitor's home region after a dash is not part of his name.
    for (sv dash : {sv(" – F3 "), sv(" - F3 "), sv(" — F3 ")})
      if (const size_t at = name.find(dash); at != sv::npos && at > 0) name = trim_markup(name.substr(0, at));
    Mark mark = strip_role(name);
    // "FNG Quincy aka G.L.O.W.": the F3 name he was given, after the last "aka".
    for (size_t at = name.size(); at >= 5; --at)
      if (starts_with_ci(name.substr(at - 5), " aka ") && at < name.size()) {
        name = trim_markup(name.substr(at));
        break;
      }
    if (given != Mark::none) mark = given;
    // "QIC – <@U…>", "FNG <@U…>": a role written before a mention marks the mention.
    if (name.empty() && mark != Mark::none) {
      pending = mark;
      return;
    }
    if (before_mention && role_word(name, true) != Mark::none) {
      pending = role_word(name, true);
      return;
    }
    if (name.empty() || is_none_word(name)) return;
    if (std::all_of(name.begin(), name.end(), [](char c) { return is_digit(c); })) {
      int n = 0;
      std::from_chars(name.data(), name.data() + name.size(), n);
      if (numbers) numbers->push_back(n);
      return;
    }
    if (mark == Mark::none) mark = std::exchange(pending, Mark::none);
    Entry e{{"", std::string(name)}, mark == Mark::fng, at_sign, mark, equals_ci(name, "yhc")};
    if (initial && e.person.name.back() != '.') e.person.name += '.';
    out.push_back(std::move(e));
  };
  size_t i = 0;
  while (i < value.size()) {
    const char c = value[i];
    if (c == '<') {
      if (!gt_known || (next_gt != sv::npos && next_gt < i)) next_gt = value.find('>', i), gt_known = true;
      size_t close = next_gt;
      if (close == sv::npos) {
        current += c;
        ++i;
        continue;
      }
      sv token = value.substr(i + 1, close - i - 1);
      if (token.size() > 1 && token[0] == '@' && (token[1] == 'U' || token[1] == 'W')) {
        flush(Mark::none, true);
        sv id = token.substr(1, token.find('|') == sv::npos ? sv::npos : token.find('|') - 1);
        const Mark mark = std::exchange(pending, Mark::none);
        out.push_back({{std::string(id), ""}, mark == Mark::fng, false, mark});
      } else {
        flush();  // channel links, <!here>, URLs: not people
      }
      i = close + 1;
      continue;
    }
    if (c == '(') {
      size_t close = value.find(')', i);
      sv note = value.substr(i + 1, close == sv::npos ? sv::npos : close - i - 1);
      const sv before = trim_markup(current);
      if (equals_ci(before, "fng") || equals_ci(before, "fngs")) {  // "FNG (Red Sox)": the note is the name
        current = std::string(note);
        flush(Mark::fng);
      } else {
        const Mark mark = note_mark(note);
        if (!before.empty()) flush();
        if (mark != Mark::none && !out.empty()) {
          out.back().mark = mark;
          out.back().fng = out.back().fng || mark == Mark::fng;
        }
      }
      i = close == sv::npos ? value.size() : close + 1;
      continue;
    }
    if (c == ',' || c == ';' || c == '@' || c == '+' || c == '\n' || c == '[' || c == ']') {
      flush();
      after_at = c == '@';
      ++i;
      continue;
    }
    if (c == '&') {
      // Between names ("Hoss & Zephyr", Slack's "&amp;"), not inside one ("B&E").
      const size_t n = value.substr(i, 5) == "&amp;" ? 5 : 1;
      const bool inside = i > 0 && !is_space(value[i - 1]) && i + n < value.size() && !is_space(value[i + n]);
      if (inside) {
        current.append(value.substr(i, n));
        i += n;
        continue;
      }
      flush();
      i += n;
      continue;
    }
    // The word "and" between names.
    if (is_space(c) && i + 4 < value.size() + 1 && starts_with_ci(value.substr(i + 1), "and") &&
        (i + 4 >= value.size() || is_space(value[i + 4]))) {
      flush();
      i += 4;
      continue;
    }
    current += c;
    ++i;
  }
  flush();
  return out;
}

}  // namespace paxstats::mining::parse
