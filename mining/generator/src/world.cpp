// The generated region's world: its AOs, PAX, Qs and channels.
#include "simulation.hpp"

namespace paxstats::mining::gen {

void Simulation::build_world() {
  Rng r = rng_.fork(2);
  team_ = ids_.make('T', 9);
  const int n_aos = opt_.aos > 0 ? opt_.aos : std::max(15, opt_.pax / 12);
  const int span = static_cast<int>((end_ - start_).count());

  // AOs, each with 2-3 weekdays, most from the start, some opened later, one closed.
  for (int i = 0; i < n_aos; ++i) {
    Ao ao;
    ao.place =
        i < static_cast<int>(kAoPlaces.size()) ? kAoPlaces[static_cast<size_t>(i)] : "Site " + std::to_string(i + 1);
    ao.channel = "ao-" + slug_of(ao.place);
    ao.id = ids_.make('C');
    std::vector<int> weekdays = {1, 2, 3, 4, 5};
    r.shuffle(weekdays);
    for (int k = 0; k < r.between(2, 3); ++k) ao.days[weekdays[static_cast<size_t>(k)]] = true;
    if (r.chance(0.4)) ao.days[6] = true;
    ao.start = r.chance(0.8) ? start_ : start_ + date::days{r.between(0, span * 2 / 3)};
    ao.end = end_;
    if (i == 1 && n_aos >= 5) {
      ao.end = start_ + date::days{span * 7 / 10};
      ao.archived = true;
    }
    world_.aos.push_back(ao);
    channels_.push_back({ao.id, ao.channel, false, false, ao.archived, ao.start - date::days{30}});
  }
  for (const char* name : {"general", "random", "1st-f", "prayer-requests"}) {
    Channel c{ids_.make('C'), name, std::string(name) == "general", false, false, start_ - date::days{400}};
    if (c.name == "1st-f") world_.firstf_id = c.id;
    chatter_.push_back(channels_.size());
    channels_.push_back(c);
  }
  site_qs_ = channels_.size();
  channels_.push_back({ids_.make('C'), "site-qs", false, true, false, start_ - date::days{200}});

  // Weekly beatdowns region-wide, to turn "visits a week" into a chance per beatdown.
  double weekly = 0;
  for (const auto& ao : world_.aos) weekly += std::count(std::begin(ao.days), std::end(ao.days), true);

  name_bank_ = kSafeNames;
  r.shuffle(name_bank_);
  auto next_safe = [this] { return next_name(); };
  const int hostile = std::min<int>(static_cast<int>(kHostileNames.size()), opt_.pax / 40);
  for (int i = 0; i < opt_.pax; ++i) {
    User u;
    u.id = ids_.make('U');
    if (i < hostile) {
      u.display = kHostileNames[static_cast<size_t>(i)];
      u.safe_name = false;
    } else {
      u.display = next_safe();
      u.safe_name = true;
    }
    u.handle = handle_of(u.display, i + 1);
    u.real = r.pick(kRealFirst) + " " + r.pick(kRealLast);
    u.home_ao = static_cast<int>(r.below(world_.aos.size()));
    u.join = start_ - date::days{365};
    u.leave = end_;
    int kind = static_cast<int>(r.below(100));
    double visits_per_week;
    if (kind < 45) {
      u.habit = Habit::regular;
      u.p_home = 0.65 + 0.3 * (static_cast<double>(r.below(100)) / 100.0);
      visits_per_week = 0.8;
    } else if (kind < 70) {
      u.habit = Habit::occasional;
      u.p_home = 0.2 + 0.2 * (static_cast<double>(r.below(100)) / 100.0);
      visits_per_week = 0.15;
    } else if (kind < 85) {
      u.habit = Habit::dropout;  // a regular who stops coming: the Kotter list's people
      u.p_home = 0.7;
      visits_per_week = 0.3;
      u.leave = start_ + date::days{r.between(span / 4, span - 21)};
      u.deleted = r.chance(0.2);
    } else {
      u.habit = Habit::fng;  // joins during the period; first beatdown as an FNG; stays
      u.p_home = 0.6;
      visits_per_week = 0.3;
      u.join = start_ + date::days{r.between(7, std::max(8, span - 7))};
    }
    u.p_visit = weekly > 0 ? visits_per_week / weekly : 0;
    world_.users.push_back(u);
  }
  // Regulars who are not on Slack: always written as typed names.
  const int outsiders = std::max(3, opt_.pax / 30);
  for (int i = 0; i < outsiders; ++i)
    outsiders_.push_back({next_safe(), static_cast<int>(r.below(world_.aos.size())), 0.3});

  auto add_bot = [&](const std::string& display, const std::string& handle) {
    User b;
    b.id = ids_.make('U');
    b.bot_id = ids_.make('B');
    b.display = display;
    b.handle = handle;
    b.real = display;
    b.is_bot = true;
    b.join = start_;
    b.leave = start_ - date::days{1};  // never attends
    world_.users.push_back(b);
    return b.bot_id;
  };
  slackblast_bot_ = add_bot("Slackblast", "slackblast");
  f3nation_bot_ = add_bot("F3 Nation", "f3nation");
  last_q_.assign(world_.aos.size(), std::vector<int>(world_.users.size(), -100000));
}

}  // namespace paxstats::mining::gen
