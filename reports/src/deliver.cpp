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
#include <tuple>

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
    i.comment = d.text();
    i.post = d.post;
    i.thread_of = d.thread_of;
    if (!d.is_chart()) {  // a file as it is (the Kotter CSV)
      i.bytes = d.attachment;
      return;
    }
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
  for (size_t i = 0; i < items.size(); ++i) {
    auto& item = items[i];
    if (item.to_user && item.status == db::outbox::Status::planned && opted_out.count(item.recipient)) {
      db::outbox::record(db, item.id, db::outbox::Status::skipped, item.channel_id, item.file_id, "opted out of DMs");
      ++report.skipped;
      report.reasons.push_back(item.report + " → " + item.recipient + ": opted out of DMs");
      continue;
    }
    order.push_back(i);
  }

  // The messages: the items of one post together (one message of several files), any other alone;
  // in plan order, so a thread's first message goes before its replies.
  std::vector<std::vector<size_t>> units;
  std::map<std::tuple<std::string, std::string, std::string>, size_t> unit_of;  // (period, recipient, post)
  for (size_t i : order) {
    const auto& it = items[i];
    if (it.post.empty()) {
      units.push_back({i});
      continue;
    }
    auto [at, fresh] = unit_of.emplace(std::tuple(it.period, it.recipient, it.post), units.size());
    if (fresh) units.emplace_back();
    units[at->second].push_back(i);
  }
  // A DM is opened once a message, ahead of the sender.
  std::vector<std::pair<size_t, std::string>> to_open;
  for (const auto& unit : units)
    if (items[unit.front()].to_user && items[unit.front()].channel_id.empty())
      to_open.emplace_back(unit.front(), items[unit.front()].recipient);
  DmOpener opener(client.sibling_options(), to_open);

  size_t done = 0;
  const size_t total = order.size();
  auto send = [&](const std::vector<size_t>& unit, std::optional<slack::Result> opened) {
    auto& lead = items[unit.front()];  // its comment is the message's text
    const std::string who = unit.size() == 1 ? lead.report + " → " + lead.recipient
                                             : lead.recipient + " (" + std::to_string(unit.size()) +
                                                   " files in one message: " + lead.report + ", …)";
    auto each = [&](const std::function<void(db::outbox::Item&)>& f) {
      for (size_t i : unit) f(items[i]);
    };
    auto give_up = [&](const slack::Result& r) {
      const auto d = slack::diagnose(r, lead.recipient);
      if (d.remedy == slack::Remedy::stop_workspace) throw slack::SlackError(r, lead.recipient);
      const bool skip = d.remedy == slack::Remedy::skip_recipient || d.remedy == slack::Remedy::invite_bot;
      const bool later = d.remedy == slack::Remedy::retry_later || d.remedy == slack::Remedy::outcome_unknown;
      each([&](db::outbox::Item& it) {
        db::outbox::record(db, it.id,
                           skip ? db::outbox::Status::skipped : (later ? it.status : db::outbox::Status::failed),
                           it.channel_id, it.file_id, d.message);
        (skip ? report.skipped : report.failed) += 1;
      });
      report.reasons.push_back(who + ": " + d.message);
    };
    auto doubt = [&](const std::string& why) {
      each([&](db::outbox::Item& it) {
        db::outbox::record(db, it.id, db::outbox::Status::in_doubt, it.channel_id, it.file_id, why);
        ++report.in_doubt;
      });
      report.reasons.push_back(who + ": in doubt: " + why);
    };
    auto sent = [&](const std::string& ts) {
      each([&](db::outbox::Item& it) {
        if (it.status == db::outbox::Status::failed) return;  // a chart that could not be drawn
        db::outbox::record(db, it.id, db::outbox::Status::sent, it.channel_id, it.file_id, "");
        ++report.sent;
      });
      if (!ts.empty() && !lead.post.empty())
        db::outbox::record_message_ts(db, region, lead.period, lead.recipient, lead.post, ts);
    };
    // Step 1: where it goes (a user's DM is opened once and remembered).
    if (lead.channel_id.empty()) {
      if (lead.to_user) {
        if (!opened->ok()) return give_up(*opened);
        lead.channel_id = opened->body["channel"]["id"];
      } else {
        lead.channel_id = lead.recipient;
      }
      db::outbox::record(db, lead.id, lead.status, lead.channel_id, lead.file_id, "");
    }
    each([&](db::outbox::Item& it) { it.channel_id = lead.channel_id; });
    // A reply goes in its thread: the first message's ts, from the outbox or from Slack.
    std::string thread_ts;
    if (!lead.thread_of.empty()) {
      const auto parent = db::outbox::message(db, region, lead.period, lead.recipient, lead.thread_of);
      if (!parent || parent->status == db::outbox::Status::skipped || parent->status == db::outbox::Status::failed) {
        each([&](db::outbox::Item& it) {
          db::outbox::record(db, it.id, db::outbox::Status::failed, it.channel_id, it.file_id,
                             "the message whose thread it replies in was not sent");
          ++report.failed;
        });
        report.reasons.push_back(who + ": the message whose thread it replies in was not sent");
        return;
      }
      if (parent->status != db::outbox::Status::sent) {  // in doubt, or still to send: it waits
        report.reasons.push_back(who + ": waits for the message whose thread it replies in");
        return;
      }
      thread_ts = parent->ts;
      // Sharing is asynchronous: Slack may take a moment to show the message.
      for (int look = 0; thread_ts.empty() && look < 5; ++look) {
        if (look) client.pause(std::chrono::milliseconds(500 << look));
        slack::Result info = client.call("files.info", {{"file", parent->file_id}});
        if (info.ok() && info.body.contains("file") && info.body["file"].is_object())
          thread_ts = slack::share_ts(info.body["file"], parent->channel_id);
      }
      if (thread_ts.empty()) {
        report.reasons.push_back(who + ": waits: Slack does not show the message whose thread it replies in yet");
        return;
      }
      db::outbox::record_message_ts(db, region, lead.period, lead.recipient, lead.thread_of, thread_ts);
    }
    // Interrupted before its bytes were stored: nothing was shared (the share is only asked for
    // after every file's bytes), so that file simply starts over; Slack discards the unfinished one.
    each([](db::outbox::Item& it) {
      if (it.status == db::outbox::Status::uploading) it.file_id.clear();
    });
    // Interrupted after the bytes were stored: the share may have gone out. Check, never guess.
    // The files of a message are shared together, so any one of them tells.
    bool checked_not_shared = false;  // files.info showed a stored file, not shared
    bool resumed = false;
    for (size_t i : unit) {
      const auto& it = items[i];
      if (it.status != db::outbox::Status::uploaded || it.file_id.empty()) continue;
      resumed = true;
      slack::Result info = client.call("files.info", {{"file", it.file_id}});
      const bool exists = info.ok() && info.body.contains("file") && info.body["file"].is_object();
      if (exists && slack::file_shared_in(info.body["file"], lead.channel_id))
        return sent(slack::share_ts(info.body["file"], lead.channel_id));
      if (!exists && !(info.outcome == slack::Outcome::slack_error && info.error == "file_not_found"))
        return doubt("files.info could not say whether " + it.file_id + " was shared (" + info.describe() + ")");
      checked_not_shared = exists;
      break;
    }
    // Shown not shared, or no such file yet: share it now. Slack completes a file once, so this
    // cannot make a second share. A stored file Slack no longer knows starts over, once.
    for (int round = 0; round < 2; ++round) {
      std::vector<slack::Client::SharedFile> files;
      for (size_t i : unit) {
        auto& it = items[i];
        if (it.status == db::outbox::Status::failed) continue;
        if (it.status != db::outbox::Status::uploaded || it.file_id.empty()) {
          // The chart drawn from its spec, and kept before any of it goes out: a resumed
          // delivery sends these very bytes.
          if (it.bytes.empty()) {
            try {
              it.bytes = render::render(render::chart_from_json(nlohmann::json::parse(it.chart)));
            } catch (const std::exception& e) {
              it.status = db::outbox::Status::failed;
              db::outbox::record(db, it.id, it.status, it.channel_id, it.file_id,
                                 std::string("cannot draw the chart: ") + e.what());
              ++report.failed;
              report.reasons.push_back(it.report + " → " + it.recipient + ": cannot draw the chart: " + e.what());
              continue;
            }
            db::outbox::store_bytes(db, it.id, it.bytes);
          }
          // Steps 2 and 3 of the upload, each recorded as it happens.
          auto stored =
              client.store({.filename = it.file_name, .bytes = it.bytes, .title = it.title, .alt_txt = it.alt_txt},
                           [&](const slack::UploadStep& step) {
                             it.file_id = step.file_id;
                             it.status = step.kind == slack::UploadStep::got_url
                                             ? db::outbox::Status::uploading
                                             : db::outbox::Status::uploaded;  // the share may follow
                             db::outbox::record(db, it.id, it.status, it.channel_id, it.file_id, "");
                           });
          if (!stored.ok) return give_up(stored.result);
        }
        files.push_back({it.file_id, it.title.empty() ? it.file_name : it.title});
      }
      if (files.empty()) return;  // not one chart could be drawn
      // Step 4: one message with every file.
      slack::Result r = client.share(files, lead.channel_id, lead.comment, thread_ts);
      if (r.ok()) {
        std::string ts;
        if (r.body.contains("file") && r.body["file"].is_object())  // settled by files.info
          ts = slack::share_ts(r.body["file"], lead.channel_id);
        else if (r.body.contains("files") && r.body["files"].is_array() && !r.body["files"].empty())
          ts = slack::share_ts(r.body["files"][0], lead.channel_id);
        return sent(ts);
      }
      if (r.outcome == slack::Outcome::slack_error && r.error == "file_not_found" && resumed && !checked_not_shared &&
          round == 0) {
        // Neither Slack's files nor its uploads know them: start over.
        each([](db::outbox::Item& it) {
          if (it.status == db::outbox::Status::failed) return;
          it.status = db::outbox::Status::planned;
          it.file_id.clear();
        });
        continue;
      }
      if (r.outcome == slack::Outcome::slack_error && r.error == "file_not_found" && checked_not_shared)
        // Completed before (a file completes once) yet not shown shared: Slack may still be
        // sharing it. Not resent.
        return doubt(files.front().id + " was completed before but files.info does not show it shared yet");
      if (r.outcome != slack::Outcome::slack_error &&
          !(r.outcome == slack::Outcome::transport_error && !r.maybe_sent) && r.http_status != 429)
        // The share's answer was lost and files.info did not show it shared: in doubt.
        return doubt("the answer to sharing " + files.front().id + " was lost (" + r.describe() +
                     ") and files.info did not show it shared");
      return give_up(r);
    }
  };

  // In plan order, except that a DM whose channel is not open yet lets the next channel
  // message go first: uploads and DM opens then proceed side by side, each at its own budget.
  std::deque<size_t> dms, channels;  // units
  for (size_t u = 0; u < units.size(); ++u) {
    const auto& lead = items[units[u].front()];
    (lead.to_user && lead.channel_id.empty() ? dms : channels).push_back(u);
  }
  while (!dms.empty() || !channels.empty()) {
    if (progress) progress("deliver", done, total);
    std::optional<slack::Result> opened;
    size_t u;
    if (!dms.empty() && (opened = opener.ready(units[dms.front()].front()))) {
      u = dms.front();
      dms.pop_front();
    } else if (!channels.empty()) {
      u = channels.front();
      channels.pop_front();
    } else {
      opener.wait();
      continue;
    }
    send(units[u], std::move(opened));
    done += units[u].size();
    // Sent (or settled): its chart and PNG are the outbox's now. A run of 1,500 holds only the
    // ones still to go.
    for (size_t i : units[u]) {
      std::string().swap(items[i].bytes);
      std::string().swap(items[i].chart);
    }
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
