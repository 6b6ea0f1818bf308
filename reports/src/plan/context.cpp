#include "context.hpp"

#include "colors.hpp"
#include "paxstats/db/aliases.hpp"
#include "paxstats/render/render.hpp"
#include "templates.hpp"
#include "words.hpp"

namespace paxstats::reports::detail {

Context::Context(const rq::Reader& read_, const db::Region& region_, date::year_month month,
                 std::optional<std::string> person_)
    : read(read_),
      db(read_.db()),
      region(region_),
      ym(month),
      person(std::move(person_)),
      period(calendar::days_of(month)),
      ytd(calendar::year_to(month)) {
  for (const auto& [id, name] : read.aos()) {
    ao_names_[id] = name;
  }
  plan_.region = region.slug;
  plan_.region_name = region.name;
  plan_.period = calendar::month_period(month);
  for (auto& g : read.gone_recipients()) gone.insert(std::move(g));
  for (auto& u : db::opt_outs(db, region.slug)) opted_out_.insert(std::move(u));
}

std::vector<date::year_month> Context::months_of_year() const {
  return calendar::months_between(ym.year() / date::January, ym);
}

std::string Context::ao_name(const std::string& id) const {
  const auto it = ao_names_.find(id);
  return it != ao_names_.end() ? it->second : id;
}

std::string Context::label(const std::string& who, const std::string& name) {
  // One person's chart needs only the people who share their name.
  if (!labels_) labels_.emplace(person ? read.people(name) : read.people(), real_names);
  return (*labels_)(who, name);
}

const std::vector<rq::Streak>& Context::streaks() {
  if (!streaks_) streaks_ = read.weekly_streaks(period.last, person);
  return *streaks_;
}

const std::vector<rq::PersonMonthAo>& Context::year_posts() {
  if (!year_posts_) year_posts_ = read.posts_by_person(ytd, person);
  return *year_posts_;
}

std::vector<rq::AoMonth> Context::ao_months(const rq::Period& months) {
  const auto first = months.first, last = months.last;
  const auto from = calendar::month_of(first), to = calendar::month_of(last);
  const rq::Period widest{std::min(ytd.first, calendar::first_day(ym - date::months{11})), period.last};
  const bool whole_months = first == calendar::first_day(from) && months.first >= widest.first &&
                            last == calendar::last_day(to) && months.last <= widest.last;
  if (!whole_months) return read.ao_months(months);
  if (!ao_months_) ao_months_ = read.ao_months(widest);
  std::vector<rq::AoMonth> out;
  for (const auto& r : *ao_months_)
    if (r.month >= from && r.month <= to) out.push_back(r);
  return out;
}

std::string Context::fill(const std::string& name, const kainjow::mustache::data& values) {
  auto it = templates_.find(name);
  if (it == templates_.end()) it = templates_.emplace(name, template_text(region.templates_dir, name)).first;
  return render_template(it->second, values);
}

kainjow::mustache::data Context::base() const {
  kainjow::mustache::data d;
  d.set("region", region.name);
  d.set("month_name", month_name());
  d.set("year", year());
  return d;
}

const std::map<std::string, int>& Context::ao_colors() {
  // From everyone's year, also for one person's chart (on demand): their AOs keep the colours
  // the monthly run gives them.
  if (!ao_colors_)
    ao_colors_ = detail::ao_colors(person ? read.posts_by_person(ytd) : year_posts(), ym, kAosShown,
                                   static_cast<int>(render::series_palette(render::Theme::light).size()));
  return *ao_colors_;
}

render::Chart Context::chart(render::Kind kind, std::string title, std::string subtitle) {
  render::Chart c;
  c.kind = kind;
  c.title = std::move(title);
  c.subtitle = std::move(subtitle);
  c.key_colors = ao_colors();
  return c;
}

std::optional<std::string> Context::firstf(const std::string& report) {
  if (region.firstf_channel) return region.firstf_channel;
  if (for_page) return std::string();
  note(report + " (region-wide): no 1st-F channel set; paxstats region set " + region.slug + " firstf_channel=C…");
  return std::nullopt;
}

void Context::deliver(std::string report, std::string recipient, bool to_user, std::string file, std::string title,
                      std::string comment, render::Chart chart, FullList everyone) {
  if (!for_page && gone.count(recipient)) {
    ++gone_skipped_[report];
    return;
  }
  if (!for_page && to_user && opted_out_.count(recipient)) {
    ++opted_out_skipped_[report];
    return;
  }
  // Only the colours of the keys it draws (the region's AOs would ride along in every spec).
  std::set<std::string> keys;
  for (const auto& s : chart.series) keys.insert(s.key);
  for (const auto& p : chart.panels)
    for (const auto& s : p.series) keys.insert(s.key);
  std::erase_if(chart.key_colors, [&](const auto& kv) { return !keys.count(kv.first); });
  plan_.deliveries.push_back({std::move(report), std::move(recipient), to_user, std::move(file), std::move(title),
                              std::move(comment), std::move(chart), std::move(everyone)});
}

void Context::attach(std::string report, std::string recipient, bool to_user, std::string file, std::string title,
                     std::string bytes) {
  if (for_page || (gone.count(recipient)) || (to_user && opted_out_.count(recipient))) return;
  PlannedDelivery d{std::move(report), std::move(recipient), to_user, std::move(file), std::move(title), "", {}};
  d.attachment = std::move(bytes);
  plan_.deliveries.push_back(std::move(d));
}

bool Context::wanted(const std::string& report, bool db::RegionFlags::*flag, const std::set<std::string>& only) {
  if (!only.empty() && !only.count(report)) return false;
  if (!person && !for_page && !(region.flags.*flag)) {
    note(report + ": off for this region (send_" + report + "=false)");
    return false;
  }
  return true;
}

MonthlyPlan Context::finish() {
  for (const auto& [report, n] : gone_skipped_)
    note(report + ": " + plural(n, "recipient", "recipients") + " left out: deactivated users or archived channels");
  for (const auto& [report, n] : opted_out_skipped_)
    note(report + ": " + plural(n, "person", "people") + " left out: they opted out of DMs");
  return std::move(plan_);
}

void month_bars(Context& cx, render::Chart& c, const std::vector<MonthBar>& rows) {
  const std::string name = cx.month_name(), month = name.substr(0, name.find(' '));
  c.kind = render::Kind::horizontal_bar;
  render::Series this_month{"month", month, {}}, earlier{"earlier", "Earlier in " + cx.year(), {}};
  earlier.color = "#868c94";  // the months before stay quiet; the month stands out
  for (const auto& r : rows) {
    c.categories.push_back(r.label);
    this_month.values.push_back(r.month);
    earlier.values.push_back(r.year - r.month);
  }
  c.series = {earlier, this_month};
  if (cx.ym.month() == date::January) c.series = {this_month};  // January: nothing came before
  c.key_colors = {{"month", 0}};
}

void fit_rows(render::Chart& c) { c.height = std::max(c.height, 110 + 22 * static_cast<int>(c.rows.size())); }

}  // namespace paxstats::reports::detail
