#include "paxstats/reports/deliver.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <thread>

#include "paxstats/db/outbox.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "paxstats/render/render.hpp"
#include "paxstats/slack/files.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/text.hpp"
#include "each_delivery.hpp"

namespace paxstats::reports {
namespace {

// The chart's spec when it reads back as the same chart (render/README.md's limits hold and
// every field survives), else nothing.
std::optional<std::string> spec_of(const render::Chart& chart) {
  const auto spec = render::to_json(chart);
  try {
    if (render::to_json(render::chart_from_json(spec)) == spec) return spec.dump();
  } catch (const UserError&) {  // beyond the spec's limits: drawn now
  }
  return std::nullopt;
}

}  // namespace

int queue_plan(db::Database& db, const MonthlyPlan& plan, const Progress& progress) {
  // Each chart goes in as its spec, drawn when it is sent (deliver): rendering 1,000+ charts here
  // took longer than planning them, while the sender spends most of a run waiting on Slack's
  // rate limits. A chart whose spec would not read back as the same chart is drawn now.
  std::vector<db::outbox::Item> items(plan.deliveries.size());
  detail::each_delivery(plan, "queue", progress, [&](size_t n) {
    const auto& d = plan.deliveries[n];
    auto& i = items[n];
    i.region = plan.region;
    i.report = d.report;
    i.period = plan.month;
    i.recipient = d.recipient;
    i.to_user = d.to_user;
    i.file_name = d.file;
    i.title = d.title;
    i.comment = d.comment;
    i.alt_txt = render::alt_text(d.chart);
    if (auto spec = spec_of(d.chart))
      i.chart = std::move(*spec);
    else
      i.bytes = render::render(d.chart);
  });
  return db::outbox::plan(db, items);
}

namespace {

// Opens the DMs of a delivery run ahead of the sender, on a client of its own, so the sender's
// uploads (other rate-limit lanes) never wait for conversations.open, Slack's slowest method here.
// Opening a DM twice is harmless (Slack returns the same one); nothing here touches the outbox.
class DmOpener {
 public:
  DmOpener(const slack::ClientOptions& options, std::vector<std::pair<size_t, std::string>> users)
      : users_(std::move(users)), thread_([this, options](std::stop_token stop) { run(stop, options); }) {}
  ~DmOpener() {
    thread_.request_stop();
    cv_.notify_all();
  }

  // The answer for item i, if it has come.
  std::optional<slack::Result> ready(size_t i) {
    std::lock_guard lock(mu_);
    auto it = done_.find(i);
    if (it == done_.end() && stopped_) throw slack::Stopped();  // the service stops: no answer will come
    if (it == done_.end()) return std::nullopt;
    return it->second;
  }
  // Waits for any new answer (or a moment).
  void wait() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return done_.size() != seen_; });
    seen_ = done_.size();
  }

 private:
  void run(std::stop_token stop, slack::ClientOptions options) {
    slack::Client client(std::move(options));
    for (const auto& [i, user] : users_) {
      if (stop.stop_requested()) return;
      slack::Result r;
      try {
        r = client.call("conversations.open", {{"users", user}});
      } catch (const slack::Stopped&) {  // never an answer of Slack's: the sender is told
        std::lock_guard lock(mu_);
        stopped_ = true;
        cv_.notify_all();
        return;
      } catch (const std::exception& e) {
        r.method = "conversations.open";
        r.error = e.what();
      }
      std::lock_guard lock(mu_);
      done_[i] = std::move(r);
      cv_.notify_all();
    }
  }

  std::vector<std::pair<size_t, std::string>> users_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<size_t, slack::Result> done_;
  size_t seen_ = 0;
  bool stopped_ = false;
  std::jthread thread_;  // last: started once everything above exists, joined first
};

// The in-doubt rule needs files.info, which needs files:read: refuse to start without it rather
// than discover it after a lost answer. (Tokens whose scopes Slack does not list are let through.)
void require_files_read(slack::Client& client) {
  const auto me = client.auth_test();
  const std::string scopes = me.value("scopes", std::string());
  if (scopes.empty()) return;
  std::string padded = "," + scopes + ",";
  padded.erase(std::remove(padded.begin(), padded.end(), ' '), padded.end());
  if (padded.find(",files:read,") == std::string::npos)
    throw UserError("the bot token lacks the files:read scope (it has: " + scopes +
                    "). paxstats needs it to check, after a lost answer, whether a chart was already shared, so it "
                    "never sends one twice. Add files:read under OAuth & Permissions in the Slack app's settings and "
                    "reinstall the app.");
}

}  // namespace

DeliverReport deliver(db::Database& db, std::string_view region, slack::Client& client, const Progress& progress) {
  if (!db::outbox::try_lock(db, region))
    throw UserError("another paxstats is delivering region " + std::string(region) + " right now; let it finish");
  // Given back however this ends: a long-lived connection (a service worker) must not keep it.
  const db::outbox::Held held(db, region);
  DeliverReport report;
  auto items = db::outbox::pending(db, region);
  if (!items.empty()) require_files_read(client);
  std::set<std::string> opted_out;
  for (auto& u : db::opt_outs(db, region)) opted_out.insert(std::move(u));

  // Asked for no DMs since it was planned: not sent (a half-sent one is finished, not abandoned).
  std::vector<size_t> order;
  std::vector<std::pair<size_t, std::string>> to_open;
  for (size_t i = 0; i < items.size(); ++i) {
    auto& item = items[i];
    if (item.to_user && item.status == db::outbox::Status::planned && opted_out.count(item.recipient)) {
      db::outbox::record(db, item.id, db::outbox::Status::skipped, item.channel_id, item.file_id, "opted out of DMs");
      ++report.skipped;
      report.reasons.push_back(item.report + " → " + item.recipient + ": opted out of DMs");
      continue;
    }
    if (item.to_user && item.channel_id.empty()) to_open.emplace_back(i, item.recipient);
    order.push_back(i);
  }
  DmOpener opener(client.sibling_options(), to_open);

  size_t done = 0;
  const size_t total = order.size();
  auto send = [&](db::outbox::Item& item, std::optional<slack::Result> opened) {
    const std::string who = item.report + " → " + item.recipient;
    auto give_up = [&](const slack::Result& r) {
      const auto d = slack::diagnose(r, item.recipient);
      if (d.remedy == slack::Remedy::stop_workspace) throw slack::SlackError(r, item.recipient);
      const bool skip = d.remedy == slack::Remedy::skip_recipient || d.remedy == slack::Remedy::invite_bot;
      db::outbox::record(db, item.id,
                         skip ? db::outbox::Status::skipped
                              : (d.remedy == slack::Remedy::retry_later || d.remedy == slack::Remedy::outcome_unknown
                                     ? item.status
                                     : db::outbox::Status::failed),
                         item.channel_id, item.file_id, d.message);
      (skip ? report.skipped : report.failed) += 1;
      report.reasons.push_back(who + ": " + d.message);
    };
    // Step 1: where it goes (a user's DM is opened once and remembered).
    if (item.channel_id.empty()) {
      if (item.to_user) {
        if (!opened->ok()) return give_up(*opened);
        item.channel_id = opened->body["channel"]["id"];
      } else {
        item.channel_id = item.recipient;
      }
      db::outbox::record(db, item.id, item.status, item.channel_id, item.file_id, "");
    }
    auto doubt = [&](const std::string& why) {
      db::outbox::record(db, item.id, db::outbox::Status::in_doubt, item.channel_id, item.file_id, why);
      ++report.in_doubt;
      report.reasons.push_back(who + ": in doubt: " + why);
    };
    // Interrupted before its bytes were stored: nothing was shared (the share is only asked for
    // after the bytes), so it simply starts over; Slack discards the unfinished file.
    if (item.status == db::outbox::Status::uploading) item.file_id.clear();
    // Interrupted after its bytes were stored: the share may have gone out. Check, never guess.
    if (item.status == db::outbox::Status::uploaded && !item.file_id.empty()) {
      slack::Result info = client.call("files.info", {{"file", item.file_id}});
      const bool exists = info.ok() && info.body.contains("file") && info.body["file"].is_object();
      if (exists && slack::file_shared_in(info.body["file"], item.channel_id)) {
        db::outbox::record(db, item.id, db::outbox::Status::sent, item.channel_id, item.file_id, "");
        ++report.sent;
        return;
      }
      if (!exists && !(info.outcome == slack::Outcome::slack_error && info.error == "file_not_found"))
        return doubt("files.info could not say whether " + item.file_id + " was shared (" + info.describe() + ")");
      // Shown not shared, or no such file yet: share it now. Slack completes a file once, so
      // this cannot make a second share.
      nlohmann::json files = nlohmann::json::array({{{"id", item.file_id}, {"title", item.title}}});
      slack::Params p = {{"files", files.dump()}, {"channel_id", item.channel_id}};
      if (!item.comment.empty()) p.emplace_back("initial_comment", item.comment);
      slack::Result done_r = client.call("files.completeUploadExternal", p, slack::CallKind::write);
      if (done_r.ok()) {
        db::outbox::record(db, item.id, db::outbox::Status::sent, item.channel_id, item.file_id, "");
        ++report.sent;
        return;
      }
      if (done_r.outcome == slack::Outcome::slack_error && done_r.error == "file_not_found" && !exists) {
        item.file_id.clear();  // neither Slack's files nor its uploads know it: start over
      } else if (done_r.outcome == slack::Outcome::slack_error && done_r.error == "file_not_found") {
        // Completed before (a file completes once) yet not shown shared: Slack may still be
        // sharing it. Not resent.
        return doubt(item.file_id + " was completed before but files.info does not show it shared yet");
      } else if (done_r.outcome != slack::Outcome::slack_error) {
        // That answer was lost too: one more look before calling it in doubt.
        slack::Result again = client.call("files.info", {{"file", item.file_id}});
        if (again.ok() && again.body.contains("file") && slack::file_shared_in(again.body["file"], item.channel_id)) {
          db::outbox::record(db, item.id, db::outbox::Status::sent, item.channel_id, item.file_id, "");
          ++report.sent;
          return;
        }
        return doubt("sharing " + item.file_id + " again got no clear answer (" + done_r.describe() + ")");
      } else {
        return give_up(done_r);
      }
    }
    // The chart drawn from its spec, and kept before any of it goes out: a resumed delivery
    // sends these very bytes.
    if (item.bytes.empty()) {
      try {
        item.bytes = render::render(render::chart_from_json(nlohmann::json::parse(item.chart)));
      } catch (const std::exception& e) {
        db::outbox::record(db, item.id, db::outbox::Status::failed, item.channel_id, item.file_id,
                           std::string("cannot draw the chart: ") + e.what());
        ++report.failed;
        report.reasons.push_back(who + ": cannot draw the chart: " + e.what());
        return;
      }
      db::outbox::store_bytes(db, item.id, item.bytes);
    }
    // Steps 2-4: the 3-step upload, each step recorded as it happens.
    auto result = client.upload(
        {.filename = item.file_name,
         .bytes = item.bytes,
         .title = item.title,
         .alt_txt = item.alt_txt,
         .channel_id = item.channel_id,
         .initial_comment = item.comment},
        [&](const slack::UploadStep& step) {
          if (step.kind == slack::UploadStep::got_url) {
            item.status = db::outbox::Status::uploading;
            item.file_id = step.file_id;
            db::outbox::record(db, item.id, db::outbox::Status::uploading, item.channel_id, item.file_id, "");
          } else if (step.kind == slack::UploadStep::bytes_sent) {
            item.status = db::outbox::Status::uploaded;  // from here on the share may happen: never start over blindly
            db::outbox::record(db, item.id, db::outbox::Status::uploaded, item.channel_id, item.file_id, "");
          }
        });
    if (result.ok) {
      db::outbox::record(db, item.id, db::outbox::Status::sent, item.channel_id, result.file_id, "");
      ++report.sent;
    } else if (result.failed_step == "completeUploadExternal" && result.result.outcome != slack::Outcome::slack_error &&
               !(result.result.outcome == slack::Outcome::transport_error && !result.result.maybe_sent) &&
               result.result.http_status != 429) {
      // The share's answer was lost and files.info did not show it shared: in doubt.
      doubt("the answer to sharing " + result.file_id + " was lost (" + result.result.describe() +
            ") and files.info did not show it shared");
    } else {
      give_up(result.result);
    }
  };

  // In plan order, except that a DM whose channel is not open yet lets the next channel
  // delivery go first: uploads and DM opens then proceed side by side, each at its own budget.
  std::deque<size_t> dms, channels;
  for (size_t i : order) (items[i].to_user && items[i].channel_id.empty() ? dms : channels).push_back(i);
  while (!dms.empty() || !channels.empty()) {
    if (progress) progress("deliver", done, total);
    std::optional<slack::Result> opened;
    if (!dms.empty() && (opened = opener.ready(dms.front()))) {
      const size_t i = dms.front();
      dms.pop_front();
      send(items[i], std::move(opened));
    } else if (!channels.empty()) {
      const size_t i = channels.front();
      channels.pop_front();
      send(items[i], std::nullopt);
    } else {
      opener.wait();
      continue;
    }
    ++done;
  }
  if (progress) progress("deliver", done, total);
  return report;
}

void send_to_user(slack::Client& client, std::string_view user_id, const PlannedDelivery& d) {
  const std::string dm = client.open_dm(user_id);
  auto r = client.upload({.filename = d.file,
                          .bytes = render::render(d.chart),
                          .title = d.title,
                          .alt_txt = render::alt_text(d.chart),
                          .channel_id = dm,
                          .initial_comment = d.comment});
  if (!r.ok) throw slack::SlackError(r.result, std::string(user_id));
}

}  // namespace paxstats::reports
