// One beatdown's backblast as a Q (or an app) would post it, in one of the formats.
#include "simulation.hpp"

namespace paxstats::mining::gen {

void Simulation::post_backblast(Plan& plan, Rng& r) {
  const Ao& ao = world_.aos[static_cast<size_t>(plan.ao)];
  Rendered rendered = render_backblast(world_, plan, r, slackblast_bot_, f3nation_bot_);
  const User& q = world_.user(plan.q.user >= 0 ? plan.q.user : 0);
  const std::string channel_name = rendered.in_ao_channel ? ao.channel : "1st-f";
  const std::string channel_id = rendered.in_ao_channel ? ao.id : world_.firstf_id;

  Day post_day = plan.day;
  if (rendered.has_date) {
    if (r.chance(0.10))
      post_day += date::days{1};
    else if (r.chance(0.02))
      post_day += date::days{2};
  }
  const bool same_day = post_day == plan.day;
  const std::string ts = make_ts(channel_id, local_time(post_day, same_day ? 6 : 7, same_day ? 12 : 21, r));

  // A preblast the day before; sometimes the backblast is posted as a reply in its thread.
  std::optional<json> preblast;
  if (rendered.in_ao_channel && !rendered.by_bot && r.chance(0.06)) {
    const std::string pts = make_ts(channel_id, local_time(plan.day - date::days{1}, 17, 21, r));
    std::string text = "*Preblast: " + plan.title + "*\n*Date*: " + date::format("%F", plan.day) +
                       "\n*Time*: 0530 - 0615\n*Where*: <#" + ao.id + ">\n*Q*: <@" + q.id +
                       ">\n*Why*: Because we need it\n*Coupons*: Yes\n*FNGs*: Always welcome";
    preblast = user_message(q, text, pts, r);
    not_beatdowns_.push_back(json{{"channel", channel_id}, {"ts", pts}, {"why", "preblast"}});
  }
  if (r.chance(0.02) && rendered.in_ao_channel) {
    const std::string sts = make_ts(channel_id, local_time(plan.day, 6, 7, r));
    out_.add(channel_name, user_message(q, "Backblast coming soon", sts, r));
    not_beatdowns_.push_back(json{{"channel", channel_id}, {"ts", sts}, {"why", "no fields"}});
  }
  // A first attempt deleted after someone replied to it leaves a tombstone behind.
  if (r.chance(0.01) && rendered.in_ao_channel) {
    const std::string tts = ts_plus(ts, -300);
    if (ts_used_[channel_id].insert(tts).second) {
      const User& replier = world_.users[r.below(static_cast<uint64_t>(opt_.pax))];
      const std::string rts = ts_plus(ts, -200);
      ts_used_[channel_id].insert(rts);
      json tomb = {{"type", "message"},
                   {"subtype", "tombstone"},
                   {"text", "This message was deleted."},
                   {"user", "USLACKBOT"},
                   {"hidden", true},
                   {"ts", tts},
                   {"thread_ts", tts},
                   {"reply_count", 1},
                   {"reply_users_count", 1},
                   {"latest_reply", rts},
                   {"reply_users", json::array({replier.id})}};
      out_.add(channel_name, tomb);
      json reply = user_message(replier, "Looks like this got posted twice, deleting the first one", rts, r);
      reply["thread_ts"] = tts;
      reply["parent_user_id"] = "USLACKBOT";
      out_.add(channel_name, reply);
      not_beatdowns_.push_back(json{{"channel", channel_id}, {"ts", tts}, {"why", "deleted"}});
    }
  }

  json msg;
  if (rendered.by_bot) {
    msg["type"] = "message";
    msg["text"] = rendered.text;
    msg["ts"] = ts;
    for (auto& [k, v] : rendered.extra.items()) msg[k] = v;
  } else {
    msg = user_message(q, rendered.text, ts, r);
    for (auto& [k, v] : rendered.extra.items()) msg[k] = v;
    if (r.chance(0.10)) msg["edited"] = json{{"user", q.id}, {"ts", ts_plus(ts, r.between(60, 3600))}};
    if (r.chance(0.08)) {
      const std::string fid = ids_.make('F');
      msg["files"] =
          json::array({json{{"id", fid},
                            {"created", std::stoll(ts)},
                            {"timestamp", std::stoll(ts)},
                            {"name", "IMG_" + std::to_string(r.between(1000, 9999)) + ".jpg"},
                            {"title", "COT"},
                            {"mimetype", "image/jpeg"},
                            {"filetype", "jpg"},
                            {"pretty_type", "JPEG"},
                            {"user", q.id},
                            {"size", r.between(200000, 4000000)},
                            {"url_private", "https://files.slack.com/files-pri/" + team_ + "-" + fid + "/img.jpg"}}});
      msg["upload"] = false;
    }
  }
  if (preblast && r.chance(0.5)) {
    // Posted as a reply in the preblast's thread: it counts all the same.
    const std::string pts = (*preblast)["ts"];
    msg["thread_ts"] = pts;
    msg["parent_user_id"] = q.id;
    (*preblast)["thread_ts"] = pts;
    (*preblast)["reply_count"] = 1;
    (*preblast)["reply_users_count"] = 1;
    (*preblast)["latest_reply"] = ts;
    (*preblast)["reply_users"] = json::array({q.id});
    (*preblast)["replies"] = json::array({json{{"user", q.id}, {"ts", ts}}});
    rendered.format += "+thread_reply";
  } else if (r.chance(0.2)) {
    add_replies(msg, channel_name, channel_id, plan, r);
  }
  if (r.chance(0.4)) add_reactions(msg, r);
  if (preblast) out_.add(channel_name, *preblast);
  out_.add(channel_name, msg);

  json t;
  t["channel"] = channel_id;
  t["ts"] = ts;
  for (auto& [k, v] : rendered.truth.items()) t[k] = v;
  t["format"] = rendered.format;
  truth_.push_back(std::move(t));
}

}  // namespace paxstats::mining::gen
