// The backblast formats of the generated region. Each renderer writes a post the way a real
// tool or a real Q writes it, and the truth: what a correct parser must read from that post.
//
// Truth rules (they are the parsing rules of the mining issue):
//  - a person written as a Slack mention is {"user_id"}; typed without a link, {"name"} as typed
//    (without a leading '@' and without a parenthesised note);
//  - pax lists every attendee once: Q, Co-Qs, PAX and FNGs;
//  - fngs.count is the number of FNGs; names are typed FNGs, user_ids mentioned ones;
//  - count is COUNT as written when written, else the number of attendees.
#include "cast.hpp"

namespace paxstats::mining::gen {

std::string escape_text(const std::string& s) { return slack::escape_text(s); }

namespace {

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

}  // namespace

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
    weights = {{30, 0}, {20, 1}, {5, 2}, {10, 3}, {5, 4}, {5, 5}, {25, 6}, {4, 7}, {6, 8}};
  else if (era < 202302)
    weights = {{15, 0}, {40, 1}, {5, 2}, {10, 3}, {5, 4}, {5, 5}, {20, 6}, {4, 7}, {6, 8}};
  else if (era < 202304)
    weights = {{10, 0}, {5, 1}, {50, 2}, {10, 3}, {5, 4}, {5, 5}, {15, 6}, {4, 7}, {6, 8}};
  else if (era < 202504)
    weights = {{10, 0}, {5, 1}, {5, 2}, {45, 3}, {5, 4}, {5, 5}, {25, 6}, {4, 7}, {6, 8}};
  else
    weights = {{8, 0}, {5, 1}, {5, 2}, {25, 3}, {30, 4}, {5, 5}, {22, 6}, {4, 7}, {6, 8}};
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
    case 8: return regional(world, plan, rng);
    default: return handtyped(world, plan, rng, !world.firstf_id.empty() && rng.chance(0.1));
  }
}

}  // namespace paxstats::mining::gen
