// Who attended which beatdown, in memory (detail/attendance.hpp): read once per version of the
// posts cache; a PAX page's beatdown list and "who they met" are walks over it.
#include <algorithm>
#include <pqxx/pqxx>
#include <unordered_map>

#include "detail/attendance.hpp"
#include "detail/region_schema.hpp"
#include "paxstats/calendar.hpp"

namespace paxstats::db::detail {
namespace {
std::string_view view(const pqxx::field& f) { return std::string_view(f.c_str(), f.size()); }
}  // namespace

std::int32_t Attendance::intern(std::string_view v) {
  const auto [it, added] = ids_.try_emplace(std::string(v), static_cast<std::int32_t>(strings_.size()));
  if (added) strings_.emplace_back(v);
  return it->second;
}

Attendance Attendance::read(const report::Reader& read) {
  Database& db = read.db();
  Attendance a;
  pqxx::nontransaction tx(db.impl().conn);
  // Every post with its beatdown's title and FNG count; a beatdown's rows together (the same
  // grouping as the statements this replaces: date, channel and ts).
  const auto rows = tx.exec(
      "SELECT p.channel_id, p.ts, p.bd_date, p.ao_id, p.ao_name, p.person, p.user_id, p.person_name, p.role, b.title, "
      "b.fng_count, b.channel_id IS NOT NULL, coalesce(p.beatdown_fngs, 0) FROM " +
      read.posts_table() + " p LEFT JOIN " + region_schema(read.region()) +
      ".beatdowns b USING (channel_id, ts) ORDER BY p.channel_id, p.ts, p.bd_date");
  a.q_ = a.intern("q");
  a.coq_ = a.intern("coq");
  auto id = [&](const pqxx::field& f) { return f.is_null() ? -1 : a.intern(view(f)); };
  // Per beatdown, its leaders' names (role, then name) as they are read.
  std::vector<std::pair<std::string, std::string>> leaders;
  bool has_beatdown = false;
  auto close = [&] {
    if (a.beatdowns_.empty()) return;
    auto& b = a.beatdowns_.back();
    if (!has_beatdown) b.channel_id.clear();  // a post whose beatdown row is gone: listed nowhere
    // string_agg(person_name, ' & ' ORDER BY role DESC, person_name)
    std::sort(leaders.begin(), leaders.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    for (const auto& [role, name] : leaders) b.q_names += (b.q_names.empty() ? "" : " & ") + name;
    leaders.clear();
  };
  for (const auto& r : rows) {
    if (a.beatdowns_.empty() || view(r[0]) != a.beatdowns_.back().channel_id || view(r[1]) != a.beatdowns_.back().ts ||
        view(r[2]) != a.beatdowns_.back().date) {
      close();
      Beatdown b;
      b.first_row = static_cast<std::int32_t>(a.rows_.size());
      b.channel_id = std::string(view(r[0]));
      b.ts = std::string(view(r[1]));
      b.date = std::string(view(r[2]));
      has_beatdown = r[11].as<bool>();
      a.beatdowns_.push_back(std::move(b));
    }
    auto& b = a.beatdowns_.back();
    // coalesce(min(ao_id), ''), max(ao_name), coalesce(max(title), ''), count(*), max(fng_count)
    if (!r[3].is_null() && (b.ao_id.empty() || view(r[3]) < b.ao_id)) b.ao_id = std::string(view(r[3]));
    if (!r[4].is_null() && view(r[4]) > b.ao_name) b.ao_name = std::string(view(r[4]));
    if (!r[9].is_null() && view(r[9]) > b.title) b.title = std::string(view(r[9]));
    ++b.posts;
    if (!r[10].is_null()) b.fngs = std::max(b.fngs, r[10].as<int>());
    const Row row{id(r[5]),
                  id(r[6]),
                  id(r[7]),
                  id(r[8]),
                  static_cast<std::int32_t>(a.beatdowns_.size() - 1),
                  id(r[3]),
                  r[12].as<std::int32_t>()};
    if ((row.role == a.q_ || row.role == a.coq_) && row.name >= 0)
      leaders.emplace_back(a.strings_[row.role], a.strings_[row.name]);
    if (row.person >= 0) {
      if (static_cast<size_t>(row.person) >= a.own_.size()) a.own_.resize(row.person + 1);
      a.own_[row.person].push_back(static_cast<std::int32_t>(a.rows_.size()));
    }
    a.rows_.push_back(row);
  }
  close();
  Beatdown end;
  end.first_row = static_cast<std::int32_t>(a.rows_.size());
  a.beatdowns_.push_back(std::move(end));
  return a;
}

bool Attendance::record(std::string_view person, dashboard::PaxProfile& p) const {
  const auto me = ids_.find(std::string(person));
  if (me == ids_.end() || static_cast<size_t>(me->second) >= own_.size() || own_[me->second].empty()) return false;
  std::vector<std::int32_t> aos;
  std::vector<std::string> weeks, years;
  std::string_view name, user_id;
  for (const auto r : own_[me->second]) {
    const auto& row = rows_[r];
    const std::string& date = beatdowns_[row.beatdown].date;
    ++p.posts;
    const bool q = row.role == q_, leading = q || row.role == coq_;
    p.qs += q;
    p.coqs += row.role == coq_;
    if (row.ao >= 0) aos.push_back(row.ao);
    if (p.first_post.empty() || date < p.first_post) p.first_post = date;
    if (date > p.last_post) p.last_post = date;
    if (leading) {
      if (p.first_q.empty() || date < p.first_q) p.first_q = date;
      if (date > p.last_q) p.last_q = date;
      p.fngs_led += row.fngs;
    }
    if (text(row.name) > name) name = text(row.name);
    if (text(row.user_id) > user_id) user_id = text(row.user_id);
    // date_trunc('week', …): the Monday; extract(year …)
    weeks.push_back(calendar::format(calendar::monday_of(calendar::parse_day(date))));
    years.push_back(date.substr(0, 4));
  }
  std::sort(aos.begin(), aos.end());
  p.aos = static_cast<int>(std::unique(aos.begin(), aos.end()) - aos.begin());
  for (auto* list : {&weeks, &years}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  p.weeks = std::move(weeks);
  p.years = std::move(years);
  p.name = std::string(name);
  p.user_id = std::string(user_id);
  return true;
}

void Attendance::meet(std::string_view person, dashboard::PaxProfile& p) const {
  const auto me = ids_.find(std::string(person));
  if (me == ids_.end() || static_cast<size_t>(me->second) >= own_.size()) return;
  struct Seen {
    int n = 0;
    bool led = false;
    std::int32_t user_id = -1, name = -1;
  };
  std::unordered_map<std::int32_t, Seen> seen;
  for (const auto mine : own_[me->second]) {
    const auto& m = rows_[mine];
    const bool leading = m.role == q_ || m.role == coq_;
    for (auto i = beatdowns_[m.beatdown].first_row; i < beatdowns_[m.beatdown + 1].first_row; ++i) {
      const auto& o = rows_[i];
      if (o.person < 0 || o.person == me->second) continue;
      auto& s = seen[o.person];
      ++s.n;
      s.led = s.led || leading;
      if (o.user_id >= 0 && (s.user_id < 0 || text(o.user_id) > text(s.user_id))) s.user_id = o.user_id;
      if (o.name >= 0 && (s.name < 0 || text(o.name) > text(s.name))) s.name = o.name;
    }
  }
  // ORDER BY count(*) DESC, max(person_name), person: NULL names last.
  const Seen* best = nullptr;
  std::int32_t best_person = -1;
  for (const auto& [who, s] : seen) {
    ++p.met;
    if (s.led) ++p.led;
    bool better = !best || s.n > best->n;
    if (best && s.n == best->n) {
      if ((s.name >= 0) != (best->name >= 0))
        better = s.name >= 0;
      else if (text(s.name) != text(best->name))
        better = text(s.name) < text(best->name);
      else
        better = text(who) < text(best_person);
    }
    if (better) {
      best = &s;
      best_person = who;
    }
  }
  if (!best) return;
  p.bestie = strings_[best_person];
  p.bestie_id = std::string(text(best->user_id));
  p.bestie_name = std::string(text(best->name));
  p.bestie_together = best->n;
}

std::vector<dashboard::BeatdownRow> Attendance::beatdowns_of(std::string_view person,
                                                             const std::optional<std::string>& ao, int limit) const {
  std::vector<dashboard::BeatdownRow> out;
  const auto me = ids_.find(std::string(person));
  if (me == ids_.end() || static_cast<size_t>(me->second) >= own_.size()) return out;
  // Their beatdowns, each once, with their greatest role there (max(role) of their rows).
  std::vector<std::pair<std::int32_t, std::int32_t>> mine;  // beatdown, role
  for (const auto r : own_[me->second]) {
    const auto& row = rows_[r];
    const auto& b = beatdowns_[row.beatdown];
    if (b.channel_id.empty() || (ao && b.ao_id != *ao)) continue;
    if (!mine.empty() && mine.back().first == row.beatdown) {
      if (row.role >= 0 && (mine.back().second < 0 || text(row.role) > text(mine.back().second)))
        mine.back().second = row.role;
    } else {
      mine.emplace_back(row.beatdown, row.role);
    }
  }
  std::sort(mine.begin(), mine.end(), [&](const auto& x, const auto& y) {
    const auto &a = beatdowns_[x.first], &b = beatdowns_[y.first];
    return a.date != b.date ? a.date > b.date : a.ts > b.ts;
  });
  if (limit >= 0 && mine.size() > static_cast<size_t>(limit)) mine.resize(limit);
  out.reserve(mine.size());
  for (const auto& [i, role] : mine) {
    const auto& b = beatdowns_[i];
    out.push_back(
        {b.date, b.ao_id, b.ao_name, b.q_names, b.title, b.channel_id, b.ts, std::string(text(role)), b.posts, b.fngs});
  }
  return out;
}

std::shared_ptr<const Attendance> attendance(const report::Reader& read) {
  return read.remembered<Attendance>("attendance", [&] { return Attendance::read(read); });
}

}  // namespace paxstats::db::detail
