#pragma once
// Internal to reports/: what every community report kind plans with — one region, one period,
// the channel it goes to, and the plan the kinds add their deliveries to.
#include <kainjow/mustache.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "paxstats/calendar.hpp"
#include "paxstats/db/community.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::reports::detail {

class CommunityRun {
 public:
  CommunityRun(db::Database& d, const db::Region& r, calendar::Span p, std::string to, MonthlyPlan& out);

  db::Database& db;
  const db::Region& region;
  const calendar::Span period;
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

  // How charts name members: their name, told apart from a member of the same name.
  std::string label(const std::string& user_id, const std::string& name);

 private:
  MonthlyPlan& plan_;
  std::map<std::string, std::string> templates_;
  std::map<std::string, std::vector<std::string>> ids_by_name_;
  std::optional<std::vector<db::community::MemberActivity>> activity_;
  std::optional<std::vector<db::community::EngagementParts>> parts_;
};

namespace community_activity {
void plan(CommunityRun& run);
}
namespace community_awards {
void plan(CommunityRun& run);
}
namespace community_engagement {
void plan(CommunityRun& run);
}

}  // namespace paxstats::reports::detail
