// The export's metadata files (users, channels, truth.json) once the days are simulated.
#include "simulation.hpp"

namespace paxstats::mining::gen {

void Simulation::write_metadata() {
  const auto epoch = [](Day d) { return static_cast<long long>(date::sys_seconds{d}.time_since_epoch().count()); };
  const auto info = zone_->get_info(date::sys_seconds{end_});  // offset on the last day, as Slack reports "now"
  json users = json::array();
  for (const auto& u : world_.users) {
    json p;
    p["title"] = "";
    p["phone"] = "";
    p["real_name"] = u.real;
    p["real_name_normalized"] = u.real;
    p["display_name"] = u.display;
    p["display_name_normalized"] = u.display;
    p["status_text"] = "";
    p["status_emoji"] = "";
    p["avatar_hash"] = "g" + u.id.substr(1, 6);
    if (!u.is_bot) p["email"] = u.handle + "@example.org";
    if (u.is_bot) p["bot_id"] = u.bot_id;
    p["first_name"] = u.real.substr(0, u.real.find(' '));
    p["team"] = team_;
    json j;
    j["id"] = u.id;
    j["team_id"] = team_;
    j["name"] = u.handle;
    j["deleted"] = u.deleted;
    j["real_name"] = u.real;
    j["tz"] = opt_.tz;
    j["tz_label"] = info.abbrev;
    j["tz_offset"] = info.offset.count();
    j["profile"] = p;
    j["is_admin"] = false;
    j["is_owner"] = false;
    j["is_bot"] = u.is_bot;
    j["is_app_user"] = false;
    j["updated"] = epoch(u.join < start_ ? start_ : u.join);
    users.push_back(j);
  }
  out_.write_document("users.json", users);

  std::vector<std::vector<std::string>> members(world_.aos.size());
  for (const auto& u : world_.users)
    if (!u.is_bot) members[static_cast<size_t>(u.home_ao)].push_back(u.id);
  json pub = json::array(), priv = json::array();
  for (size_t i = 0; i < channels_.size(); ++i) {
    const Channel& c = channels_[i];
    json j;
    j["id"] = c.id;
    j["name"] = c.name;
    j["created"] = epoch(c.created);
    j["creator"] = world_.users.front().id;
    j["is_archived"] = c.archived;
    j["is_general"] = c.is_general;
    json m = json::array();
    if (i < world_.aos.size()) {
      for (const auto& id : members[i]) m.push_back(id);
    } else {
      for (const auto& u : world_.users) m.push_back(u.id);
    }
    j["members"] = m;
    j["topic"] = json{{"value", ""}, {"creator", ""}, {"last_set", 0}};
    j["purpose"] = json{{"value", i < world_.aos.size() ? "Backblasts for " + world_.aos[i].place : ""},
                        {"creator", ""},
                        {"last_set", 0}};
    (c.is_private ? priv : pub).push_back(j);
  }
  out_.write_document("channels.json", pub);
  out_.write_document("groups.json", priv);

  json logs = json::array();
  for (const auto& u : world_.users)
    if (u.is_bot)
      logs.push_back(json{{"user_id", world_.users.front().id},
                          {"user_name", world_.users.front().handle},
                          {"date", std::to_string(epoch(start_ - date::days{30}))},
                          {"change_type", "added"},
                          {"app_id", "A" + u.bot_id.substr(1)},
                          {"app_type", "app"},
                          {"scope", "chat:write"}});
  out_.write_document("integration_logs.json", json{{"logs", logs}});

  std::stable_sort(truth_.begin(), truth_.end(), [](const json& a, const json& b) {
    return std::tie(a["date"].get_ref<const std::string&>(), a["channel"].get_ref<const std::string&>(),
                    a["ts"].get_ref<const std::string&>()) < std::tie(b["date"].get_ref<const std::string&>(),
                                                                      b["channel"].get_ref<const std::string&>(),
                                                                      b["ts"].get_ref<const std::string&>());
  });
  json truth;
  truth["about"] =
      "Ground truth written by paxstats generate: every beatdown reported in this export, as a correct "
      "parser must read it. pax lists every attendee (Q, Co-Qs, PAX, FNGs); people are {user_id} when "
      "mentioned, {name} when typed. count is COUNT as written, else the number of attendees.";
  truth["generator"] = json{{"seed", opt_.seed}, {"pax", opt_.pax}, {"years", opt_.years},     {"months", opt_.months},
                            {"end", opt_.end},   {"tz", opt_.tz},   {"aos", world_.aos.size()}};
  truth["region"] = json{{"team_id", team_},
                         {"tz", opt_.tz},
                         {"firstf_channel", world_.firstf_id},
                         {"first_date", date::format("%F", start_)},
                         {"last_date", date::format("%F", end_)}};
  truth["beatdowns"] = std::move(truth_);
  truth["not_beatdowns"] = std::move(not_beatdowns_);
  out_.write_document("truth.json", truth);
  truth_ = json::array();
}

}  // namespace paxstats::mining::gen
