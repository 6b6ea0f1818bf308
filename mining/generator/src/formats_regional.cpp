// Backblasts as regions write them by hand beyond the common templates (issue 31's classes):
// a field line left empty with its names on the lines below, labels of several words before a
// dash or a pipe with the count inside the label, the Q and FNGs marked inside the PAX list
// instead of on lines of their own, and the date only in the title. The truth rules are
// formats.cpp's.
#include "cast.hpp"

namespace paxstats::mining::gen {

namespace {

// "<@U…> (FNG)", "Toaster (FNG)", "FNG Toaster", "FNG (Toaster)", "FNG Quincy aka Toaster" (his
// given name, then the F3 name he was given: the one that counts).
std::string fng_marked(const Cast& cast, const Cast::Entry& e, Rng& rng) {
  if (!e.typed) return cast.write(e) + " (FNG)";
  switch (rng.between(0, 3)) {
    case 0: return "FNG " + cast.write(e);
    case 1: return "FNG (" + cast.write(e) + ")";
    case 2:
      return "FNG " + rng.pick(std::vector<std::string>{"Quincy", "Logan", "Marcus", "Devin"}) + " aka " +
             cast.write(e);
    default: return cast.write(e) + " (FNG)";
  }
}

// The post: its field lines, a blank line and the moleskin; and the truth read from it.
void finish(Rendered& r, std::vector<std::string> lines, const Plan& plan, const Cast& cast, const Ao& ao,
            std::optional<int> count) {
  lines.push_back("");
  for (const auto& m : plan.moleskin) lines.push_back(m);
  r.text = join(lines, "\n");
  r.truth = cast.truth(iso(plan.day), ao.id, count);
}

// The PAX as a list, FNGs marked; now and then a typed visitor with his home region after a dash
// ("Jackrabbit – F3 Dallas").
std::vector<std::string> pax_marked(const Cast& cast, Rng& rng) {
  std::vector<std::string> out;
  for (const auto& e : cast.entries())
    if (e.role == "pax")
      out.push_back(cast.write(e) + (e.typed && rng.chance(0.1) ? rng.pick(std::vector<std::string>{
                                                                      " – F3 Dallas", " - F3 Boone", " – F3 Gastonia"})
                                                                : std::string()));
    else if (e.role == "fng")
      out.push_back(fng_marked(cast, e, rng));
  return out;
}

std::string qs_line(const Cast& cast) {
  std::vector<std::string> qs = {cast.write(cast.entries().front())};
  for (const auto* e : cast.with_role("coq")) qs.push_back(cast.write(*e));
  return join(qs, ", ");
}

// "PAX:" on a line of its own, one person a line below it (bulleted or not).
Rendered stacked(const World& w, Plan& plan, Rng& rng) {
  Rendered r{.format = "regional_stacked"};
  Cast cast(w, plan);
  cast.decide_typing(rng, 0.2, 0.1);
  const Ao& ao = w.aos[static_cast<size_t>(plan.ao)];
  const std::string bullet = rng.pick(std::vector<std::string>{"", "- ", "• "});
  std::vector<std::string> lines = {"Backblast: " + escape_text(plan.title),
                                    "Date: " + format_date(plan.day, rng.between(1, 3)),
                                    "AO: " + ao_link(ao, rng.between(1, 3)), "Q: " + qs_line(cast), "PAX:"};
  for (const auto& p : pax_marked(cast, rng)) lines.push_back(bullet + p);
  finish(r, std::move(lines), plan, cast, ao, std::nullopt);
  return r;
}

// "Workout Date - …", "Q In Charge | …", "The PAX (12) – …": labels of several words, a dash or
// a pipe, the count inside the PAX label.
Rendered dashed(const World& w, Plan& plan, Rng& rng) {
  Rendered r{.format = "regional_dashed"};
  Cast cast(w, plan);
  cast.decide_typing(rng, 0.2, 0.1);
  const Ao& ao = w.aos[static_cast<size_t>(plan.ao)];
  const std::string sep = rng.pick(std::vector<std::string>{" - ", " | ", " – "});
  const std::string date_label = rng.pick(std::vector<std::string>{"Workout Date", "DATE", "Date"});
  const std::string q_label = rng.pick(std::vector<std::string>{"Q In Charge", "QIC", "Q"});
  const std::string pax_label = rng.pick(std::vector<std::string>{"The PAX", "PAX", "Pax"});
  // The count inside the label, or a form's "()" left empty (then the names are the count).
  const std::optional<int> count = rng.chance(0.85) ? std::optional<int>(cast.size()) : std::nullopt;
  std::vector<std::string> lines = {"Backblast" + sep + escape_text(plan.title),
                                    date_label + sep + format_date(plan.day, rng.between(1, 8)),
                                    "AO" + sep + ao_link(ao, rng.between(1, 4)), q_label + sep + qs_line(cast),
                                    pax_label + " (" + (count ? std::to_string(*count) : std::string()) + ")" + sep +
                                        join(pax_marked(cast, rng), ", ")};
  finish(r, std::move(lines), plan, cast, ao, count);
  return r;
}

// No Q line: the Q and Co-Qs are marked inside the PAX list ("QIC – Name", "QIC Name", "Name (QIC)",
// "Name (Co-Q)"), FNGs too.
Rendered roles_in_list(const World& w, Plan& plan, Rng& rng) {
  Rendered r{.format = "regional_roles"};
  Cast cast(w, plan);
  cast.decide_typing(rng, 0.2, 0.2);
  const Ao& ao = w.aos[static_cast<size_t>(plan.ao)];
  std::vector<std::string> list;
  const auto& q = cast.entries().front();
  switch (rng.between(0, 3)) {
    case 0: list.push_back("QIC – " + cast.write(q)); break;
    case 1: list.push_back(cast.write(q) + " (QIC)"); break;
    case 2: list.push_back("QIC " + cast.write(q)); break;
    default: list.push_back(cast.write(q) + " (Q)"); break;
  }
  for (const auto* e : cast.with_role("coq")) list.push_back(cast.write(*e) + " (Co-Q)");
  for (auto& p : pax_marked(cast, rng)) list.push_back(p);
  rng.shuffle(list);
  // The Q first among equals: a list with two "(QIC)" would name two Qs.
  std::vector<std::string> lines = {"Backblast: " + escape_text(plan.title),
                                    "Date: " + format_date(plan.day, rng.between(1, 3)),
                                    "AO: " + ao_link(ao, rng.between(1, 3)), "PAX: " + join(list, ", ")};
  std::optional<int> count;
  if (rng.chance(0.7)) {
    count = cast.size();
    lines.push_back("Count: " + std::to_string(*count));
  }
  finish(r, std::move(lines), plan, cast, ao, count);
  return r;
}

// The date only in the title: ":fire: The Forge back blast 3/2/24", "Backblast: Tuesday
// March 5th - Hills"; "Q @Name" with no colon.
Rendered title_dated(const World& w, Plan& plan, Rng& rng) {
  Rendered r{.format = "regional_title_date"};
  Cast cast(w, plan);
  cast.decide_typing(rng, 0.2, 0.3);
  const Ao& ao = w.aos[static_cast<size_t>(plan.ao)];
  const date::year_month_day ymd{plan.day};
  const unsigned d = unsigned(ymd.day());
  std::vector<std::string> lines;
  if (rng.chance(0.5)) {
    lines.push_back(rng.pick(std::vector<std::string>{"", ":fire: ", "*"}) + escape_text(ao.place) + " back blast " +
                    format_date(plan.day, 3));
  } else {
    const char* suffix = d % 10 == 1 && d != 11   ? "st"
                         : d % 10 == 2 && d != 12 ? "nd"
                         : d % 10 == 3 && d != 13 ? "rd"
                                                  : "th";
    lines.push_back("Backblast: " + std::string(kWeekdays[date::weekday{plan.day}.c_encoding()]) + " " +
                    kMonths[unsigned(ymd.month()) - 1] + " " + std::to_string(d) + suffix + " - " +
                    escape_text(plan.title));
    lines.push_back("AO: " + ao_link(ao, rng.between(1, 3)));
  }
  const auto& q = cast.entries().front();
  lines.push_back("Q " + cast.write(q, 0, true));
  for (const auto* e : cast.with_role("coq")) lines.push_back("Co-Q: " + cast.write(*e));
  std::vector<std::string> pax;
  for (const auto& p : pax_marked(cast, rng)) pax.push_back(p);
  lines.push_back("PAX: " + join(pax, ", "));
  finish(r, std::move(lines), plan, cast, ao, std::nullopt);
  return r;
}

}  // namespace

Rendered regional(const World& w, Plan& plan, Rng& rng) {
  switch (rng.between(0, 3)) {
    case 0: return stacked(w, plan, rng);
    case 1: return dashed(w, plan, rng);
    case 2: return roles_in_list(w, plan, rng);
    default: return title_dated(w, plan, rng);
  }
}

}  // namespace paxstats::mining::gen
