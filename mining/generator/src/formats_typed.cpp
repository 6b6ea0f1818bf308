// The hand-typed backblast formats of the generated region: a Q's own post (any label, case,
// spacing and date style), and a region website's form cross-posted to Slack. The truth rules
// are formats.cpp's.
#include "cast.hpp"

namespace paxstats::mining::gen {

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

}  // namespace paxstats::mining::gen
