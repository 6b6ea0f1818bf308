#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"

// The delivery outbox (paxstats.deliveries): what a report run will send, one row per (region,
// report, period, recipient), and each step of sending it.
namespace paxstats::db::outbox {

// A delivery's status: planned → uploading (Slack gave a file id) → uploaded (the bytes are
// stored; the share may be under way) → sent; or skipped (recipient gone), failed, or in_doubt
// (the share's outcome is unknown and could not be checked: a person decides).
enum class Status { planned, uploading, uploaded, sent, skipped, failed, in_doubt };
NLOHMANN_JSON_SERIALIZE_ENUM(Status, {{Status::planned, "planned"},
                                      {Status::uploading, "uploading"},
                                      {Status::uploaded, "uploaded"},
                                      {Status::sent, "sent"},
                                      {Status::skipped, "skipped"},
                                      {Status::failed, "failed"},
                                      {Status::in_doubt, "in_doubt"}})
// A status as the table stores it ("in_doubt"), strictly: logic_error for a text no status has.
Status status_of(std::string_view text);

struct Item {
  long id = 0;
  std::string region, report, period, recipient;
  bool to_user = false;
  std::string file_name, title, comment, alt_txt;
  // What is sent: the PNG, or (empty bytes) the chart's spec (render/README.md's JSON), drawn
  // when it is sent and then stored with store_bytes.
  std::string bytes, chart;
  Status status = Status::planned;
  std::string channel_id, file_id, error;
  int attempts = 0;
  // One message of several files: the items of one (region, period, recipient, post) go as one
  // message, its text the first one's comment; thread_of names the post it replies under;
  // message_ts is the message's ts once known. Empty post: a message of its own.
  std::string post, thread_of, message_ts;
};

// Adds items not planned before (the key decides); returns how many were new.
int plan(Database& db, const std::vector<Item>& items);

// Items of a region still to send (planned or half-sent), oldest first. Deliveries in doubt
// are not among them: they wait for a person (resend_in_doubt).
std::vector<Item> pending(Database& db, std::string_view region);

// Deliveries whose share may or may not have gone out (the answer was lost and files.info could
// not tell), oldest first. Never sent again on their own.
std::vector<Item> in_doubt(Database& db, std::string_view region);

// A person has looked: the region's deliveries in doubt — of one period ("2026-10") when it is
// given — are planned again from scratch (a new upload). Returns how many.
int resend_in_doubt(Database& db, std::string_view region, const std::optional<std::string>& period = std::nullopt);

// Records a step: the DM channel, the Slack file id, the status and the error (empty clears).
void record(Database& db, long id, Status status, std::string_view channel_id, std::string_view file_id,
            std::string_view error);

// A post's message as the outbox knows it: its status (the least advanced of its items, so
// "sent" only when every file went), the channel, its first file and the message's ts (empty
// until known). nullopt: no such post.
struct Message {
  Status status = Status::planned;
  std::string channel_id, file_id, ts;
};
std::optional<Message> message(Database& db, std::string_view region, std::string_view period,
                               std::string_view recipient, std::string_view post);
// Remembers a post's message ts on each of its items.
void record_message_ts(Database& db, std::string_view region, std::string_view period, std::string_view recipient,
                       std::string_view post, std::string_view ts);

// The PNG drawn from a delivery's chart, kept before any of it is sent: a resumed or resent
// delivery sends these bytes.
void store_bytes(Database& db, long id, std::string_view bytes);

// How many deliveries are in each status.
struct Counts {
  int planned = 0, uploading = 0, uploaded = 0, sent = 0, skipped = 0, failed = 0, in_doubt = 0;
  int pending() const { return planned + uploading + uploaded; }
};
Counts counts(Database& db, std::string_view region, std::optional<std::string> period = std::nullopt);

// One sender per region: true when this connection now holds the region's delivery lock
// (also released when the connection closes, so a killed sender never leaves it held).
bool try_lock(Database& db, std::string_view region);
// Gives one hold of the lock back (a session may hold it more than once; each try_lock that
// succeeded needs one unlock).
void unlock(Database& db, std::string_view region);

// Gives back, when it goes out of scope, the hold a successful try_lock took.
struct Held {
  Database& db;
  std::string region;
  Held(Database& d, std::string_view r) : db(d), region(r) {}
  ~Held();
  Held(const Held&) = delete;
  Held& operator=(const Held&) = delete;
};

}  // namespace paxstats::db::outbox
