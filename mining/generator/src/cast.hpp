#pragma once
// Internal to the generator's formats: how each attendee of one post is written (the Cast), and
// the helpers the formats share.
#include <algorithm>
#include <set>

#include "model.hpp"
#include "names.hpp"
#include "paxstats/slack/text.hpp"

namespace paxstats::mining::gen {

inline const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                      "July",    "August",   "September", "October", "November", "December"};
inline const char* const kWeekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

inline std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

// How each attendee of one post is written, and the truth built from that.
class Cast {
 public:
  Cast(const World& w, const Plan& plan) : w_(w) {
    add(plan.q, "q");
    for (const auto& p : plan.coqs) add(p, "coq");
    for (const auto& p : plan.pax) add(p, p.fng ? "fng" : "pax");
  }

  struct Entry {
    Person person;
    std::string role;
    bool typed = false;  // written as a plain name
  };
  std::vector<Entry>& entries() { return entries_; }
  const std::vector<Entry>& entries() const { return entries_; }

  // Types plain-name people: non-Slack PAX always; Slack users with a safe name by chance.
  void decide_typing(Rng& rng, double p_typed_user, double p_typed_q) {
    for (auto& e : entries_) {
      if (e.person.user < 0)
        e.typed = true;
      else if (e.person.safe)
        e.typed = rng.chance(e.role == "q" || e.role == "coq" ? p_typed_q : p_typed_user);
    }
  }

  std::string write(const Entry& e, int mention_style = 0, bool at = false) const {
    if (e.typed) return (at ? "@" : "") + escape_text(e.person.name);
    const User& u = w_.user(e.person.user);
    return mention_style == 1 ? "<@" + u.id + "|" + u.handle + ">" : "<@" + u.id + ">";
  }

  json ref(const Entry& e) const {
    if (e.typed) return json{{"name", e.person.name}};
    return json{{"user_id", w_.user(e.person.user).id}};
  }

  std::vector<const Entry*> with_role(const std::string& role) const {
    std::vector<const Entry*> out;
    for (const auto& e : entries_)
      if (e.role == role) out.push_back(&e);
    return out;
  }

  int fng_count() const { return static_cast<int>(with_role("fng").size()); }
  int size() const { return static_cast<int>(entries_.size()); }

  json truth(const std::string& date, const std::string& ao_id, std::optional<int> count_written) const {
    json t;
    t["date"] = date;
    t["ao"] = ao_id;
    t["q"] = ref(entries_.front());
    json coqs = json::array(), pax = json::array(), names = json::array(), ids = json::array();
    for (const auto* e : with_role("coq")) coqs.push_back(ref(*e));
    for (const auto& e : entries_) pax.push_back(ref(e));
    for (const auto* e : with_role("fng")) {
      if (e->typed)
        names.push_back(e->person.name);
      else
        ids.push_back(w_.user(e->person.user).id);
    }
    t["coqs"] = coqs;
    t["pax"] = pax;
    t["fngs"] = json{{"count", fng_count()}, {"names", names}, {"user_ids", ids}};
    t["count"] = count_written ? *count_written : size();
    t["count_written"] = count_written ? json(*count_written) : json(nullptr);
    return t;
  }

 private:
  void add(const Person& p, const char* role) { entries_.push_back({p, role, false}); }
  const World& w_;
  std::vector<Entry> entries_;
};

inline std::string ao_link(const Ao& ao, int style) {
  switch (style) {
    case 1: return "<#" + ao.id + "|" + ao.channel + ">";
    case 2: return "<#" + ao.id + ">";
    case 3: return "<#" + ao.id + "|>";
    case 4: return ao.place;
    default: return "#" + ao.channel;
  }
}

// Slack text back to plain text, for rich-text blocks and metadata (which are not escaped).
inline std::string unescape_text(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 5, "&amp;") == 0) {
      out += '&';
      i += 4;
    } else if (s.compare(i, 4, "&lt;") == 0) {
      out += '<';
      i += 3;
    } else if (s.compare(i, 4, "&gt;") == 0) {
      out += '>';
      i += 3;
    } else
      out += s[i];
  }
  return out;
}

inline std::string iso(Day d) { return date::format("%F", d); }

// The FNGs line's value as slackblast writes it: "<n> <names>", or empty.
inline std::string slackblast_fngs(const Cast& cast) {
  std::vector<std::string> names;
  for (const auto* e : cast.with_role("fng")) names.push_back(cast.write(*e));
  if (names.empty()) return "";
  return std::to_string(names.size()) + " " + join(names, ", ");
}

// slackblast's PAX line: mentions each followed by a space, then non-Slack names, then FNG names.
inline std::string slackblast_pax(const Cast& cast) {
  std::string out;
  std::vector<std::string> typed, fng_typed;
  for (const auto& e : cast.entries()) {
    if (e.role == "q" || e.role == "coq") continue;
    if (!e.typed)
      out += cast.write(e) + " ";
    else
      (e.role == "fng" ? fng_typed : typed).push_back(cast.write(e));
  }
  for (const auto& n : typed) out += ", " + n;
  for (const auto& n : fng_typed) out += ", " + n;
  return out;
}

inline json slackblast_metadata(const World& w, const Plan& plan, const Cast& cast, const std::string& ao_value,
                                int count) {
  json payload;
  payload["title"] = plan.title;
  payload["date"] = iso(plan.day);
  payload["the_ao"] = ao_value;
  payload["the_q"] = w.user(plan.q.user).id;
  json coqs = json::array(), pax = json::array();
  std::vector<std::string> non_slack, fngs;
  for (const auto& e : cast.entries()) {
    if (e.role == "coq")
      coqs.push_back(w.user(e.person.user).id);
    else if (e.role == "q")
      continue;
    else if (!e.typed)
      pax.push_back(w.user(e.person.user).id);
    else
      (e.role == "fng" ? fngs : non_slack).push_back(e.person.name);
  }
  payload["the_coq"] = coqs;
  payload["the_pax"] = pax;
  payload["non_slack_pax"] = join(non_slack, ", ");
  payload["fngs"] = join(fngs, ", ");
  payload["count"] = std::to_string(count);
  payload["moleskine"] = unescape_text(join(plan.moleskin, "\n"));
  return json{{"event_type", "backblast"}, {"event_payload", payload}};
}

inline json section_block(const std::string& mrkdwn) {
  return json{{"type", "section"}, {"text", json{{"type", "mrkdwn"}, {"text", mrkdwn}}}};
}

inline json moleskin_block(const std::vector<std::string>& lines) {
  json elements = json::array();
  elements.push_back(
      json{{"type", "rich_text_section"},
           {"elements", json::array({json{{"type", "text"}, {"text", unescape_text(join(lines, "\n"))}}})}});
  return json{{"type", "rich_text"}, {"elements", elements}};
}

inline json bot_fields(const World& w, const Plan& plan, const std::string& bot, const std::string& via) {
  const User& q = w.user(plan.q.user);
  json f;
  f["subtype"] = "bot_message";
  f["bot_id"] = bot;
  f["username"] = q.display + " (via " + via + ")";
  f["icons"] = json{{"image_48", "https://avatars.example/" + q.id + "_48.png"}};
  return f;
}

// The hand-typed formats (formats_typed.cpp): a Q's own post, and a region website's form.
Rendered handtyped(const World& w, Plan& plan, Rng& rng, bool firstf_post);
Rendered webform(const World& w, Plan& plan, Rng& rng);
// Styles regions write by hand beyond the templates (formats_regional.cpp).
Rendered regional(const World& w, Plan& plan, Rng& rng);

}  // namespace paxstats::mining::gen
