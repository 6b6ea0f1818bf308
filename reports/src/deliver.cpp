#include "paxstats/reports/deliver.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
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
#include "send_unit.hpp"

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
    i.period = plan.period.name;
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
  // on_answer is called (on the opener's thread, holding none of its locks) after each answer.
  DmOpener(const slack::ClientOptions& options, std::vector<std::pair<size_t, std::string>> users,
           std::function<void()> on_answer)
      : users_(std::move(users)),
        on_answer_(std::move(on_answer)),
        thread_([this, options](std::stop_token stop) { run(stop, options); }) {}
  ~DmOpener() { thread_.request_stop(); }

  // The answer for item i, if it has come.
  std::optional<slack::Result> ready(size_t i) {
    std::lock_guard lock(mu_);
    auto it = done_.find(i);
    if (it == done_.end() && stopped_) throw slack::Stopped();  // the service stops: no answer will come
    if (it == done_.end()) return std::nullopt;
    return it->second;
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
        {
          std::lock_guard lock(mu_);
          stopped_ = true;
        }
        on_answer_();
        return;
      } catch (const std::exception& e) {
        r.method = "conversations.open";
        r.error = e.what();
      }
      {
        std::lock_guard lock(mu_);
        done_[i] = std::move(r);
      }
      on_answer_();
    }
  }

  std::vector<std::pair<size_t, std::string>> users_;
  std::function<void()> on_answer_;
  std::mutex mu_;
  std::map<size_t, slack::Result> done_;
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

int sending_threads(const DeliverOptions& options, size_t messages) {
  if (options.threads > 0) return options.threads;
  return messages < 100 ? 1 : messages < 300 ? 2 : 3;
}

}  // namespace

DeliverReport deliver(db::Database& db, std::string_view region, slack::Client& client, const Progress& progress,
                      const DeliverOptions& options) {
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
  std::mutex mu;  // guards what the sending threads share below
  std::condition_variable cv;
  DmOpener opener(client.sibling_options(), to_open, [&] {
    { std::lock_guard lock(mu); }  // a thread about to wait has either seen the answer or waits now
    cv.notify_all();
  });

  // Which message goes when. Each recipient's messages go one at a time in plan order (a thread's
  // first message before its replies, a channel's posts in the order they were planned); any
  // other two may go at once. A DM whose channel is not open yet lets the next message go first:
  // uploads and DM opens then proceed side by side, each at its own budget.
  std::deque<size_t> dms, channels;                   // units not started
  std::map<std::string, std::set<size_t>> remaining;  // recipient → its units not finished
  for (size_t u = 0; u < units.size(); ++u) {
    const auto& lead = items[units[u].front()];
    (lead.to_user && lead.channel_id.empty() ? dms : channels).push_back(u);
    remaining[lead.recipient].insert(u);
  }
  std::vector<DeliverReport> outcome(units.size());  // merged in plan order, however many threads
  std::exception_ptr failure;
  size_t done = 0;
  const size_t total = order.size();
  if (progress) progress("deliver", done, total);
  const auto first_due = [&](std::deque<size_t>& queue,
                             bool dm) -> std::optional<std::pair<size_t, std::optional<slack::Result>>> {
    for (auto at = queue.begin(); at != queue.end(); ++at) {
      const auto& lead = items[units[*at].front()];
      if (*remaining[lead.recipient].begin() != *at) continue;  // an earlier message of theirs goes first
      std::optional<slack::Result> opened;
      if (dm && !(opened = opener.ready(units[*at].front()))) return std::nullopt;  // opened in this order
      const size_t u = *at;
      queue.erase(at);
      return std::pair(u, std::move(opened));
    }
    return std::nullopt;
  };
  std::atomic<long> left{static_cast<long>(units.size())};
  auto work = [&](db::Database& on, slack::Client& with) {
    const detail::Sender via{.db = on, .client = with, .region = region, .draws = options.draws, .left = &left};
    std::unique_lock lock(mu);
    try {
      while (!failure && (!dms.empty() || !channels.empty())) {
        auto due = first_due(dms, true);
        if (!due) due = first_due(channels, false);
        if (!due) {
          cv.wait_for(lock, std::chrono::milliseconds(200));
          continue;
        }
        const auto& unit = units[due->first];
        lock.unlock();
        detail::send_unit(via, items, unit, std::move(due->second), outcome[due->first]);
        // Sent (or settled): its chart and PNG are the outbox's now. A run of 1,500 holds only the
        // ones still to go.
        for (size_t i : unit) {
          std::string().swap(items[i].bytes);
          std::string().swap(items[i].chart);
        }
        lock.lock();
        remaining[items[unit.front()].recipient].erase(due->first);
        done += unit.size();
        --left;
        if (progress) progress("deliver", done, total);
        cv.notify_all();
      }
    } catch (...) {  // the others finish the message they are on, and stop
      if (!lock.owns_lock()) lock.lock();
      if (!failure) failure = std::current_exception();
      cv.notify_all();
    }
  };
  {
    // Up to `threads` messages at once, each thread on its own connection and client: a region's
    // lanes keep Slack's pace, and its sends no longer queue behind one another's round trips on
    // a loaded machine. A connection the server refuses means one thread fewer, not a failed run.
    std::vector<std::unique_ptr<db::Database>> connections;
    std::vector<std::jthread> helpers;
    for (int t = 1; t < sending_threads(options, units.size()); ++t) {
      try {
        connections.push_back(std::make_unique<db::Database>(db.sibling()));
      } catch (const std::exception& e) {
        log::warn("deliver " + std::string(region) + ": one sending thread fewer: " + e.what());
        break;
      }
      helpers.emplace_back([&, on = connections.back().get()] {
        try {
          slack::Client with(client.sibling_options());
          work(*on, with);
        } catch (...) {
          std::lock_guard lock(mu);
          if (!failure) failure = std::current_exception();
          cv.notify_all();
        }
      });
    }
    work(db, client);
  }  // the helpers are joined before their connections close
  if (failure) std::rethrow_exception(failure);
  for (auto& o : outcome) {
    report.sent += o.sent;
    report.skipped += o.skipped;
    report.failed += o.failed;
    report.in_doubt += o.in_doubt;
    for (auto& why : o.reasons) report.reasons.push_back(std::move(why));
  }
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
