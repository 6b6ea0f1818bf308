// The fields of a backblast: the lines read one by one (or the blocks, or a form app's metadata),
// each label's value handed to the people and dates layers, and the warnings and errors that
// tell the Q what to fix.
#include "fields.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <unordered_set>
#include <utility>

#include "labels.hpp"
#include "people.hpp"
#include "text.hpp"

namespace paxstats::mining::parse {

namespace {

struct FieldLine {
  sv value;
  int line = 0;
  bool found = false;
  int label_count = -1;  // "PAX (15) – …", or "PAX: 7" with the names on the lines below
};

bool all_digits(sv s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return is_digit(c); });
}

// The lines below an empty field line ("PAX:" alone) that hold its value: up to a blank line,
// another field, or a heading ("Warm-up: …", "*THE THANG:*"): names do not hold colons.
std::string lines_below(const std::vector<sv>& lines, size_t& i, int header) {
  std::string below;
  size_t j = i + 1;
  for (; j < lines.size() && static_cast<int>(j) != header; ++j) {
    const sv l = strip_bullet(lines[j]);
    if (l.empty() || l.find(':') != sv::npos) break;
    below += l;
    below += '\n';
  }
  if (!below.empty()) i = j - 1;
  return below;
}

struct Reader {
  const ParseContext& ctx;
  const MessageView& msg;
  Backblast b;
  date::year_month_day posted_local{};

  void warn(const char* field, std::string message, int line = 0) {
    b.warnings.push_back({Severity::warning, field, std::move(message), line});
  }
  void error(const char* field, std::string message, int line = 0) {
    b.errors.push_back({Severity::error, field, std::move(message), line});
  }

  std::unordered_set<std::string> attending = {};  // "U:<id>" or "N:<lower-case name>"

  static std::string key(const Person& p) { return p.user_id.empty() ? "N:" + lower_copy(p.name) : "U:" + p.user_id; }

  // Adds a person to the attendees once (mentions by id, typed names ignoring case).
  void attend(const Person& p) {
    if (attending.insert(key(p)).second) b.pax.push_back(p);
  }

  void note_typed(const char* field, const Entry& e, int line) {
    const Person& p = e.person;
    if (p.name.empty()) return;
    if (e.at_sign)
      warn(field,
           "\"@" + p.name + "\" is plain text, not a Slack mention: counted by name only. Type @ and pick " + p.name +
               " from the list Slack offers (the name turns into a link) so their posts count for them.",
           line);
    else
      warn(field,
           "\"" + p.name + "\" is typed, not a Slack mention: counted by name only. Type @ and pick " + p.name +
               " from the list Slack offers so their posts count for them.",
           line);
  }

  std::unordered_set<std::string> fngs_seen = {};  // "U:<id>" or "N:<lower-case name>": linear for any length

  void add_fng(const Person& p) {
    if (!fngs_seen.insert(key(p)).second) return;
    if (!p.user_id.empty())
      b.fng_user_ids.push_back(p.user_id);
    else
      b.fng_names.push_back(p.name);
  }

  // Fields gathered from text lines (text or blocks).
  bool read_lines(sv text, Source source) {
    const auto lines = split_lines(text);
    int header = -1;
    sv header_rest;
    bool header_inside = false;  // the header word stood inside the title line
    std::string hashtag_ao;
    size_t first = 0;
    while (first < lines.size() && trim(lines[first]).empty()) ++first;
    for (size_t i = 0; i < lines.size(); ++i) {
      sv cleaned = clean_start(lines[i]);
      sv rest;
      if (header_keyword(cleaned, rest)) {
        header = static_cast<int>(i);
        header_rest = rest;
        break;
      }
      // Region web forms cross-posted to Slack: "• Post Type: Backblast" (or Preblast: never a beatdown).
      if (starts_with_ci(cleaned, "post type")) {
        sv type = trim(cleaned.substr(9));
        if (const size_t n = separator(type)) type = trim(type.substr(n));
        sv ignored;
        if (header_keyword(clean_start(type), ignored)) {
          header = static_cast<int>(i);
          break;
        }
        if (preblast_word(type)) return false;
      }
      if (i == first && preblast_word(cleaned)) return false;  // "Preblast: Rainy Friday"
      if (i == first) {
        // "#backblast #ao-name" on the first line
        std::string l = lower_copy(lines[i]);
        if (auto p = l.find("#backblast"); p != std::string::npos && trim(sv(lines[i]).substr(0, p)).empty()) {
          header = static_cast<int>(i);
          sv after = sv(lines[i]).substr(p + 10);
          after = trim(after);
          if (!after.empty() && after[0] == '#') {
            size_t e = 1;
            while (e < after.size() && !is_space(after[e])) ++e;
            hashtag_ao = std::string(after.substr(1, e - 1));
          } else if (after.substr(0, 2) == "<#") {
            hashtag_ao = std::string(after.substr(0, after.find('>') + 1));
          }
          break;
        }
        // "back blast" inside the title line: ":fire: The Forge back blast 3/2/24"; not a
        // question ("Who's posting the backblast?"), and it needs a Q and PAX (below).
        if (header_word_inside(cleaned) && trim(cleaned).back() != '?') {
          header = static_cast<int>(i);
          header_rest = cleaned;
          header_inside = true;
          break;
        }
      }
    }
    std::array<FieldLine, kFields> f{};
    bool pax_count_only = false;
    FieldLine fng_names;               // "FNG Names:" after "Number of FNGs:" (web forms): the names of that count
    std::deque<std::string> gathered;  // values read from the lines below an empty field line
    std::vector<std::pair<sv, int>> heading;  // short lines above the fields: where a date may stand alone
    bool fields_begun = false;
    std::vector<uint8_t> is_field(lines.size(), 0);  // read as a field: no typo to look for there
    auto take = [&](Field field, sv value, int line, int label_count) {
      auto& slot = f[static_cast<size_t>(field == Field::fng_count ? Field::fngs : field)];
      if (field == Field::fngs && slot.found && pax_count_only && !fng_names.found) {
        fng_names = {value, line, true};
        return;
      }
      if (slot.found) return;  // the first occurrence of a field wins
      slot = {value, line, true, label_count};
      if (field == Field::fng_count) pax_count_only = true;
    };
    for (size_t i = 0; i < lines.size(); ++i) {
      if (static_cast<int>(i) == header) continue;
      const int line = static_cast<int>(i) + 1;
      const sv cleaned = clean_start(lines[i]);
      sv value;
      int label_count = -1;
      const Field field = match_field(cleaned, value, &label_count);
      if (field != Field::none) is_field[i] = 1;
      if (field == Field::none) {
        // "September 23rd, 2020 | Paradise Bakery | AO – Paradise Island | 58°": fields, and a
        // date, between pipes.
        const bool piped = cleaned.find('|') != sv::npos;
        for (size_t start = 0; start <= cleaned.size();) {
          const size_t bar = piped ? std::min(cleaned.find('|', start), cleaned.size()) : cleaned.size();
          const sv segment = trim(cleaned.substr(start, bar - start));
          start = bar + 1;
          sv v;
          int lc = -1;
          if (const Field sf = piped ? match_field(clean_start(segment), v, &lc) : Field::none; sf != Field::none) {
            if (!trim_markup(v).empty()) take(sf, v, line, lc);
            fields_begun = true;
          } else if (!fields_begun && !segment.empty() && segment.size() <= 40 && segment.find(':') == sv::npos) {
            heading.push_back({segment, line});
          }
        }
        continue;
      }
      fields_begun = true;
      // "PAX:" alone, or "PAX: 7", with the names on the lines below.
      const sv bare = trim_markup(value);
      const bool number_only = field == Field::pax && all_digits(bare) && bare.size() <= 5;
      if (people_field(field) && (bare.empty() || number_only)) {
        std::string below = lines_below(lines, i, header);
        if (!below.empty()) {
          if (number_only) std::from_chars(bare.data(), bare.data() + bare.size(), label_count);
          gathered.push_back(std::move(below));
          value = gathered.back();
        }
      }
      if (trim_markup(value).empty()) continue;  // an empty field takes no slot: a later one may fill it
      take(field, value, line, label_count);
    }
    if (std::none_of(f.begin(), f.end() - 1, [](const FieldLine& x) { return x.found; }))
      return false;  // "Backblast coming soon" (a title alone is no field)
    auto named = [&](Field x) { return f[static_cast<size_t>(x)].found; };
    if (header_inside && !(named(Field::q) && named(Field::pax))) return false;
    if (header < 0) {
      // No header line (a web form's fields, cross-posted): a backblast when it names its Q and
      // its PAX, and its date or AO. A post about a workout still to come never is.
      auto has = [&](Field x) { return f[static_cast<size_t>(x)].found && !f[static_cast<size_t>(x)].value.empty(); };
      if (!(has(Field::q) && has(Field::pax) && (has(Field::date) || has(Field::ao)))) return false;
      for (const auto& l : lines)
        if (preblast_word(clean_start(l))) return false;
    }

    b.is_backblast = true;
    // A typo'd label ("DAET:") is read as nothing; say so, for the field it leaves unread.
    for (size_t i = 0; i < lines.size(); ++i) {
      if (static_cast<int>(i) == header || is_field[i]) continue;
      const sv cleaned = clean_start(lines[i]);
      if (cleaned.find(':') == sv::npos) continue;
      const NearLabel near = near_label(cleaned);
      if (near.field == Field::none || f[static_cast<size_t>(near.field)].found) continue;
      warn(field_key(near.field),
           "\"" + near.written + ":\" looks like " + near.meant + " but is not a label paxstats reads, so the " +
               "line was ignored. Write " + near.meant + ": …",
           static_cast<int>(i) + 1);
    }
    b.source = source;
    // Title: after the header word; else a bold line right below it.
    // ":muscle: Backblast :fire: 🔥 Rainy Thursday": the emoji and punctuation after the header
    // word are decoration, not title.
    sv title_start = header_rest;
    for (size_t before = sv::npos; before != title_start.size();) {
      before = title_start.size();
      title_start = clean_start(title_start);
      while (!title_start.empty() &&
             (title_start.front() == '!' || title_start.front() == ':' || title_start.front() == '#' ||
              title_start.front() == '-' || title_start.front() == '|'))
        title_start.remove_prefix(1);
    }
    std::string title = squeeze(unescape(trim_markup(title_start)));
    if (!hashtag_ao.empty()) title.clear();
    if (const FieldLine& t = f[static_cast<size_t>(Field::title)]; title.empty() && t.found)
      title = squeeze(unescape(trim_markup(t.value)));  // a web form's "Title:" line
    if (title.empty() && header >= 0 && static_cast<size_t>(header + 1) < lines.size()) {
      sv next = lines[static_cast<size_t>(header) + 1];
      sv ignored;
      if (match_field(clean_start(next), ignored) == Field::none && !trim(next).empty())
        title = squeeze(unescape(trim_markup(next)));
    }
    b.title = title;

    auto at = [&](Field x) -> FieldLine& { return f[static_cast<size_t>(x)]; };
    read_date(at(Field::date), heading);
    read_ao(at(Field::ao), hashtag_ao);
    std::vector<int> pax_numbers;
    std::vector<Entry> pax_entries;
    if (at(Field::pax).found) pax_entries = parse_people(at(Field::pax).value, &pax_numbers);
    if (at(Field::pax).label_count >= 0) pax_numbers.insert(pax_numbers.begin(), at(Field::pax).label_count);
    read_q(at(Field::q), at(Field::coq), pax_entries, at(Field::pax).line);
    std::vector<Entry> marked_fngs;
    if (at(Field::pax).found) {
      for (auto& e : pax_entries) {
        if (e.yhc) {  // "YHC (QIC)": the Q, who attends already
          if (!b.q)
            warn("pax", "\"YHC\" stands for the Q, who is not named: add a line \"Q: @name\".", at(Field::pax).line);
          continue;
        }
        note_typed("pax", e, at(Field::pax).line);
        attend(e.person);
        if (e.fng) marked_fngs.push_back(e);
      }
    } else {
      warn("pax", "no PAX line: only the Q and Co-Qs are counted as attending. Add a line \"PAX: @name @name …\".");
    }
    read_fngs(at(Field::fngs), pax_count_only, marked_fngs, fng_names);
    read_count(at(Field::count), pax_numbers, at(Field::pax).line);
    return true;
  }

  void read_date(const FieldLine& line, const std::vector<std::pair<sv, int>>& heading) {
    if (line.found) {
      if (auto d = parse_date(line.value, posted_local)) {
        b.date = *d;
        b.date_source = DateSource::field;
        check_weekday(line);
        const auto gap = (date::sys_days{b.date} - date::sys_days{posted_local}).count();
        if (gap > 2)
          warn("date",
               "the date " + date::format("%F", b.date) + " is " + std::to_string(gap) +
                   " days after the post; check the month and day.",
               line.line);
        else if (gap < -60)
          warn("date",
               "the date " + date::format("%F", b.date) + " is " + std::to_string(-gap) +
                   " days before the post; check the year.",
               line.line);
        return;
      }
      error("date",
            "cannot read the date \"" + unescape(line.value) + "\"; using the day it was posted (" +
                date::format("%F", posted_local) + "). Write it like 2024-03-05, 3/5/2024 or March 5, 2024.",
            line.line);
    } else {
      // No DATE line: the date in the title ("Backblast 10.24.18", "Tuesday March 5th - Hills"),
      // else on a line of its own above the fields ("08-20-22", "September 23rd, 2020 | …"); a
      // date there counts only near the post (two days after it to sixty before).
      auto near = [&](const std::optional<date::year_month_day>& d) {
        if (!d) return false;
        const auto gap = (date::sys_days{*d} - date::sys_days{posted_local}).count();
        return gap <= 2 && gap >= -60;
      };
      if (auto d = parse_date(b.title, posted_local); near(d)) {
        b.date = *d;
        b.date_source = DateSource::title;
        // "Backblast 10/9/26": the title was only the date, and names nothing.
        if (b.title.find_first_not_of("0123456789/.-") == std::string::npos) b.title.clear();
        return;
      }
      for (const auto& [text, at] : heading)
        if (auto d = parse_date(text, posted_local); near(d)) {
          b.date = *d;
          b.date_source = DateSource::title;
          return;
        }
    }
    b.date = posted_local;
    b.date_source = DateSource::posted_at;
  }

  // "Monday 11/4" when 11/4 was a Tuesday: one of the two is wrong, and paxstats cannot tell which.
  void check_weekday(const FieldLine& line) {
    static constexpr std::array<std::pair<sv, unsigned>, 18> kDays = {{
        {"sunday", 0},
        {"sun", 0},
        {"monday", 1},
        {"mon", 1},
        {"tuesday", 2},
        {"tues", 2},
        {"tue", 2},
        {"wednesday", 3},
        {"weds", 3},
        {"wed", 3},
        {"thursday", 4},
        {"thurs", 4},
        {"thur", 4},
        {"thu", 4},
        {"friday", 5},
        {"fri", 5},
        {"saturday", 6},
        {"sat", 6},
    }};
    static constexpr std::array<sv, 7> kNames = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                 "Thursday", "Friday", "Saturday"};
    const std::string l = lower_copy(line.value);
    const unsigned actual = date::weekday{date::sys_days{b.date}}.c_encoding();
    for (size_t i = 0; i < l.size();) {
      if (!is_alpha(l[i])) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < l.size() && is_alpha(l[j])) ++j;
      const sv word = sv(l).substr(i, j - i);
      for (const auto& [name, wd] : kDays)
        if (word == name) {
          if (wd != actual)
            warn("date",
                 "the date " + date::format("%F", b.date) + " is a " + std::string(kNames[actual]) +
                     ", but the line says " + std::string(kNames[wd]) + "; check the date.",
                 line.line);
          return;
        }
      i = j;
    }
  }

  void read_ao(const FieldLine& line, const std::string& hashtag) {
    sv value = line.found ? line.value : sv(hashtag);
    if (!value.empty()) {
      if (auto p = value.find("<#"); p != sv::npos) {
        size_t close = value.find('>', p);
        sv token = value.substr(p + 2, close == sv::npos ? sv::npos : close - p - 2);
        b.ao_channel_id = std::string(token.substr(0, token.find('|')));
        if (!ctx.knows_channels())
          warn("ao",
               "the AO channel " + *b.ao_channel_id +
                   " was not checked against the region's channels: none were given (--region SLUG).",
               line.line);
        else if (!ctx.has_channel(*b.ao_channel_id))
          warn("ao", "the AO channel " + *b.ao_channel_id + " is not one of this region's channels.", line.line);
        return;
      }
      std::string written = squeeze(unescape(trim_markup(value)));
      if (auto id = ctx.channel_by_name(written)) {
        b.ao_channel_id = *id;
        return;
      }
      // "ao-high-noon 🌞": the emoji are decoration.
      if (std::string plain = squeeze(without_emoji(written)); plain != written && !plain.empty()) {
        if (auto id = ctx.channel_by_name(plain)) {
          b.ao_channel_id = *id;
          return;
        }
        written = plain;
      }
      if (!written.empty() && !is_none_word(written)) {
        b.ao_name = written;
        b.ao_channel_id = std::string(msg.channel_id);
        if (!ctx.knows_channels()) {
          warn("ao",
               "the AO \"" + written +
                   "\" was not matched to a channel: the region's channels were not given (--region SLUG).",
               line.line);
          return;
        }
        warn("ao",
             "the AO \"" + written +
                 "\" matches no channel; counted at the channel it was posted in. Write the AO "
                 "as a channel link (#ao-name) so it is counted where it belongs.",
             line.line);
        return;
      }
    }
    b.ao_channel_id = std::string(msg.channel_id);
  }

  // The Q and Co-Qs: the Q line (its first person led, the rest are Co-Qs), the Co-Q line, and
  // roles written inside the PAX list ("Dozer (QIC)", "QIC – Bald Eagle", "Hoss (Co-Q)") when
  // the lines do not name them.
  void read_q(FieldLine qline, const FieldLine& coqline, const std::vector<Entry>& pax, int pax_line) {
    // A PAX list that marks its Q ("Dozer (QIC)") outranks a Q line below it, which is the
    // moleskin's ("Q: @Frank has it next week").
    if (qline.found && qline.line > pax_line &&
        std::any_of(pax.begin(), pax.end(), [](const Entry& e) { return e.mark == Mark::q && !e.yhc; }))
      qline = FieldLine{};
    std::unordered_set<std::string> seen;
    auto add_coq = [&](const Person& p) {
      if (!(b.q && *b.q == p) && seen.insert(key(p)).second) b.coqs.push_back(p);
    };
    if (qline.found)
      for (auto& e : parse_people(qline.value)) {
        if (e.yhc) continue;
        note_typed("q", e, qline.line);
        if (!b.q && e.mark != Mark::coq)
          b.q = e.person;
        else
          add_coq(e.person);
      }
    if (coqline.found)
      for (auto& e : parse_people(coqline.value)) {
        if (e.yhc) continue;
        note_typed("coq", e, coqline.line);
        add_coq(e.person);
      }
    for (const auto& e : pax) {
      if (e.yhc) continue;
      if (e.mark == Mark::q && !b.q && !qline.found)
        b.q = e.person;
      else if (e.mark == Mark::coq || (e.mark == Mark::q && !qline.found))
        add_coq(e.person);
    }
    if (!b.q) {
      if (!b.coqs.empty()) {  // a Co-Q line alone: its first entry led
        b.q = b.coqs.front();
        b.coqs.erase(b.coqs.begin());
      } else {
        error("q", "no Q: add a line \"Q: @name\" naming who led, as a Slack mention.", qline.line);
      }
    }
    if (b.q) attend(*b.q);
    for (const auto& c : b.coqs) attend(c);
  }

  void read_fngs(const FieldLine& line, bool count_only, const std::vector<Entry>& marked, const FieldLine& names) {
    std::optional<int> written;
    if (line.found) {
      sv v = trim_markup(line.value);
      if (!is_none_word(v)) {
        size_t i = 0;
        while (i < v.size() && is_digit(v[i])) ++i;
        if (i > 0 && (i == v.size() || !is_alpha(v[i]))) {
          int n = 0;
          std::from_chars(v.data(), v.data() + i, n);
          written = n;
          v.remove_prefix(i);
          // "1 - Toaster", "2: Toaster, Hammer", "1 (Toaster)": the names after the number.
          v = trim(v);
          if (size_t sep = separator(v))
            v = trim(v.substr(sep));
          else if (!v.empty() && v.front() == '=')
            v = trim(v.substr(1));
          if (v.size() >= 2 && v.front() == '(' && v.back() == ')' && v.find(')') == v.size() - 1)
            v = trim(v.substr(1, v.size() - 2));
        }
        if (!count_only)
          for (auto& e : parse_people(v)) {
            note_typed("fngs", e, line.line);
            add_fng(e.person);
          }
      }
    }
    if (count_only && names.found && !is_none_word(names.value))
      for (auto& e : parse_people(names.value)) {
        note_typed("fngs", e, names.line);
        add_fng(e.person);
      }
    for (const auto& e : marked) add_fng(e.person);
    for (const auto& id : b.fng_user_ids) attend({id, ""});
    for (const auto& n : b.fng_names) attend({"", n});
    const int listed = static_cast<int>(b.fng_names.size() + b.fng_user_ids.size());
    b.fng_count = written ? std::max(*written, listed) : listed;
    if (written && *written < listed)
      warn("fngs",
           "FNGs says " + std::to_string(*written) + " but names " + std::to_string(listed) + "; counting " +
               std::to_string(listed) + ".",
           line.line);
  }

  void read_count(const FieldLine& line, const std::vector<int>& pax_numbers, int pax_line) {
    b.derived_count = static_cast<int>(b.pax.size());
    if (line.found) {
      sv v = line.value;
      size_t i = 0;
      while (i < v.size() && !is_digit(v[i])) ++i;
      if (i < v.size()) {
        size_t j = i;
        while (j < v.size() && is_digit(v[j])) ++j;
        int n = 0;
        std::from_chars(v.data() + i, v.data() + std::min(j, i + 6), n);
        b.count = n;
      } else {
        warn("count",
             "COUNT has no number (\"" + unescape(v) + "\"); counting the " + std::to_string(b.derived_count) +
                 " people named. Write the count in digits.",
             line.line);
      }
    } else if (!pax_numbers.empty()) {
      b.count = pax_numbers.front();
      warn("count", "no COUNT line; read the number on the PAX line (" + std::to_string(*b.count) + ") as the count.",
           pax_line);
    } else {
      warn("count",
           "no COUNT line; counting the " + std::to_string(b.derived_count) + " people named. Add \"COUNT: n\".");
    }
    if (b.count && *b.count != b.derived_count)
      warn("count",
           "COUNT says " + std::to_string(*b.count) + " but " + std::to_string(b.derived_count) +
               " people are named; using COUNT, as the Q counted.",
           line.line);
  }

  // Slackblast and the F3 Nation bot attach the form's values as metadata.
  bool read_metadata(const json& meta) {
    if (!meta.is_object() || string_field(meta, "event_type") != "backblast" || !meta.contains("event_payload"))
      return false;
    const json& p = meta["event_payload"];
    if (!p.is_object()) return false;
    auto str = [&](const char* key) -> std::string {
      if (!p.contains(key)) return "";
      const json& v = p[key];
      return v.is_string() ? v.get<std::string>() : v.is_number() ? v.dump() : "";
    };
    auto ids = [&](const char* key) {
      std::vector<std::string> out;
      if (!p.contains(key)) return out;
      if (p[key].is_array()) {
        for (const auto& x : p[key])
          if (x.is_string() && !x.get<std::string>().empty()) out.push_back(x.get<std::string>());
      } else if (p[key].is_string() && !p[key].get<std::string>().empty()) {
        out.push_back(p[key].get<std::string>());
      }
      return out;
    };
    b.is_backblast = true;
    b.source = Source::metadata;
    b.title = str("title");
    const std::string written_date = str("date");
    read_date({written_date, 0, !written_date.empty()}, {});
    const std::string ao = str("the_ao");
    if (!ao.empty() && ctx.has_channel(ao))
      b.ao_channel_id = ao;
    else {
      std::string text = ao;
      FieldLine fl{text, 0, !text.empty()};
      read_ao(fl, "");
    }
    for (const auto& q : ids("the_q")) {
      if (!b.q)
        b.q = Person{q, ""};
      else
        b.coqs.push_back({q, ""});
    }
    for (const auto& c : ids("the_coq")) b.coqs.push_back({c, ""});
    if (!b.q) error("q", "the backblast's form names no Q.");
    if (b.q) attend(*b.q);
    for (const auto& c : b.coqs) attend(c);
    for (const auto& id : ids("the_pax")) attend({id, ""});
    for (auto& e : parse_people(str("non_slack_pax"))) attend(e.person);
    for (auto& e : parse_people(str("fngs"))) add_fng(e.person);
    for (const auto& n : b.fng_names) attend({"", n});
    b.fng_count = static_cast<int>(b.fng_names.size() + b.fng_user_ids.size());
    b.derived_count = static_cast<int>(b.pax.size());
    const std::string count = str("count");
    int n = 0;
    if (!count.empty() && std::from_chars(count.data(), count.data() + count.size(), n).ec == std::errc()) b.count = n;
    return true;
  }
};

// Section texts of a message's blocks, one per line group.
std::string blocks_text(const json& blocks) {
  std::string out;
  if (!blocks.is_array()) return out;
  for (const auto& bl : blocks) {
    if (!bl.is_object() || string_field(bl, "type") != "section" || !bl.contains("text") || !bl["text"].is_object())
      continue;
    const json& t = bl["text"];
    if (t.contains("text") && t["text"].is_string()) {
      if (!out.empty()) out += '\n';
      out += t["text"].get<std::string>();
    }
  }
  return out;
}

}  // namespace

Backblast read_message(const MessageView& msg, const ParseContext& ctx) {
  Reader r{ctx, msg, {}};
  r.posted_local = date::year_month_day{date::floor<date::days>(ctx.zone()->to_local(msg.posted_at))};
  if (r.read_lines(msg.text, Source::text)) return std::move(r.b);
  if (msg.blocks) {
    const std::string text = blocks_text(*msg.blocks);
    Reader rb{ctx, msg, {}, r.posted_local};
    if (!text.empty() && rb.read_lines(text, Source::blocks)) return std::move(rb.b);
  }
  if (msg.metadata) {
    Reader rm{ctx, msg, {}, r.posted_local};
    if (rm.read_metadata(*msg.metadata)) return std::move(rm.b);
  }
  return Backblast{};
}

}  // namespace paxstats::mining::parse
