// The dataset export counts member_activity, channel_activity and the interaction network in one
// pass over every message (db/src/community_tally.cpp). Its files must be what the region's SQL
// functions of the same names say, written as the export wrote them when it ran those functions:
// this test makes that reference from SQL and compares the files byte for byte, on the three real
// exports, a generated community, and messages made to sit on every edge of the rules, for the
// whole history and for windows that cut threads in two.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "paxstats/csv.hpp"
#include "paxstats/db/community.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/export/dataset_export.hpp"
#include "paxstats/export/tables.hpp"
#include "paxstats/export/tally.hpp"
#include "postgres_env.hpp"

using namespace paxstats;
namespace fs = std::filesystem;

namespace {

const fs::path kTestdata = fs::path(PAXSTATS_SOURCE_DIR) / ".." / "shared" / "testdata" / "slack-exports";
constexpr const char* kZone = "America/Chicago";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Rows as the export's CSV writer writes them: a header, fields quoted only when they must be,
// NULL as nothing.
std::string csv(const std::string& header, const std::vector<db::Row>& rows) {
  std::string out = header + "\n";
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) out += ',';
      if (row[c]) append_csv_field(out, *row[c]);
    }
    out += '\n';
  }
  return out;
}

// Rows as PostgreSQL's COPY … (FORMAT csv, HEADER) writes them: an empty string quoted (NULL is
// nothing), and any field with a comma, a quote or a line break.
std::string copy_csv(const std::string& header, const std::vector<db::Row>& rows) {
  std::string out = header + "\n";
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) out += ',';
      if (!row[c]) continue;
      const std::string v = formula_like(*row[c]) ? "'" + *row[c] : *row[c];
      if (v.empty() || v.find_first_of(",\"\r\n") != std::string::npos)
        out += '"' + std::regex_replace(v, std::regex("\""), "\"\"") + '"';
      else
        out += v;
    }
    out += '\n';
  }
  return out;
}

// The first line where two texts differ, for a readable failure.
std::string first_difference(const std::string& got, const std::string& want) {
  std::stringstream a(got), b(want);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la)), more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) return "the same";
    if (la != lb || more_a != more_b)
      return "line " + std::to_string(line) + ":\n  export: " + (more_a ? la : "(end)") +
             "\n  SQL:    " + (more_b ? lb : "(end)");
  }
}

class ExportTally : public ::testing::Test {
 protected:
  void SetUp() override {
    db::add_region(conn, "hdv", "Houston Data Vis", kZone);
    db::sql::autocommit(conn, "SET TimeZone = 'America/Chicago'");
    db::sql::autocommit(conn, "SET search_path = hdv, pg_catalog");
  }
  long count(const std::string& sql) { return std::stol(db::sql::value(conn, sql).value_or("0")); }

  // Exports the window, and expects its counted files (and the reactions, which the tally writes
  // for a window without ends) to be the SQL functions' rows. Returns the export's folder.
  void expect_export_is_sql(const db::community::Window& w) {
    SCOPED_TRACE("window " + (w.since.empty() ? std::string("-") : w.since) + " to " +
                 (w.until.empty() ? std::string("-") : w.until));
    test::TempDir out;
    dataset::DatasetExportOptions o;
    o.out = out.path();
    o.window = w;
    o.today = "2026-12-01";
    dataset::export_dataset(conn, "hdv", o);
    const db::Params params = {w.since.empty() ? "-infinity" : w.since, w.until.empty() ? "infinity" : w.until,
                               std::string(kZone)};
    // The window's ends read as the export reads them (dates are local midnights), and the
    // functions' bodies find the region's views: this session's zone and path (SetUp).
    auto rows_of = [&](const std::string& sql) {
      const size_t n = sql.find("$3") != std::string::npos ? 3 : sql.find("$1") != std::string::npos ? 2 : 0;
      return db::sql::query(conn, sql, db::Params(params.begin(), params.begin() + static_cast<long>(n)));
    };
    const std::string since = "$1::timestamptz", until = "$2::timestamptz";
    const auto members = rows_of(
        ("SELECT user_id, user_name, messages, replies, threads_started, reactions_received, reactions_given, files, "
         "mentions_given, mentions_received, active_days, active_weeks, "
         "to_char(to_timestamp(split_part(first_ts, '.', 1)::bigint) AT TIME ZONE 'UTC', "
         "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
         "to_char(to_timestamp(split_part(last_ts, '.', 1)::bigint) AT TIME ZONE 'UTC', "
         "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM "
         "hdv.member_activity($3, " +
         since + ", " + until + ") ORDER BY messages DESC, user_id COLLATE \"C\""));
    const auto channels =
        rows_of(("SELECT channel_id, name, messages, active_members, threads, answered_threads, "
                 "round(median_first_reply_s::numeric, 1), round(p90_first_reply_s::numeric, 1), reactions FROM "
                 "hdv.channel_activity(" +
                 since + ", " + until + ") ORDER BY messages DESC, name COLLATE \"C\", channel_id COLLATE \"C\""));
    const auto edges =
        rows_of(("SELECT source, target, weight, 'Directed', kind FROM hdv.interaction_edges(" + since + ", " + until +
                 ") ORDER BY source COLLATE \"C\", target COLLATE \"C\", kind COLLATE \"C\""));
    const auto nodes =
        rows_of(("WITH e AS (SELECT source, target FROM hdv.interaction_edges(" + since + ", " + until +
                 ")), posted AS (SELECT mm.user_id, coalesce(max(u.user_name), mm.user_id) AS label, count(*) AS n "
                 "FROM hdv.member_messages mm LEFT JOIN hdv.users u USING (user_id) WHERE mm.posted_at >= " +
                 since + " AND mm.posted_at < " + until +
                 " GROUP BY 1), named AS (SELECT source AS id FROM e UNION SELECT target FROM e) "
                 "SELECT id, label, n FROM (SELECT user_id AS id, label, n FROM posted UNION ALL "
                 "SELECT n.id, coalesce(u.user_name, n.id), 0 FROM named n LEFT JOIN hdv.users u ON u.user_id = n.id "
                 "WHERE n.id NOT IN (SELECT user_id FROM posted)) x ORDER BY id COLLATE \"C\""));
    const std::string got_members = slurp(out.path() / "member_activity.csv");
    const std::string want_members =
        csv("user_id,user_name,messages,replies,threads_started,reactions_received,reactions_given,files,"
            "mentions_given,mentions_received,active_days,active_weeks,first_ts,last_ts",
            members);
    EXPECT_EQ(got_members, want_members) << first_difference(got_members, want_members);
    const std::string got_channels = slurp(out.path() / "channel_activity.csv");
    const std::string want_channels =
        csv("channel_id,name,messages,active_members,threads,answered_threads,median_first_reply_s,p90_first_reply_s,"
            "reactions",
            channels);
    EXPECT_EQ(got_channels, want_channels) << first_difference(got_channels, want_channels);
    const std::string got_edges = slurp(out.path() / "edges.csv");
    const std::string want_edges = csv("Source,Target,Weight,Type,Kind", edges);
    EXPECT_EQ(got_edges, want_edges) << first_difference(got_edges, want_edges);
    const std::string got_nodes = slurp(out.path() / "nodes.csv");
    const std::string want_nodes = csv("Id,Label,Messages", nodes);
    EXPECT_EQ(got_nodes, want_nodes) << first_difference(got_nodes, want_nodes);
    // The raw tables, as COPY wrote them when the server wrote their CSV (times by to_char).
    const std::string in_window = "m.posted_at >= " + since + " AND m.posted_at < " + until;
    const std::vector<std::pair<std::string, std::string>> raw = {
        {"reactions.csv",
         "SELECT r.channel_id, r.ts, r.emoji, r.user_id FROM hdv.reactions r JOIN hdv.messages m USING (channel_id, "
         "ts) WHERE " +
             in_window +
             " ORDER BY r.channel_id COLLATE \"C\", r.ts COLLATE \"C\", r.emoji COLLATE \"C\", r.user_id COLLATE "
             "\"C\""},
        {"messages.csv",
         "SELECT m.channel_id, m.ts, to_char(m.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
         "m.thread_ts, m.user_id, m.bot_id, m.subtype, m.text, m.reply_count, m.edited_ts, "
         "CASE WHEN m.deleted THEN 'true' ELSE 'false' END, hdv.slack_reaction_list(m.raw), m.source FROM hdv.messages "
         "m "
         "WHERE " +
             in_window + " ORDER BY m.channel_id COLLATE \"C\", m.ts COLLATE \"C\""},
        {"users.csv",
         "SELECT user_id, user_name, real_name, display_name, CASE WHEN is_bot THEN 'true' ELSE 'false' END, "
         "CASE WHEN deleted THEN 'true' ELSE 'false' END, tz FROM hdv.users ORDER BY user_id COLLATE \"C\""},
        {"channels.csv",
         "SELECT channel_id, name, CASE WHEN is_private THEN 'true' ELSE 'false' END, "
         "CASE WHEN is_archived THEN 'true' ELSE 'false' END, to_char(created AT TIME ZONE 'UTC', "
         "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM hdv.channels ORDER BY channel_id COLLATE \"C\""},
        {"files.csv",
         "SELECT f.channel_id, f.ts, f.file_id, f.name, f.title, f.mimetype, f.filetype, f.size FROM hdv.files f "
         "JOIN hdv.messages m USING (channel_id, ts) WHERE " +
             in_window + " ORDER BY f.channel_id COLLATE \"C\", f.ts COLLATE \"C\", f.file_id COLLATE \"C\""}};
    for (const auto& [file, sql] : raw) {
      const std::string got = slurp(out.path() / file);
      const std::string header = got.substr(0, got.find('\n'));
      const std::string want = copy_csv(header, rows_of(sql));
      EXPECT_EQ(got, want) << file << ": " << first_difference(got, want);
    }
    // A reader alone (no second reader for the reactions: it reads them after the messages)
    // counts the same.
    db::community::DatasetReader alone(conn, "hdv", kZone, w);
    const auto tally = dataset::count_window(alone);
    for (const auto table : {db::community::ExportTable::member_activity, db::community::ExportTable::edges}) {
      std::string bytes;
      dataset::write_counted_table(tally, table, db::community::ExportFormat::csv,
                                   [&](std::string_view b) { bytes += b; });
      const std::string file = std::string(db::community::table_name(table)) + ".csv";
      EXPECT_EQ(bytes, slurp(out.path() / file)) << file << " from one reader";
    }
    // Something was counted.
    EXPECT_GT(members.size(), 0u);
  }

  db::Database conn{test::PostgresEnvironment::get().fresh_database_url()};
};

class RealExportTally : public ExportTally, public ::testing::WithParamInterface<const char*> {};

}  // namespace

TEST_P(RealExportTally, TheExportCountsAsTheSqlFunctions) {
  const fs::path p = kTestdata / GetParam();
  if (!fs::exists(p)) GTEST_SKIP() << p << " is absent";
  mining::import_export(conn, "hdv", p);
  ASSERT_GT(count("SELECT count(*) FROM hdv.member_messages"), 0);
  expect_export_is_sql({});
  // Half of the history, from an instant in the middle of it.
  const auto middle = *db::sql::value(
      conn,
      "SELECT to_char(to_timestamp(percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM posted_at))) "
      "AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM hdv.messages");
  expect_export_is_sql({middle, ""});
  expect_export_is_sql({"", middle});
}

INSTANTIATE_TEST_SUITE_P(Testdata, RealExportTally,
                         ::testing::Values("houstondatavis", "hfaran-testarchive.zip", "slackdump-source-export.zip"));

// The generator's community: threads, replies, reactions, mentions, bots, joins, members who go
// quiet; whole, a month (local dates), and a window whose ends cut days and threads.
TEST_F(ExportTally, AGeneratedCommunityCountsAsTheSqlFunctions) {
  test::TempDir dir;
  mining::CommunityOptions co;
  co.members = 120;
  co.months = 3;
  co.seed = 5;
  co.tz = kZone;
  mining::generate_community(co, dir.path());
  mining::import_export(conn, "hdv", dir.path());
  ASSERT_GT(count("SELECT count(*) FROM hdv.member_messages WHERE is_reply"), 100);
  ASSERT_GT(count("SELECT count(*) FROM hdv.reactions"), 100);
  expect_export_is_sql({});
  expect_export_is_sql({"2026-09-01", "2026-10-01"});
  expect_export_is_sql({"2026-09-10T17:31:07Z", "2026-10-03T04:00:00Z"});
}

// Messages made for the edges of the rules, written straight into the store.
TEST_F(ExportTally, MessagesOnTheEdgesOfTheRulesCountAsTheSqlFunctions) {
  db::sql::query(conn,
                 "INSERT INTO hdv.users (user_id, user_name, is_bot, deleted) VALUES "
                 "('UA', 'ann', false, false), ('UB', 'bob', false, false), ('UC', 'cat', false, true), "
                 "('UBOT', 'robot', true, false), ('USLACKBOT', 'slackbot', false, false), "
                 "('UE', '', false, false)");
  db::sql::query(conn,
                 "INSERT INTO hdv.channels (channel_id, name) VALUES ('C1', 'one'), ('C2', 'two, \"quoted\"'), "
                 "('C3', 'one'), ('C5', 'five'), ('C6', 'six')");
  // (channel, ts, thread_ts, user, bot_id, subtype, reply_count, mentions)
  const char* const messages[][8] = {
      // A thread in C1 by ann: replies by bob (twice, the same second: the first reply is the
      // smaller ts), by ann herself, by a bot, a deleted one; one reply is older than its parent.
      {"C1", "1700000000.000100", nullptr, "UA", nullptr, nullptr, "0", "{UB,UA,UBOT,USLACKBOT,UX}"},
      {"C1", "1700000300.000200", "1700000000.000100", "UB", nullptr, nullptr, "0", "{UA}"},
      {"C1", "1700000300.000150", "1700000000.000100", "UB", nullptr, "thread_broadcast", "0", "{}"},
      {"C1", "1700000400.000100", "1700000000.000100", "UA", nullptr, nullptr, "0", "{}"},
      {"C1", "1700000500.000100", "1700000000.000100", "UBOT", nullptr, nullptr, "0", "{}"},
      {"C1", "1700000600.000100", "1700000000.000100", "UC", nullptr, "tombstone", "0", "{}"},
      {"C1", "1699999000.000100", "1700000000.000100", "UX", nullptr, nullptr, "0", "{UA,UA}"},
      // A parent whose only reply is a bot's message (answered by a stored reply, no first reply).
      {"C1", "1700086400.000100", nullptr, "UB", nullptr, nullptr, "0", "{}"},
      {"C1", "1700086500.000100", "1700086400.000100", "UB", "B1", "bot_message", "0", "{}"},
      // Slack says it has replies, none stored.
      {"C2", "1700172800.000100", nullptr, "UC", nullptr, "file_share", "3", "{UA}"},
      // A thread started by a bot: replies to it are no reply edges.
      {"C2", "1700172900.000100", nullptr, "UBOT", nullptr, nullptr, "0", "{}"},
      {"C2", "1700173000.000100", "1700172900.000100", "UA", nullptr, nullptr, "0", "{}"},
      // A reply whose parent is not stored; an empty thread_ts; a join; a /me; someone without
      // a users row; a channel without a channels row.
      {"C2", "1700259200.000100", "1600000000.000100", "UA", nullptr, nullptr, "0", "{}"},
      {"C2", "1700259300.000100", "", "UB", nullptr, nullptr, "0", "{}"},
      {"C2", "1700259400.000100", nullptr, "UB", nullptr, "channel_join", "0", "{}"},
      {"C2", "1700259500.000100", nullptr, "UE", nullptr, "me_message", "0", "{UB}"},
      {"C4", "1700345600.000100", nullptr, "UX", nullptr, nullptr, "0", "{UA}"},
      {"C4", "1700345700.000100", "1700345600.000100", "UA", nullptr, nullptr, "0", "{}"},
      // A thread whose one reply was posted before it (a clock gone wrong): a window that
      // begins between the two holds the parent, and the reply answers it for channel_activity
      // (any stored reply) but not for member_activity (stored replies from the window's start).
      {"C2", "1700600000.000100", nullptr, "UB", nullptr, nullptr, "0", "{}"},
      {"C2", "1700500000.000100", "1700600000.000100", "UA", nullptr, nullptr, "0", "{}"},
      // First replies a quarter second after (C5), and one and one and a half seconds after
      // (C6): medians that round half away from zero as numeric does (0.3, 1.3), not to even.
      {"C5", "1700700000.000000", nullptr, "UA", nullptr, nullptr, "1", "{}"},
      {"C5", "1700700000.250000", "1700700000.000000", "UB", nullptr, nullptr, "0", "{}"},
      {"C6", "1700700100.000000", nullptr, "UA", nullptr, nullptr, "1", "{}"},
      {"C6", "1700700101.000000", "1700700100.000000", "UB", nullptr, nullptr, "0", "{}"},
      {"C6", "1700700200.000000", nullptr, "UA", nullptr, nullptr, "1", "{}"},
      {"C6", "1700700201.500000", "1700700200.000000", "UB", nullptr, nullptr, "0", "{}"},
      // Late-night messages (local dates and weeks: a Sunday, then Monday in Chicago).
      {"C3", "1700978400.000100", nullptr, "UA", nullptr, nullptr, "0", "{}"},
      {"C3", "1701000000.000100", nullptr, "UA", nullptr, nullptr, "0", "{}"},
      {"C3", "1701061200.000100", "1700978400.000100", "UB", nullptr, nullptr, "0", "{}"},
  };
  for (const auto& m : messages) {
    std::vector<std::optional<std::string>> p;
    for (const char* v : m) p.push_back(v ? std::optional<std::string>(v) : std::nullopt);
    db::sql::query(
        conn,
        "INSERT INTO hdv.messages (channel_id, ts, thread_ts, user_id, bot_id, subtype, reply_count, "
        "mentions, deleted, text, posted_at, raw, source) VALUES ($1, $2::text, $3, $4, $5, $6::text, $7::int, "
        "$8::text[], coalesce($6::text = 'tombstone', false), 'x', to_timestamp($2::text::float8), '{}', "
        "'api')",
        p);
  }
  // Texts CSV must quote (and one it must quote though it is empty), a message from before 2000
  // (its time's fraction is cut, not rounded), reactions kept as Slack listed them.
  db::sql::query(conn,
                 "UPDATE hdv.messages SET text = CASE ts WHEN '1700000000.000100' THEN 'a, \"b\"' "
                 "WHEN '1700000300.000200' THEN E'line\\nbreak\\r' WHEN '1700086400.000100' THEN '' "
                 "ELSE text END, edited_ts = CASE WHEN ts = '1700000400.000100' THEN '1700000401.000000' END, "
                 "raw = CASE ts WHEN '1700000000.000100' THEN "
                 "'{\"reactions\":[{\"name\":\"tada\",\"users\":[\"UB\",\"UA\"],\"count\":3}]}'::jsonb ELSE raw END");
  db::sql::query(conn,
                 "INSERT INTO hdv.messages (channel_id, ts, user_id, text, posted_at, raw, source) VALUES "
                 "('C1', '946684799.999999', 'UA', 'y2k', to_timestamp(946684799.999999), '{}', 'export'), "
                 "('C1', '946771200.000000', 'UA', 'a day into 2000, the same week', to_timestamp(946771200), '{}', "
                 "'export')");
  db::sql::query(conn, "UPDATE hdv.messages SET reaction_list = hdv.slack_reaction_list(raw)");
  db::sql::query(conn, "UPDATE hdv.users SET real_name = 'Ann, \"A\"', tz = '' WHERE user_id = 'UA'");
  db::sql::query(conn, "UPDATE hdv.channels SET created = '1999-12-31 23:59:59.75+00' WHERE channel_id = 'C1'");
  db::sql::query(conn,
                 "UPDATE hdv.messages SET reaction_count = 2 WHERE ts IN ('1700000000.000100', '1700172800.000100')");
  db::sql::query(conn,
                 "INSERT INTO hdv.reactions (channel_id, ts, emoji, user_id) VALUES "
                 "('C1', '1700000000.000100', 'tada', 'UB'), ('C1', '1700000000.000100', 'tada', 'UA'), "
                 "('C1', '1700000000.000100', 'tada', 'UBOT'), ('C1', '1700000000.000100', 'x,y', 'USLACKBOT'), "
                 "('C1', '1700000000.000100', 'eyes', 'UZ'), ('C1', '1700000600.000100', 'tada', 'UA'), "
                 "('C1', '1700086500.000100', 'tada', 'UA'), ('C2', '1700172800.000100', '\"q\"', 'UB'), "
                 "('C4', '1700345600.000100', 'tada', 'UA')");
  db::sql::query(conn,
                 "INSERT INTO hdv.files (channel_id, ts, file_id, name) VALUES ('C2', '1700172800.000100', 'F1', 'a'), "
                 "('C2', '1700172800.000100', 'F2', 'b'), ('C1', '1700000000.000100', 'F3', 'c')");
  expect_export_is_sql({});
  // From the second reply of the first thread on: its parent and first replies are before.
  expect_export_is_sql({"2023-11-14T22:05:00.000175Z", ""});
  expect_export_is_sql({"2023-11-15", "2023-11-26"});
  expect_export_is_sql({"2023-11-26", ""});
  expect_export_is_sql({"2023-11-21", ""});
}
