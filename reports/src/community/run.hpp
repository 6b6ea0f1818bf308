#pragma once
// Internal to reports/: what every community report kind plans with — one region, one period,
// the channel it goes to, and the plan the kinds add their deliveries to.
#include <kainjow/mustache.hpp>
#include <any>
#include <map>
#include <type_traits>
#include <optional>
#include <string>
#include <vector>

#include "paxstats/calendar.hpp"
#include "paxstats/db/community.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/reports/monthly.hpp"
#include "lanes.hpp"

namespace paxstats::reports::detail {

class CommunityRun {
 public:
  CommunityRun(db::Database& d, const db::Region& r, calendar::Period p, std::string to, MonthlyPlan& out);

  db::Database& db;
  const db::Region& region;
  const calendar::Period period;
  const db::community::Window window;
  const std::string channel;

  // A chart of the run: its kind and title, the period as subtitle unless given.
  render::Chart chart(render::Kind kind, std::string title, std::string subtitle = {}) const;
  // A template filled in (the region's own when its templates_dir has one); the values every
  // template has (region, period) are set.
  std::string fill(const std::string& name, kainjow::mustache::data values);
  void deliver(std::string report, std::string file, std::string title, std::string comment, render::Chart chart);
  void note(std::string text) { plan_.notes.push_back(std::move(text)); }
  // The message of the first delivery whose report starts with `prefix`; the others of that
  // prefix say their title.
  void set_first_comment(const std::string& prefix, const std::string& text);
  // The period's member activity and engagement parts, read once for every kind.
  const std::vector<db::community::MemberActivity>& activity();
  const std::vector<db::community::EngagementParts>& parts();
  void prefetch_people() { people_later(); }

  // A read of the run, handed to the read lanes (connections of its own) the first time its key
  // is asked for; later asks get the same rows. Each kind asks for its reads in its prefetch,
  // before any kind plans, so they all run side by side.
  template <class Read>
  auto later(const std::string& key, Read read) -> std::shared_future<std::invoke_result_t<Read, db::Database&>> {
    using T = std::invoke_result_t<Read, db::Database&>;
    const auto it = later_.find(key);
    if (it != later_.end()) return std::any_cast<std::shared_future<T>>(it->second);
    auto f = lanes_.submit<T>(std::move(read));
    later_.emplace(key, f);
    return f;
  }

  // How charts name members: their name, told apart from a member of the same name.
  std::string label(const std::string& user_id, const std::string& name);

 private:
  MonthlyPlan& plan_;
  std::map<std::string, std::string> templates_;
  std::map<std::string, std::vector<std::string>> ids_by_name_;
  struct People {
    std::vector<db::community::MemberActivity> activity;
    std::vector<db::community::EngagementParts> parts;
  };
  std::shared_future<People> people_later();
  const People& people();
  std::map<std::string, std::any> later_;
  ReadLanes lanes_;  // last: its reads finish before what they read from goes
};

// Each kind: prefetch hands its reads to the lanes, plan plans with their rows.
namespace community_activity {
void prefetch(CommunityRun& run);
void plan(CommunityRun& run);
}  // namespace community_activity
namespace community_awards {
void prefetch(CommunityRun& run);
void plan(CommunityRun& run);
}  // namespace community_awards
namespace community_engagement {
void plan(CommunityRun& run);
}

}  // namespace paxstats::reports::detail
