#pragma once
// Internal to the backblast parser: the people of a field (mentions, typed names, "none").
#include <charconv>
#include <string>
#include <vector>

#include "labels.hpp"
#include "text.hpp"

namespace paxstats::mining::parse {

using json = nlohmann::json;
using sv = std::string_view;

struct Entry {
  Person person;
  bool fng = false;
  bool at_sign = false;  // typed as "@Name" in plain text (Slack's list was not used)
};

inline bool is_none_word(sv s) {
  std::string l = lower_copy(trim_markup(s));
  return l.empty() || l == "none" || l == "n/a" || l == "na" || l == "-" || l == "0" || l == "zero" || l == "nope" ||
         l == "none listed" || l == "tbd" || l == "--";
}

// Parses a list of people: <@U…> and <@U…|label> mentions, and typed names separated by
// commas, semicolons, '&', '+', the word "and" or typed '@'s. "(…)" after a person is a note
// and not part of a name; "(FNG)" marks an FNG. Bare numbers are collected in `numbers`.
inline std::vector<Entry> parse_people(sv value, std::vector<int>* numbers = nullptr) {
  std::vector<Entry> out;
  std::string current;
  size_t next_gt = 0;  // where the next '>' is (npos: none left), so a run of '<' is read in linear time
  bool gt_known = false;
  bool after_at = false;  // the text being gathered followed a typed '@'
  auto flush = [&] {
    std::string raw = squeeze(unescape(trim_markup(current)));
    current.clear();
    sv name = raw;
    bool at_sign = std::exchange(after_at, false);
    while (!name.empty() && (name.front() == '@' || name.front() == '#')) {
      at_sign = at_sign || name.front() == '@';
      name.remove_prefix(1);
    }
    name = trim_markup(name);
    // A role marked inside the list, as web forms write it: "FNG Name: Toaster", "FNG: Toaster".
    bool fng = false;
    for (sv mark : {sv("fng names"), sv("fng name"), sv("fngs"), sv("fng")})
      if (starts_with_ci(name, mark)) {
        sv rest = trim(name.substr(mark.size()));
        if (const size_t n = separator(rest)) {
          name = trim_markup(rest.substr(n));
          fng = true;
          break;
        }
      }
    if (name.empty() || is_none_word(name)) return;
    if (std::all_of(name.begin(), name.end(), [](char c) { return is_digit(c); })) {
      int n = 0;
      std::from_chars(name.data(), name.data() + name.size(), n);
      if (numbers) numbers->push_back(n);
      return;
    }
    out.push_back({{"", std::string(name)}, fng, at_sign});
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
        flush();
        sv id = token.substr(1, token.find('|') == sv::npos ? sv::npos : token.find('|') - 1);
        out.push_back({{std::string(id), ""}, false});
      } else {
        flush();  // channel links, <!here>, URLs: not people
      }
      i = close + 1;
      continue;
    }
    if (c == '(') {
      size_t close = value.find(')', i);
      sv note = value.substr(i + 1, close == sv::npos ? sv::npos : close - i - 1);
      std::string lnote = lower_copy(note);
      bool fng = false;
      for (size_t p = lnote.find("fng"); p != std::string::npos; p = lnote.find("fng", p + 1))
        if ((p == 0 || !is_alpha(lnote[p - 1])) &&
            (p + 3 >= lnote.size() || !is_alpha(lnote[p + 3]) || lnote[p + 3] == 's'))
          fng = true;
      if (!trim_markup(current).empty()) flush();
      if (fng && !out.empty()) out.back().fng = true;
      i = close == sv::npos ? value.size() : close + 1;
      continue;
    }
    if (c == ',' || c == ';' || c == '@' || c == '+' || c == '\n') {
      flush();
      after_at = c == '@';
      ++i;
      continue;
    }
    if (c == '&') {
      if (value.substr(i, 5) == "&amp;") {
        flush();
        i += 5;
        continue;
      }
      flush();
      ++i;
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
