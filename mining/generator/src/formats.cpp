// The backblast formats of the generated region. Each renderer writes a post the way a real
// tool or a real Q writes it, and the truth: what a correct parser must read from that post.
//
// Truth rules (they are the parsing rules of the mining issue):
//  - a person written as a Slack mention is {"user_id"}; typed without a link, {"name"} as typed
//    (without a leading '@' and without a parenthesised note);
//  - pax lists every attendee once: Q, Co-Qs, PAX and FNGs;
//  - fngs.count is the number of FNGs; names are typed FNGs, user_ids mentioned ones;
//  - count is COUNT as written when written, else the number of attendees.
#include <algorithm>
#include <set>

#include "model.hpp"
#include "paxstats/slack/text.hpp"
#include "names.hpp"

namespace paxstats::mining::gen {
namespace {

const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                         "July",    "August",   "September", "October", "November", "December"};
const char* kWeekdays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

}  // namespace

std::string escape_text(const std::string& s) { return slack::escape_text(s); }

namespace {

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

std::string ao_link(const Ao& ao, int style) {
  switch (style) {
    case 1: return "<#" + ao.id + "|" + ao.channel + ">";
    case 2: return "<#" + ao.id + ">";
    case 3: return "<#" + ao.id + "|>";
    case 4: return ao.place;
    default: return "#" + ao.channel;
  }
}

// Slack text back to plain text, for rich-text blocks and metadata (which are not escaped).
std::string unescape_text(const std::string& s) {
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

std::string iso(Day d) { return date::format("%F", d); }

// The FNGs line's value as slackblast writes it: "<n> <names>", or empty.
std::string slackblast_fngs(const Cast& cast) {
  std::vector<std::string> names;
  for (const auto* e : cast.with_role("fng")) names.push_back(cast.write(*e));
  if (names.empty()) return "";
  return std::to_string(names.size()) + " " + join(names, ", ");
}

// slackblast's PAX line: mentions each followed by a space, then non-Slack names, then FNG names.
std::string slackblast_pax(const Cast& cast) {
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

json slackblast_metadata(const World& w, const Plan& plan, const Cast& cast, const std::string& ao_value, int count) {
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

json section_block(const std::string& mrkdwn) {
  return json{{"type", "section"}, {"text", json{{"type", "mrkdwn"}, {"text", mrkdwn}}}};
}

json moleskin_block(const std::vector<std::string>& lines) {
  json elements = json::array();
  elements.push_back(
      json{{"type", "rich_text_section"},
           {"elements", json::array({json{{"type", "text"}, {"text", unescape_text(join(lines, "\n"))}}})}});
  return json{{"type", "rich_text"}, {"elements", elements}};
}

json bot_fields(const World& w, const Plan& plan, const std::string& bot, const std::string& via) {
  const User& q = w.user(plan.q.user);
  json f;
  f["subtype"] = "bot_message";
  f["bot_id"] = bot;
  f["username"] = q.display + " (via " + via + ")";
  f["icons"] = json{{"image_48", "https://avatars.example/" + q.id + "_48.png"}};
  return f;
}

// ----------------------------------------------------------------------------------------------
// The formats

Rendered paxminer_template(const World& w, Plan& plan, Rng& rng) {
  Rendered r{.format = "paxminer_template"};
  Cast cast(w, plan);
  cast.decide_typing(rng, 0.0, 0.0);
  const Ao& ao = w.aos[static_cast<size_t>(plan.ao)];
  int mention_style = rng.chance(0.25) ? 1 : 0;
  std::vector<std::string> lines;
  lines.push_back("Backblast: " + plan.title);
  lines.push_back("Date: " + format_date(plan.day, rng.between(1, 3)));
  lines.push_back("AO: " + ao_link(ao, rng.between(1, 3)));
  std::string qline = "Q: " + cast.write(cast.entries().front(), mention_style);
  for (const auto* e : cast.with_role("coq")) qline += " " + cast.write(*e, mention_style);
  lines.push_back(qline);
  std::vector<std::string> mentions, typed;
  bool fngs_in_pax = rng.chance(0.5);
  for (const auto& e : cast.entries()) {
    if (e.role == "q" || e.role == "coq") continue;
    if (e.role == "fng" && e.typed && !fngs_in_pax) continue;
    (e.typed ? typed : mentions).push_back(cast.write(e, mention_style));
  }
  std::vector<std::string> parts;
  if (!mentions.empty()) parts.push_back(join(mentions, " "));
  for (auto& t : typed) parts.push_back(t);
  lines.push_back("PAX: " + join(parts, ", "));
  std::string fng = slackblast_fngs(cast);
  lines.push_back("FNGs: " + (fng.empty() ? std::string("None") : fng));
  std::optional<int> count;
  if (rng.chance(0.9)) {
    count = cast.size() + (rng.chance(0.05) ? 1 : 0);
    lines.push_back("Count: " + std::to_string(*count));
  }
  lines.push_back("");
  for (const auto& m : plan.moleskin) lines.push_back(m);
  r.text = join(lines, "\n");
  r.truth = cast.truth(iso(plan.day), ao.id, count);
  return r;
}

Rendered slackblast_old(const World& w, Plan& plan, Rng& rng, const std::string& bot, bool fngs_caps) {
  Rendered r{.format = fngs_caps ? "slackblast_fngs_caps" : "slackblast_old", .by_bot = true};
  for (auto& c : plan.coqs) plan.pax.push_back(c);  // this version had no Co-Q field
  plan.coqs.clear();
  Cast cast(w, plan);
  cast.decide_typing(rng, 0.0, 0.0);
  const Ao& ao = w.aos[static_cast<size_t>(plan.ao)];
  int count = cast.size();
  std::vector<std::string> lines = {"*Slackblast*: ",
                                    "*" + escape_text(plan.title) + "*",
                                    "*DATE*: " + iso(plan.day),
                                    "*AO*: <#" + ao.id + ">",
                                    "*Q*: " + cast.write(cast.entries().front()),
                                    "*PAX*: " + slackblast_pax(cast),
                                    std::string(fngs_caps ? "*FNGS*: " : "*FNGs*: ") +
                                        [&] {
                                          auto f = slackblast_fngs(cast);
                                          return f.empty() ? std::string("None") : f;
                                        }(),
                                    "*COUNT*: " + std::to_string(count)};
  for (const auto& m : plan.moleskin) lines.push_back(m);
  r.text = join(lines, "\n");
  r.extra = bot_fields(w, plan, bot, "Slackblast");
  r.truth = cast.truth(iso(plan.day), ao.id, count);
  return r;
}

// The post slackblast (2023+) and the F3 Nation bot write. slackblast appends Co-Qs to the Q
// line as ", <@c1> <@c2> "; the F3 Nation bot separates them with spaces.
std::string modern_post(const Cast& cast, const Plan& plan, const std::string& ao_value, bool slackblast_coqs) {
  std::string qline = "*Q*: " + cast.write(cast.entries().front());
  auto coqs = cast.with_role("coq");
  if (slackblast_coqs && !coqs.empty()) qline += ", ";
  for (const auto* e : coqs) qline += slackblast_coqs ? cast.write(*e) + " " : " " + cast.write(*e);
  std::vector<std::string> post = {"*Backblast! " + escape_text(plan.title) + "*",
                                   "*DATE*: " + iso(plan.day),
                                   "*AO*: " + ao_value,
                                   qline,
                                   "*PAX*: " + slackblast_pax(cast),
                                   "*FNGs*: " + slackblast_fngs(cast),
                                   "*COUNT*: " + std::to_string(cast.size())};
  return join(post, "\n");
}

Rendered slackblast_new(const World& w, Plan& plan, Rng& rng, const std::string& bot) {
  Rendered r{.format = "slackblast_new", .by_bot = true};
  Cast cast(w, plan);
  cast.decide_typing(rng, 0.0, 0.0);
  const Ao& ao = w.aos[static_cast<size_t>(plan.ao)];
  const std::string post_text = modern_post(cast, plan, "<#" + ao.id + ">", true);
  const std::string moleskin = join(plan.moleskin, "\n");
  // With a PAXminer schema configured, slackblast leaves the header out of `text`.
  if (rng.chance(0.5)) {
    r.format = "slackblast_new_metadata_only";
    r.text = moleskin + "\nUse the 'New Backblast' button to create a new backblast";
  } else {
    r.text = post_text + "\n" + moleskin;
  }
  r.extra = bot_fields(w, plan, bot, "Slackblast");
  r.extra["blocks"] = json::array({section_block(post_text), moleskin_block(plan.moleskin)});
  r.extra["metadata"] = slackblast_metadata(w, plan, cast, ao.id, cast.size());
  r.truth = cast.truth(iso(plan.day), ao.id, cast.size());
  return r;
}

// The F3 Nation bot names the AO in plain text and leaves the header out of `text`.
Rendered f3nation(const World& w, Plan& plan, Rng& rng, const std::string& bot) {
  Rendered r{.format = "f3nation", .by_bot = true};
  Cast cast(w, plan);
  cast.decide_typing(rng, 0.0, 0.0);
  const Ao& ao = w.aos[static_cast<size_t>(plan.ao)];
  r.text = join(plan.moleskin, "\n");
  r.extra = bot_fields(w, plan, bot, "F3 Nation");
  r.extra["blocks"] = json::array(
      {section_block(modern_post(cast, plan, escape_text(ao.place), false)), moleskin_block(plan.moleskin)});
  r.extra["metadata"] = slackblast_metadata(w, plan, cast, ao.place, cast.size());
  r.truth = cast.truth(iso(plan.day), ao.id, cast.size());
  return r;
}

Rendered hashtag(const World& w, Plan& plan, Rng& rng) {
  Rendered r{.format = "hashtag", .has_date = false};
  Cast cast(w, plan);
  cast.decide_typing(rng, 0.1, 0.0);
  const Ao& ao = w.aos[static_cast<size_t>(plan.ao)];
  std::vector<std::string> lines = {"#backblast #" + ao.channel, escape_text(plan.title)};
  std::string qline = "Q: " + cast.write(cast.entries().front());
  for (const auto* e : cast.with_role("coq")) qline += ", " + cast.write(*e);
  lines.push_back(qline);
  std::vector<std::string> pax;
  for (const auto& e : cast.entries())
    if (e.role == "pax" || e.role == "fng") pax.push_back(cast.write(e) + (e.role == "fng" ? " (FNG)" : ""));
  lines.push_back("PAX: " + join(pax, ", "));
  if (cast.fng_count() > 0) lines.push_back("FNGs: " + std::to_string(cast.fng_count()));
  int count = cast.size();
  lines.push_back("Count: " + std::to_string(count));
  for (const auto& m : plan.moleskin) lines.push_back(m);
  r.text = join(lines, "\n");
  r.truth = cast.truth(iso(plan.day), ao.id, count);
  return r;
}

// What Qs type by hand: any label spelling, case, bullets, separators, date style, typed names.
Rendered handtyped(const World& w, Plan& plan, Rng& rng, bool firstf_post) {
  Rendered r{.format = "handtyped", .in_ao_channel = !firstf_post};
  Cast cast(w, plan);
  bool plain_q = rng.chance(0.08);
  cast.decide_typing(rng, rng.chance(0.3) ? 0.4 : 0.0, plain_q ? 1.0 : 0.0);
  const Ao& ao = w.aos[static_cast<size_t>(plan.ao)];
  const bool bold = rng.chance(0.25);
  const std::string sep = rng.chance(0.15) ? " - " : ": ";
  const std::string prefix = rng.pick(std::vector<std::string>{"", "", "", "  ", "• ", "- "});
  auto field = [&](const std::string& label, const std::string& value) {
    return prefix + (bold ? "*" + label + "*" : label) + sep + value;
  };
  const std::string title = escape_text(plan.title);
  const std::string header = rng.pick(std::vector<std::string>{
      "Backblast: " + title, "BACKBLAST - " + title, "Back Blast: " + title, "backblast", ":fire: Backblast: " + title,
      "  Backblast: " + title, "*_Backblast_*: " + title, "Slack blast: " + title, "*Backblast*\n*" + title + "*"});

  std::vector<std::string> fields;
  int date_style = rng.between(0, 10);
  if (date_style > 0) {
    fields.push_back(field(rng.pick(std::vector<std::string>{"Date", "DATE", "Workout Date", "When", "date"}),
                           format_date(plan.day, date_style)));
  } else {
    r.has_date = false;
  }
  int ao_style = rng.between(firstf_post ? 1 : 0, 5);
  if (ao_style > 0)
    fields.push_back(field(rng.pick(std::vector<std::string>{"AO", "A.O.", "Where", "ao"}), ao_link(ao, ao_style)));

  auto coqs = cast.with_role("coq");
  const Cast::Entry& q = cast.entries().front();
  if (plain_q && q.typed && !coqs.empty() && coqs.size() == 1 && coqs[0]->typed) {
    fields.push_back(field("Q", cast.write(q) + " and " + cast.write(*coqs[0])));
  } else if (!coqs.empty() && rng.chance(0.5)) {
    std::vector<std::string> qs = {cast.write(q)};
    for (const auto* e : coqs) qs.push_back(cast.write(*e));
    // Spaces alone separate only mentions; with a typed name in the list, commas keep the order clear.
    bool any_typed = q.typed || std::any_of(coqs.begin(), coqs.end(), [](auto* e) { return e->typed; });
    fields.push_back(field(rng.pick(std::vector<std::string>{"Qs", "Q", "QIC"}),
                           join(qs, any_typed || rng.chance(0.5) ? ", " : " ")));
  } else {
    fields.push_back(field(rng.pick(std::vector<std::string>{"Q", "QIC", "VQ", "q"}), cast.write(q)));
    if (!coqs.empty()) {
      std::vector<std::string> cs;
      for (const auto* e : coqs) cs.push_back(cast.write(*e));
      fields.push_back(field(rng.pick(std::vector<std::string>{"Co-Q", "CoQ", "Co-Qs", "coq"}), join(cs, ", ")));
    }
  }

  // FNGs: how the line is written decides whether FNG names are marked in the PAX line.
  auto fng_entries = cast.with_role("fng");
  bool all_fngs_typed = std::all_of(fng_entries.begin(), fng_entries.end(), [](auto* e) { return e->typed; });
  int fng_style = rng.between(0, 3);  // 0 "n names", 1 "names", 2 count only + (FNG) marks, 3 no FNG line
  if (fng_style == 2 && !all_fngs_typed) fng_style = 0;
  if (fng_style == 3 && !fng_entries.empty()) fng_style = 1;

  int pax_style = rng.between(0, 2);  // 0 mentions spaced + typed after commas, 1 all commas + "and", 2 typed @run
  std::vector<std::string> mentions, typed;
  for (const auto& e : cast.entries()) {
    if (e.role == "q" || e.role == "coq") continue;
    std::string s = cast.write(e, 0, pax_style == 2 && e.typed);
    if (e.role == "fng" && e.typed && fng_style == 2)
      s += " (FNG)";
    else if (e.role == "pax" && e.typed && e.person.user < 0 && pax_style != 2 && rng.chance(0.1))
      s += " (@Stinger)";
    (e.typed ? typed : mentions).push_back(s);
  }
  std::string pax_value;
  if (pax_style == 0) {
    std::vector<std::string> parts;
    if (!mentions.empty()) parts.push_back(join(mentions, " "));
    for (auto& t : typed) parts.push_back(t);
    pax_value = join(parts, ", ");
  } else if (pax_style == 1) {
    std::vector<std::string> all = mentions;
    for (auto& t : typed) all.push_back(t);
    if (all.size() >= 2)
      pax_value = join(std::vector<std::string>(all.begin(), all.end() - 1), ", ") + " and " + all.back();
    else
      pax_value = join(all, "");
  } else {
    pax_value = join(mentions, " ");
    std::string run;
    for (auto& t : typed) run += t;
    if (!run.empty()) pax_value += (pax_value.empty() ? "" : " ") + run;
  }
  fields.push_back(field(rng.pick(std::vector<std::string>{"PAX", "The PAX", "Pax Names", "pax", "Pax"}), pax_value));

  const std::string fng_label = rng.pick(std::vector<std::string>{"FNGs", "FNG", "FNG Names", "fngs"});
  std::vector<std::string> fng_written;
  for (const auto* e : fng_entries) fng_written.push_back(cast.write(*e));
  if (fng_entries.empty()) {
    if (fng_style != 3)
      fields.push_back(field(fng_label, rng.pick(std::vector<std::string>{"None", "0", "-", "none"})));
  } else if (fng_style == 0) {
    fields.push_back(field(fng_label, std::to_string(fng_entries.size()) + " " + join(fng_written, ", ")));
  } else if (fng_style == 1) {
    fields.push_back(field(fng_label, join(fng_written, ", ")));
  } else {
    fields.push_back(field("Number of FNGs", std::to_string(fng_entries.size())));
  }

  rng.shuffle(fields);
  std::optional<int> count;
  std::string count_line;
  int count_style = rng.between(0, 9);
  if (count_style >= 2) {
    count = cast.size() + (count_style == 9 ? (rng.chance(0.5) ? 1 : -1) : 0);
    if (*count < 1) count = 1;
    std::string value = std::to_string(*count);
    if (count_style == 8 && cast.fng_count() > 0) value += " (incl " + std::to_string(cast.fng_count()) + " FNGs)";
    count_line = field(rng.pick(std::vector<std::string>{"Count", "COUNT", "Total", "Number of Pax", "count"}), value);
  }
  bool count_last = !count_line.empty() && rng.chance(0.3);
  if (!count_line.empty() && !count_last) fields.push_back(count_line);

  std::vector<std::string> lines = {header};
  for (auto& f : fields) lines.push_back(f);
  lines.push_back("");
  for (const auto& m : plan.moleskin) lines.push_back(m);
  if (count_last) lines.push_back(count_line);
  r.text = join(lines, "\n");
  r.truth = cast.truth(iso(plan.day), ao.id, count);
  return r;
}

}  // namespace

std::string format_date(Day day, int style) {
  const date::year_month_day ymd{day};
  const int y = int(ymd.year()), m = int(unsigned(ymd.month())), d = int(unsigned(ymd.day()));
  const std::string yy = (y % 100 < 10 ? "0" : "") + std::to_string(y % 100);
  const std::string md = std::to_string(m) + "/" + std::to_string(d);
  const std::string month = kMonths[m - 1];
  const std::string weekday = kWeekdays[date::weekday{day}.c_encoding()];
  switch (style) {
    case 1: return iso(day);
    case 2: return md + "/" + std::to_string(y);
    case 3: return md + "/" + yy;
    case 4: return std::to_string(m) + "-" + std::to_string(d) + "-" + yy;
    case 5: return std::to_string(m) + "." + std::to_string(d) + "." + yy;
    case 6: return std::to_string(d) + "-" + month.substr(0, 3) + "-" + std::to_string(y);
    case 7: return month + " " + std::to_string(d) + ", " + std::to_string(y);
    case 8: return weekday + ", " + month + " " + std::to_string(d) + ", " + std::to_string(y);
    case 9: return month + " " + std::to_string(d) + ", " + std::to_string(y) + ". 28 degrees";
    default: return md + "/" + std::to_string(y) + " - humid and dark";
  }
}

// A region website's form, cross-posted to Slack: "Post Type: Backblast" (or no header at all),
// When (often prose, with an ordinal), QIC, Pax Names, Number of Pax, Number of FNGS, FNG Names,
// The BackBlast; bullets or not.
Rendered webform(const World& w, Plan& plan, Rng& rng) {
  Rendered r{.format = "webform"};
  Cast cast(w, plan);
  cast.decide_typing(rng, 0.15, 0.1);
  const Ao& ao = w.aos[static_cast<size_t>(plan.ao)];
  const std::string bullet = rng.chance(0.5) ? "• " : "";
  std::vector<std::string> lines;
  // Without a header a post must name its PAX to be read as a backblast: a Q alone gets one.
  const bool pax_named = static_cast<size_t>(cast.size()) > 1 + cast.with_role("coq").size();
  if (rng.chance(0.6) || !pax_named) lines.push_back(bullet + "Post Type: Backblast");
  lines.push_back(bullet + "AO: " + ao_link(ao, rng.between(1, 4)));
  std::string when;
  if (rng.chance(0.5)) {
    const date::year_month_day ymd{plan.day};
    const unsigned d = unsigned(ymd.day());
    const char* suffix = d % 10 == 1 && d != 11   ? "st"
                         : d % 10 == 2 && d != 12 ? "nd"
                         : d % 10 == 3 && d != 13 ? "rd"
                                                  : "th";
    when = std::string(kWeekdays[date::weekday{plan.day}.c_encoding()]) + ", " + kMonths[unsigned(ymd.month()) - 1] +
           " " + std::to_string(d) + suffix + ", " + std::to_string(int(ymd.year()));
  } else {
    when = format_date(plan.day, rng.between(1, 3));
  }
  lines.push_back(bullet + "When: " + when);
  std::vector<std::string> qs{cast.write(cast.entries().front())};
  for (const auto* e : cast.with_role("coq")) qs.push_back(cast.write(*e));
  lines.push_back(bullet + "QIC: " + join(qs, ", "));
  std::vector<std::string> pax, fngs;
  for (const auto& e : cast.entries()) {
    if (e.role == "q" || e.role == "coq") continue;
    pax.push_back(cast.write(e));
    if (e.role == "fng") fngs.push_back(cast.write(e));
  }
  lines.push_back(bullet + "Pax Names: " + join(pax, ", "));
  lines.push_back(bullet + "Number of Pax: " + std::to_string(cast.size()));
  lines.push_back(bullet + "Number of FNGS: " + std::to_string(fngs.size()));
  if (!fngs.empty()) lines.push_back(bullet + "FNG Names: " + join(fngs, ", "));
  lines.push_back(bullet +
                  "The BackBlast: " + (plan.moleskin.empty() ? std::string("We ran.") : plan.moleskin.front()));
  for (size_t i = 1; i < plan.moleskin.size(); ++i) lines.push_back(plan.moleskin[i]);
  r.text = join(lines, "\n");
  r.truth = cast.truth(iso(plan.day), ao.id, cast.size());
  return r;
}

Rendered render_backblast(const World& world, Plan& plan, Rng& rng, const std::string& slackblast_bot,
                          const std::string& f3nation_bot) {
  // Which tools a region used depends on the era; every format keeps a share so every region
  // exercises every parser path.
  const auto ym = date::year_month_day{plan.day};
  const int era = int(ym.year()) * 100 + int(unsigned(ym.month()));
  struct Choice {
    int weight;
    int format;
  };
  std::vector<Choice> weights;
  if (era < 202206)
    weights = {{30, 0}, {20, 1}, {5, 2}, {10, 3}, {5, 4}, {5, 5}, {25, 6}, {4, 7}};
  else if (era < 202302)
    weights = {{15, 0}, {40, 1}, {5, 2}, {10, 3}, {5, 4}, {5, 5}, {20, 6}, {4, 7}};
  else if (era < 202304)
    weights = {{10, 0}, {5, 1}, {50, 2}, {10, 3}, {5, 4}, {5, 5}, {15, 6}, {4, 7}};
  else if (era < 202504)
    weights = {{10, 0}, {5, 1}, {5, 2}, {45, 3}, {5, 4}, {5, 5}, {25, 6}, {4, 7}};
  else
    weights = {{8, 0}, {5, 1}, {5, 2}, {25, 3}, {30, 4}, {5, 5}, {22, 6}, {4, 7}};
  int total = 0;
  for (auto& c : weights) total += c.weight;
  int roll = static_cast<int>(rng.below(static_cast<uint64_t>(total)));
  int format = 6;
  for (auto& c : weights) {
    if (roll < c.weight) {
      format = c.format;
      break;
    }
    roll -= c.weight;
  }
  // Bot formats name the Q by Slack id: they need a Slack user as Q.
  if (format >= 1 && format <= 4 && plan.q.user < 0) format = 6;
  switch (format) {
    case 0: return paxminer_template(world, plan, rng);
    case 1: return slackblast_old(world, plan, rng, slackblast_bot, false);
    case 2: return slackblast_old(world, plan, rng, slackblast_bot, true);
    case 3: return slackblast_new(world, plan, rng, slackblast_bot);
    case 4: return f3nation(world, plan, rng, f3nation_bot);
    case 5: return hashtag(world, plan, rng);
    case 7: return webform(world, plan, rng);
    default: return handtyped(world, plan, rng, !world.firstf_id.empty() && rng.chance(0.1));
  }
}

}  // namespace paxstats::mining::gen
