#include "paxstats/reports/deliver.hpp"

#include "paxstats/db/outbox.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/render/render.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/text.hpp"

namespace paxstats::reports {
int queue_plan(db::Database& db, const MonthlyPlan& plan) {
  std::vector<db::outbox::Item> items;
  for (const auto& d : plan.deliveries) {
    db::outbox::Item i;
    i.region = plan.region;
    i.report = d.report;
    i.period = plan.month;
    i.recipient = d.recipient;
    i.to_user = d.to_user;
    i.file_name = d.file;
    i.title = d.title;
    i.comment = d.comment;
    i.alt_txt = render::alt_text(d.chart);
    i.bytes = render::render(d.chart);
    items.push_back(std::move(i));
  }
  return db::outbox::plan(db, items);
}

DeliverReport deliver(db::Database& db, std::string_view region, slack::Client& client, std::ostream* progress) {
  if (!db::outbox::try_lock(db, region))
    throw UserError("another paxstats is delivering region " + std::string(region) + " right now; let it finish");
  DeliverReport report;
  const auto items = db::outbox::pending(db, region);
  size_t done = 0;
  for (auto item : items) {
    if (progress && done > 0 && done % 25 == 0)
      *progress << "deliver: " << done << "/" << items.size() << " (" << report.sent << " sent, " << report.skipped
                << " skipped, " << report.failed << " failed)" << std::endl;
    ++done;
    const std::string who = item.report + " → " + item.recipient;
    auto give_up = [&](const slack::Result& r) {
      const auto d = slack::diagnose(r, item.recipient);
      if (d.remedy == slack::Remedy::stop_workspace) throw slack::SlackError(r, item.recipient);
      const bool skip = d.remedy == slack::Remedy::skip_recipient || d.remedy == slack::Remedy::invite_bot;
      db::outbox::record(db, item.id, skip ? "skipped" : (d.remedy == slack::Remedy::retry_later ||
                                                          d.remedy == slack::Remedy::outcome_unknown
                                                              ? item.status
                                                              : "failed"),
                         item.channel_id, item.file_id, d.message);
      (skip ? report.skipped : report.failed) += 1;
      report.reasons.push_back(who + ": " + d.message);
    };
    // Asked for no DMs since it was planned: not sent (a half-sent one is finished, not abandoned).
    if (item.to_user && item.status == "planned" && db::is_opted_out(db, region, item.recipient)) {
      db::outbox::record(db, item.id, "skipped", item.channel_id, item.file_id, "opted out of DMs");
      ++report.skipped;
      report.reasons.push_back(who + ": opted out of DMs");
      continue;
    }
    try {
      // Step 1: where it goes (a user's DM is opened once and remembered).
      if (item.channel_id.empty()) {
        if (item.to_user) {
          slack::Result r = client.call("conversations.open", {{"users", item.recipient}});
          if (!r.ok()) {
            give_up(r);
            continue;
          }
          item.channel_id = r.body["channel"]["id"];
        } else {
          item.channel_id = item.recipient;
        }
        db::outbox::record(db, item.id, item.status, item.channel_id, item.file_id, "");
      }
      // A delivery interrupted after Slack gave it a file: did the share go out?
      if (item.status == "uploading" && !item.file_id.empty()) {
        slack::Result info = client.call("files.info", {{"file", item.file_id}});
        if (info.ok() && info.body.contains("file") && slack::file_shared_in(info.body["file"], item.channel_id)) {
          db::outbox::record(db, item.id, "sent", item.channel_id, item.file_id, "");
          ++report.sent;
          continue;
        }
        // Not shared: complete it now if its bytes arrived (Slack completes a file once).
        nlohmann::json files = nlohmann::json::array({{{"id", item.file_id}, {"title", item.title}}});
        slack::Params p = {{"files", files.dump()}, {"channel_id", item.channel_id}};
        if (!item.comment.empty()) p.emplace_back("initial_comment", item.comment);
        slack::Result done_r = client.call("files.completeUploadExternal", p, slack::CallKind::write);
        if (done_r.ok()) {
          db::outbox::record(db, item.id, "sent", item.channel_id, item.file_id, "");
          ++report.sent;
          continue;
        }
        if (done_r.error != "file_not_found") {
          give_up(done_r);
          continue;
        }
        item.file_id.clear();  // the bytes never arrived: start over with a new upload
      }
      // Steps 2-4: the 3-step upload, each step recorded as it happens.
      auto result = client.upload(
          {.filename = item.file_name, .bytes = item.bytes, .title = item.title, .alt_txt = item.alt_txt,
           .channel_id = item.channel_id, .initial_comment = item.comment},
          [&](const slack::UploadStep& step) {
            if (step.kind == slack::UploadStep::got_url) {
              item.status = "uploading";
              item.file_id = step.file_id;
              db::outbox::record(db, item.id, "uploading", item.channel_id, item.file_id, "");
            }
          });
      if (result.ok) {
        db::outbox::record(db, item.id, "sent", item.channel_id, result.file_id, "");
        ++report.sent;
      } else {
        give_up(result.result);
      }
    } catch (const slack::SlackError&) {
      throw;  // a bad token: nothing else can be sent
    }
  }
  return report;
}

}  // namespace paxstats::reports
