#include "paxstats/db/raw_store.hpp"

#include <pqxx/pqxx>

#include <ctime>
#include <set>
#include <tuple>

#include "detail/database_impl.hpp"
#include "detail/region_writer_impl.hpp"
#include "paxstats/error.hpp"
#include "paxstats/log.hpp"
#include "detail/region_schema.hpp"

namespace paxstats::db {
namespace {

using Field = std::optional<std::string>;

using detail::null_if_empty;

using detail::StepTimer;
using detail::text_array;

}  // namespace

RegionWriter::RegionWriter(Database& db, std::string_view region) : impl_(std::make_unique<Impl>(db)) {
  auto& tx = impl_->tx;
  if (detail::exec_params(tx, "SELECT 1 FROM paxstats.regions WHERE slug = $1", {std::string(region)}).empty())
    throw UserError("no region \"" + std::string(region) + "\". Create it first: paxstats region add " +
                    std::string(region) + " --name NAME --tz TZ");
  impl_->region = region;
  impl_->schema = quote_identifier(region);
  // Large imports sort and hash hundreds of thousands of rows; keep that in memory (index
  // builds of a bulk derive too).
  tx.exec("SET LOCAL work_mem = '64MB'");
  tx.exec("SET LOCAL maintenance_work_mem = '128MB'");
  tx.exec(
      "CREATE TEMP TABLE staging_messages (channel_id text, ts text, thread_ts text, user_id text, bot_id text, "
      "subtype text, text text, edited_ts text, deleted boolean, reply_count integer, raw jsonb, mentions text[], "
      "reaction_count integer, reaction_list text) ON COMMIT DROP");
  // raw is jsonb already in staging: the server parses it during COPY, while the client reads on.
  tx.exec("CREATE TEMP TABLE staging_reactions (channel_id text, ts text, emoji text, user_id text) ON COMMIT DROP");
  tx.exec(
      "CREATE TEMP TABLE staging_files (channel_id text, ts text, file_id text, name text, title text, mimetype text, "
      "filetype text, size bigint, url_private text, raw jsonb) ON COMMIT DROP");
  tx.exec("CREATE TEMP TABLE merged_now (channel_id text, ts text, PRIMARY KEY (channel_id, ts)) ON COMMIT DROP");
  tx.exec("CREATE TEMP TABLE derive_keys (channel_id text, ts text, PRIMARY KEY (channel_id, ts)) ON COMMIT DROP");
}

RegionWriter::~RegionWriter() {
  if (impl_ && impl_->stream) {
    try {
      impl_->stream->complete();
    } catch (...) {
    }
  }
}

void RegionWriter::upsert_users(const std::vector<UserRecord>& users) {
  impl_->close_stream();
  auto& tx = impl_->tx;
  tx.exec(
      "CREATE TEMP TABLE IF NOT EXISTS staging_users (user_id text, user_name text, real_name text, display_name text, "
      "email text, is_bot boolean, deleted boolean, tz text, updated bigint, raw text) ON COMMIT DROP");
  tx.exec("TRUNCATE staging_users");
  {
    pqxx::stream_to s(tx, "staging_users");
    for (const auto& u : users)
      s << std::make_tuple(u.id, u.user_name, null_if_empty(u.real_name), null_if_empty(u.display_name),
                           null_if_empty(u.email), u.is_bot, u.deleted, null_if_empty(u.tz), u.updated, u.raw);
    s.complete();
  }
  tx.exec("INSERT INTO " + impl_->t("users") +
          " AS u (user_id, user_name, real_name, display_name, email, is_bot, deleted, tz, updated, raw) "
          "SELECT DISTINCT ON (user_id) user_id, user_name, real_name, display_name, email, is_bot, deleted, tz, "
          "to_timestamp(updated), raw::jsonb FROM staging_users ORDER BY user_id, updated DESC NULLS LAST "
          "ON CONFLICT (user_id) DO UPDATE SET user_name = excluded.user_name, real_name = excluded.real_name, "
          "display_name = excluded.display_name, email = coalesce(excluded.email, u.email), is_bot = excluded.is_bot, "
          "deleted = excluded.deleted, tz = excluded.tz, updated = excluded.updated, raw = excluded.raw "
          "WHERE u.updated IS NULL OR excluded.updated IS NULL OR excluded.updated >= u.updated");
}

void RegionWriter::upsert_channels(const std::vector<ChannelRecord>& channels) {
  impl_->close_stream();
  auto& tx = impl_->tx;
  tx.exec(
      "CREATE TEMP TABLE IF NOT EXISTS staging_channels (channel_id text, name text, is_archived boolean, "
      "is_private boolean, created bigint, raw text) ON COMMIT DROP");
  tx.exec("TRUNCATE staging_channels");
  {
    pqxx::stream_to s(tx, "staging_channels");
    for (const auto& c : channels) s << std::make_tuple(c.id, c.name, c.is_archived, c.is_private, c.created, c.raw);
    s.complete();
  }
  tx.exec(
      "INSERT INTO " + impl_->t("channels") +
      " AS c (channel_id, name, is_archived, is_private, created, raw) "
      "SELECT DISTINCT ON (channel_id) channel_id, name, is_archived, is_private, to_timestamp(created), raw::jsonb "
      "FROM staging_channels ORDER BY channel_id "
      "ON CONFLICT (channel_id) DO UPDATE SET name = excluded.name, is_archived = excluded.is_archived, "
      "is_private = excluded.is_private, created = coalesce(excluded.created, c.created), raw = excluded.raw");
}

bool RegionWriter::region_is_empty() {
  impl_->close_stream();
  return impl_->tx.exec("SELECT 1 FROM " + impl_->t("messages") + " LIMIT 1").empty();
}

void RegionWriter::direct_mode() { impl_->direct = true; }

namespace {
// "1700000000.000100" as a timestamptz literal PostgreSQL reads: "@ 1700000000.000100" is not
// accepted by COPY, so write the UTC date and time.
std::string ts_timestamp(const std::string& ts) {
  const auto dot = ts.find('.');
  const long long secs = std::stoll(ts.substr(0, dot));
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return std::string(buf) + (dot == std::string::npos ? "" : ts.substr(dot, 7)) + "+00";
}
}  // namespace

namespace {
// After a large write the planner's statistics of the raw tables are stale (autovacuum gets
// there later): without them the community queries plan a quarter as a few rows. True when it
// analyzed: the messages are then vacuumed after the commit too, so that their pages are all
// visible and the community queries read the messages_facts index alone (migration 0010).
bool analyze_raw(pqxx::transaction_base& tx, const std::string& schema, const MergeStats& stats) {
  if (stats.inserted + stats.updated < 5000) return false;
  StepTimer step("merge: analyze");
  for (const char* table : {"messages", "reactions", "files"}) tx.exec("ANALYZE " + schema + "." + table);
  return true;
}
}  // namespace

void RegionWriter::stage_message(const MessageRecord& m) try {
  if (impl_->direct) {
    if (!impl_->stream)
      impl_->stream = std::make_unique<pqxx::stream_to>(
          impl_->tx, impl_->t("messages"),
          std::vector<std::string>{"channel_id", "ts", "thread_ts", "user_id", "bot_id", "subtype", "text", "edited_ts",
                                   "deleted", "reply_count", "posted_at", "raw", "source", "mentions", "reaction_count",
                                   "reaction_list"});
    *impl_->stream << std::make_tuple(
        m.channel_id, m.ts, null_if_empty(m.thread_ts), null_if_empty(m.user_id), null_if_empty(m.bot_id),
        null_if_empty(m.subtype), m.text, null_if_empty(m.edited_ts), m.deleted, m.reply_count, ts_timestamp(m.ts),
        m.raw, std::string("export"), detail::text_array(m.mentions), m.reaction_count, null_if_empty(m.reaction_list));
    for (const auto& [emoji, user] : m.reactions) impl_->reactions.emplace_back(m.channel_id, m.ts, emoji, user);
    for (const auto& f : m.files) impl_->files.push_back({{m.channel_id, m.ts}, f});
    ++impl_->staged;
    return;
  }
  if (!impl_->stream) impl_->stream = std::make_unique<pqxx::stream_to>(impl_->tx, "staging_messages");
  *impl_->stream << std::make_tuple(m.channel_id, m.ts, null_if_empty(m.thread_ts), null_if_empty(m.user_id),
                                    null_if_empty(m.bot_id), null_if_empty(m.subtype), m.text,
                                    null_if_empty(m.edited_ts), m.deleted, m.reply_count, m.raw,
                                    detail::text_array(m.mentions), m.reaction_count, null_if_empty(m.reaction_list));
  for (const auto& [emoji, user] : m.reactions) impl_->reactions.emplace_back(m.channel_id, m.ts, emoji, user);
  for (const auto& f : m.files) impl_->files.push_back({{m.channel_id, m.ts}, f});
  ++impl_->staged;
} catch (const pqxx::unique_violation&) {
  impl_->stream.reset();
  throw DuplicateMessage();
}

MergeStats RegionWriter::merge_messages(std::string_view source) {
  try {
    StepTimer step("merge: finish COPY");
    impl_->close_stream();
  } catch (const pqxx::unique_violation&) {  // direct mode: the primary key met a message twice
    impl_->stream.reset();
    throw DuplicateMessage();
  }
  auto& tx = impl_->tx;
  MergeStats stats;
  stats.staged = impl_->staged;
  impl_->staged = 0;
  if (impl_->direct) {  // already in place: only reactions and files remain to be written
    StepTimer step("direct: reactions and files");
    stats.inserted = stats.staged;
    {
      pqxx::stream_to s(tx, impl_->t("reactions"), std::vector<std::string>{"channel_id", "ts", "emoji", "user_id"});
      for (const auto& r2 : impl_->reactions) s << r2;
      s.complete();
    }
    {
      pqxx::stream_to s(tx, impl_->t("files"),
                        std::vector<std::string>{"channel_id", "ts", "file_id", "name", "title", "mimetype", "filetype",
                                                 "size", "url_private", "raw"});
      std::set<std::tuple<std::string, std::string, std::string>> seen;
      for (const auto& [key, f] : impl_->files)
        if (seen.emplace(key.first, key.second, f.file_id).second)
          s << std::make_tuple(key.first, key.second, f.file_id, null_if_empty(f.name), null_if_empty(f.title),
                               null_if_empty(f.mimetype), null_if_empty(f.filetype), f.size,
                               null_if_empty(f.url_private), f.raw);
      s.complete();
    }
    impl_->reactions.clear();
    impl_->files.clear();
    impl_->vacuum |= analyze_raw(tx, impl_->schema, stats);
    return stats;
  }
  tx.exec("TRUNCATE merged_now");
  std::optional<StepTimer> step(std::in_place, "merge: messages");
  // The same message twice in one import (overlapping day files) needs the newest picked; the
  // sort that does it is skipped when, as usual, there is no such pair.
  const bool duplicates =
      !tx.exec("SELECT 1 FROM staging_messages GROUP BY channel_id, ts HAVING count(*) > 1 LIMIT 1").empty();
  if (duplicates) {  // said in the import's summary, never dropped silently
    const auto d = tx.exec(
        "SELECT channel_id, ts, differ, count(*) OVER (), count(*) FILTER (WHERE differ) OVER () "
        "FROM (SELECT channel_id, ts, count(DISTINCT raw) > 1 AS differ FROM staging_messages "
        "      GROUP BY channel_id, ts HAVING count(*) > 1) d ORDER BY 3 DESC, 1, 2 LIMIT 3");
    for (const auto& row : d) {
      stats.duplicates = row[3].as<long>();
      stats.differing = row[4].as<long>();
      stats.duplicate_examples.push_back(row[0].as<std::string>() + "/" + row[1].as<std::string>() +
                                         (row[2].as<bool>() ? " (copies differ)" : ""));
    }
  }
  auto r = detail::exec_params(
      tx,
      std::string("WITH s AS (") +
          (duplicates ? "SELECT DISTINCT ON (channel_id, ts) * FROM staging_messages "
                        "ORDER BY channel_id, ts, deleted DESC, edited_ts DESC NULLS LAST, reply_count DESC"
                      : "SELECT * FROM staging_messages") +
          "), "
          "up AS (INSERT INTO " +
          impl_->t("messages") +
          " AS m (channel_id, ts, thread_ts, user_id, bot_id, subtype, text, edited_ts, deleted, reply_count, "
          "posted_at, raw, source, mentions, reaction_count, reaction_list) "
          "SELECT channel_id, ts, thread_ts, user_id, bot_id, subtype, text, edited_ts, deleted, reply_count, "
          "to_timestamp(ts::double precision), raw, $1, mentions, reaction_count, reaction_list FROM s "
          "ON CONFLICT (channel_id, ts) DO UPDATE SET thread_ts = excluded.thread_ts, user_id = excluded.user_id, "
          "bot_id = excluded.bot_id, subtype = excluded.subtype, text = excluded.text, edited_ts = excluded.edited_ts, "
          "deleted = excluded.deleted OR m.deleted, reply_count = excluded.reply_count, raw = excluded.raw, "
          "source = excluded.source, mentions = excluded.mentions, reaction_count = excluded.reaction_count, "
          "reaction_list = excluded.reaction_list, "
          "updated_at = now() "
          "WHERE coalesce(excluded.edited_ts, '') > coalesce(m.edited_ts, '') "
          "   OR (coalesce(excluded.edited_ts, '') = coalesce(m.edited_ts, '') AND excluded.raw <> m.raw) "
          "   OR (excluded.deleted AND NOT m.deleted) "
          "RETURNING m.channel_id, m.ts, (xmax = 0) AS inserted), "
          "k AS (INSERT INTO merged_now SELECT channel_id, ts FROM up) "
          "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up",
      {std::string(source)});
  step.emplace("merge: reactions and files");
  stats.inserted = r[0][0].as<long>();
  stats.updated = r[0][1].as<long>();
  tx.exec("TRUNCATE staging_messages");
  tx.exec("INSERT INTO derive_keys SELECT channel_id, ts FROM merged_now ON CONFLICT DO NOTHING");
  // Reactions and files of the changed messages: replaced by the staged ones.
  {
    pqxx::stream_to s(tx, "staging_reactions");
    for (const auto& r2 : impl_->reactions) s << r2;
    s.complete();
  }
  {
    pqxx::stream_to s(tx, "staging_files");
    for (const auto& [key, f] : impl_->files)
      s << std::make_tuple(key.first, key.second, f.file_id, null_if_empty(f.name), null_if_empty(f.title),
                           null_if_empty(f.mimetype), null_if_empty(f.filetype), f.size, null_if_empty(f.url_private),
                           f.raw);
    s.complete();
  }
  impl_->reactions.clear();
  impl_->files.clear();
  // Temporary tables get no automatic statistics; without them these joins plan badly.
  tx.exec("ANALYZE merged_now, staging_reactions, staging_files");
  tx.exec("DELETE FROM " + impl_->t("reactions") +
          " x USING merged_now k WHERE x.channel_id = k.channel_id AND x.ts = k.ts");
  tx.exec("INSERT INTO " + impl_->t("reactions") +
          " (channel_id, ts, emoji, user_id) "
          "SELECT DISTINCT r.channel_id, r.ts, r.emoji, r.user_id FROM staging_reactions r JOIN merged_now k USING "
          "(channel_id, ts)");
  tx.exec("DELETE FROM " + impl_->t("files") +
          " x USING merged_now k WHERE x.channel_id = k.channel_id AND x.ts = k.ts");
  tx.exec(
      "INSERT INTO " + impl_->t("files") +
      " (channel_id, ts, file_id, name, title, mimetype, filetype, size, url_private, raw) "
      "SELECT DISTINCT ON (f.channel_id, f.ts, f.file_id) f.channel_id, f.ts, f.file_id, f.name, f.title, f.mimetype, "
      "f.filetype, f.size, f.url_private, f.raw FROM staging_files f JOIN merged_now k USING (channel_id, ts)");
  tx.exec("TRUNCATE staging_reactions, staging_files");
  impl_->vacuum |= analyze_raw(tx, impl_->schema, stats);
  return stats;
}

std::vector<ChannelRecord> RegionWriter::channels() {
  impl_->close_stream();
  std::vector<ChannelRecord> out;
  for (const auto& row : impl_->tx.exec("SELECT channel_id, name, is_archived, is_private FROM " +
                                        impl_->t("channels") + " ORDER BY channel_id")) {
    ChannelRecord c;
    c.id = row[0].c_str();
    c.name = row[1].c_str();
    c.is_archived = row[2].as<bool>();
    c.is_private = row[3].as<bool>();
    out.push_back(std::move(c));
  }
  return out;
}

std::string RegionWriter::newest_ts(std::string_view channel_id) {
  impl_->close_stream();
  auto r = detail::exec_params(impl_->tx, "SELECT max(ts) FROM " + impl_->t("messages") + " WHERE channel_id = $1",
                               {std::string(channel_id)});
  return r[0][0].is_null() ? "" : r[0][0].c_str();
}

std::optional<std::pair<std::string, std::string>> RegionWriter::sync_checkpoint(std::string_view channel_id) {
  impl_->close_stream();
  auto r =
      detail::exec_params(impl_->tx, "SELECT oldest, latest FROM " + impl_->t("sync_state") + " WHERE channel_id = $1",
                          {std::string(channel_id)});
  if (r.empty()) return std::nullopt;
  return std::make_pair(std::string(r[0][0].c_str()), std::string(r[0][1].c_str()));
}

void RegionWriter::set_sync_checkpoint(std::string_view channel_id, std::string_view oldest, std::string_view latest) {
  impl_->close_stream();
  detail::exec_params(impl_->tx,
                      "INSERT INTO " + impl_->t("sync_state") +
                          " (channel_id, oldest, latest) VALUES ($1, $2, $3) "
                          "ON CONFLICT (channel_id) DO UPDATE SET oldest = excluded.oldest, latest = excluded.latest, "
                          "updated_at = now()",
                      {std::string(channel_id), std::string(oldest), std::string(latest)});
}

void RegionWriter::clear_sync_checkpoint(std::string_view channel_id) {
  impl_->close_stream();
  detail::exec_params(impl_->tx, "DELETE FROM " + impl_->t("sync_state") + " WHERE channel_id = $1",
                      {std::string(channel_id)});
}

void RegionWriter::commit() {
  impl_->close_stream();
  {
    StepTimer step("commit");
    impl_->tx.commit();
  }
  if (impl_->vacuum) {
    StepTimer step("vacuum messages");
    pqxx::nontransaction v(impl_->tx.conn());
    v.exec("VACUUM " + impl_->t("messages"));
  }
}

}  // namespace paxstats::db
