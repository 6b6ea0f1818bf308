#include "send_unit.hpp"

#include <functional>

#include "paxstats/error.hpp"
#include "paxstats/render/render.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/files.hpp"
#include "paxstats/slack/text.hpp"

namespace paxstats::reports::detail {

void send_unit(const Sender& via, std::vector<db::outbox::Item>& items, const std::vector<size_t>& unit,
               std::optional<slack::Result> opened, DeliverReport& report) {
  auto& db = via.db;
  auto& client = via.client;
  const std::string_view region = via.region;
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
            const auto chart = render::chart_from_json(nlohmann::json::parse(it.chart));
            const auto draw = [&] { return render::render(chart); };
            it.bytes = via.draws ? via.draws->draw(via.left ? via.left->load() : 0, draw) : draw();
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
    if (r.outcome != slack::Outcome::slack_error && !(r.outcome == slack::Outcome::transport_error && !r.maybe_sent) &&
        r.http_status != 429)
      // The share's answer was lost and files.info did not show it shared: in doubt.
      return doubt("the answer to sharing " + files.front().id + " was lost (" + r.describe() +
                   ") and files.info did not show it shared");
    return give_up(r);
  }
}

}  // namespace paxstats::reports::detail
