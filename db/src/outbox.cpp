#include "paxstats/db/outbox.hpp"

#include <map>
#include <pqxx/pqxx>
#include <stdexcept>

#include "detail/database_impl.hpp"
#include "paxstats/db/sql.hpp"

namespace paxstats::db::outbox {

int plan(Database& db, const std::vector<Item>& items) {
  pqxx::work tx(db.impl().conn);
  int added = 0;
  for (const auto& i : items) {
    const pqxx::binarystring bytes(i.bytes);
    auto r = tx.exec_params(
        "INSERT INTO paxstats.deliveries (region, report, period, recipient, to_user, file_name, title, comment, "
        "alt_txt, bytes, chart, post, thread_of) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, nullif($10, ''::bytea), nullif($11, '')::jsonb, "
        "nullif($12, ''), nullif($13, '')) "
        "ON CONFLICT (region, report, period, recipient) DO NOTHING RETURNING id",
        i.region, i.report, i.period, i.recipient, i.to_user, i.file_name, i.title, i.comment, i.alt_txt, bytes,
        i.chart, i.post, i.thread_of);
    added += static_cast<int>(r.size());
  }
  tx.commit();
  return added;
}

// A status as the table stores it, read into the enum that names it (paxstats writes no other:
// anything else is a bug or a hand edit, not a status to guess).
Status status_of(std::string_view text) {
  static const std::map<std::string, Status, std::less<>> by_name = [] {
    std::map<std::string, Status, std::less<>> m;
    for (auto s : {Status::planned, Status::uploading, Status::uploaded, Status::sent, Status::skipped, Status::failed,
                   Status::in_doubt})
      m.emplace(nlohmann::json(s).get<std::string>(), s);
    return m;
  }();
  const auto it = by_name.find(text);
  if (it == by_name.end()) throw std::logic_error("a delivery with the unknown status \"" + std::string(text) + "\"");
  return it->second;
}

namespace {

std::vector<Item> items_with_status(Database& db, std::string_view region, const char* statuses) {
  pqxx::work tx(db.impl().conn);
  std::vector<Item> out;
  for (const auto& r : detail::exec_params(
           tx,
           "SELECT id, region, report, period, recipient, to_user, coalesce(file_name, ''), "
           "coalesce(title, ''), coalesce(comment, ''), coalesce(alt_txt, ''), bytes, status, "
           "coalesce(channel_id, ''), coalesce(file_id, ''), coalesce(error, ''), attempts, "
           "coalesce(chart::text, ''), coalesce(post, ''), coalesce(thread_of, ''), coalesce(message_ts, '') "
           "FROM paxstats.deliveries WHERE region = $1 AND status = ANY ($2::text[]) "
           "ORDER BY id",
           {std::string(region), std::string(statuses)})) {
    Item i;
    i.id = r[0].as<long>();
    i.region = r[1].c_str();
    i.report = r[2].c_str();
    i.period = r[3].c_str();
    i.recipient = r[4].c_str();
    i.to_user = r[5].as<bool>();
    i.file_name = r[6].c_str();
    i.title = r[7].c_str();
    i.comment = r[8].c_str();
    i.alt_txt = r[9].c_str();
    if (!r[10].is_null()) i.bytes = pqxx::binarystring(r[10]).str();
    i.status = status_of(r[11].c_str());
    i.channel_id = r[12].c_str();
    i.file_id = r[13].c_str();
    i.error = r[14].c_str();
    i.attempts = r[15].as<int>();
    i.chart = r[16].c_str();
    i.post = r[17].c_str();
    i.thread_of = r[18].c_str();
    i.message_ts = r[19].c_str();
    out.push_back(std::move(i));
  }
  return out;
}
}  // namespace

std::vector<Item> pending(Database& db, std::string_view region) {
  return items_with_status(db, region, "{planned,uploading,uploaded}");
}

std::vector<Item> in_doubt(Database& db, std::string_view region) {
  return items_with_status(db, region, "{in_doubt}");
}

int resend_in_doubt(Database& db, std::string_view region, const std::optional<std::string>& period) {
  return static_cast<int>(sql::query(db,
                                     "UPDATE paxstats.deliveries SET status = 'planned', file_id = NULL, error = NULL, "
                                     "updated_at = now() WHERE region = $1 AND status = 'in_doubt' "
                                     "AND ($2::text IS NULL OR period = $2) RETURNING id",
                                     {std::string(region), period})
                              .size());
}

void record(Database& db, long id, Status status, std::string_view channel_id, std::string_view file_id,
            std::string_view error) {
  auto opt = [](std::string_view s) {
    return s.empty() ? std::optional<std::string>() : std::optional<std::string>(s);
  };
  sql::query(
      db,
      "UPDATE paxstats.deliveries SET status = $2, channel_id = coalesce($3, channel_id), file_id = $4, error = $5, "
      "attempts = attempts + CASE WHEN $5::text IS NULL THEN 0 ELSE 1 END, updated_at = now(), "
      "sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END WHERE id = $1::bigint",
      {std::to_string(id), nlohmann::json(status).get<std::string>(), opt(channel_id), opt(file_id), opt(error)});
}

std::optional<Message> message(Database& db, std::string_view region, std::string_view period,
                               std::string_view recipient, std::string_view post) {
  // The least advanced status of the post's files: its message went only when all of them did.
  const auto rows = sql::query(
      db,
      "SELECT (array_agg(status ORDER BY array_position(ARRAY['planned','uploading','uploaded','in_doubt','failed',"
      "'skipped','sent'], status)))[1], (array_agg(channel_id ORDER BY id))[1], (array_agg(file_id ORDER BY id))[1], "
      "max(message_ts) FROM paxstats.deliveries WHERE region = $1 AND period = $2 AND recipient = $3 AND post = $4 "
      "HAVING count(*) > 0",
      {std::string(region), std::string(period), std::string(recipient), std::string(post)});
  if (rows.empty()) return std::nullopt;
  Message m;
  m.status = nlohmann::json(*rows[0][0]).get<Status>();
  m.channel_id = rows[0][1].value_or("");
  m.file_id = rows[0][2].value_or("");
  m.ts = rows[0][3].value_or("");
  return m;
}

void record_message_ts(Database& db, std::string_view region, std::string_view period, std::string_view recipient,
                       std::string_view post, std::string_view ts) {
  sql::query(db,
             "UPDATE paxstats.deliveries SET message_ts = $5, updated_at = now() WHERE region = $1 AND period = $2 "
             "AND recipient = $3 AND post = $4",
             {std::string(region), std::string(period), std::string(recipient), std::string(post), std::string(ts)});
}

void store_bytes(Database& db, long id, std::string_view bytes) {
  pqxx::work tx(db.impl().conn);
  tx.exec_params("UPDATE paxstats.deliveries SET bytes = $2, updated_at = now() WHERE id = $1", id,
                 pqxx::binarystring(bytes.data(), bytes.size()));
  tx.commit();
}

Counts counts(Database& db, std::string_view region, std::optional<std::string> period) {
  Counts c;
  for (const auto& r :
       sql::query(db,
                  "SELECT status, count(*) FROM paxstats.deliveries WHERE region = $1 AND ($2::text IS NULL OR "
                  "period = $2) GROUP BY status",
                  {std::string(region), period})) {
    const int n = std::stoi(*r[1]);
    switch (status_of(*r[0])) {
      case Status::planned: c.planned = n; break;
      case Status::uploading: c.uploading = n; break;
      case Status::uploaded: c.uploaded = n; break;
      case Status::in_doubt: c.in_doubt = n; break;
      case Status::sent: c.sent = n; break;
      case Status::skipped: c.skipped = n; break;
      case Status::failed: c.failed = n; break;
    }
  }
  return c;
}

bool try_lock(Database& db, std::string_view region) {
  return sql::value(db, "SELECT pg_try_advisory_lock(hashtext('paxstats.deliver:' || $1))", {std::string(region)}) ==
         "t";
}

void unlock(Database& db, std::string_view region) {
  sql::query(db, "SELECT pg_advisory_unlock(hashtext('paxstats.deliver:' || $1))", {std::string(region)});
}

Held::~Held() {
  try {
    unlock(db, region);
  } catch (...) {  // the connection is gone, and the lock with it
  }
}

}  // namespace paxstats::db::outbox
