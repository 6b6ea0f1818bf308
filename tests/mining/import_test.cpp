// Import into a real PostgreSQL, checked against the generator's ground truth and real exports.
#include <gtest/gtest.h>
#include <zip.h>

#include <fstream>
#include <future>

#include "paxstats/db/database.hpp"
#include "paxstats/db/raw_store.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/store_reads.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "postgres_env.hpp"
#include "truth_support.hpp"
#include "paxstats/db/sql.hpp"

using namespace paxstats;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kTestdata = fs::path(PAXSTATS_SOURCE_DIR) / ".." / "shared" / "testdata" / "slack-exports";

// A generated region shared by the tests that only read it.
struct Generated {
  test::TempDir dir;
  json truth;
  Generated() {
    mining::GeneratorOptions o;
    o.seed = 5;
    mining::generate_workspace(o, dir.path());
    truth = test::load_json(dir.path() / "truth.json");
  }
};
Generated& generated() {
  static Generated g;
  return g;
}

class Import : public ::testing::Test {
 protected:
  void SetUp() override { db::add_region(conn, "demo", "Demo", "America/Chicago"); }
  long count(const std::string& sql) { return std::stol(db::sql::value(conn, sql).value_or("0")); }
  // The attendance is kOtherPax's: U0000000A3 in, U0000000A2 out.
  void expect_other_pax() {
    EXPECT_EQ(count("SELECT count(*) FROM demo.attendance WHERE user_id = 'U0000000A3'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM demo.attendance WHERE user_id = 'U0000000A2'"), 0);
  }
  std::string url = test::PostgresEnvironment::get().fresh_database_url();
  db::Database conn{url};
};

// Writes a zip with the given entries (name → bytes).
void write_zip(const fs::path& file, const std::vector<std::pair<std::string, std::string>>& entries) {
  int err = 0;
  zip_t* z = zip_open(file.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_TRUE(z);
  std::vector<std::string> keep;
  keep.reserve(entries.size());
  for (const auto& [name, bytes] : entries) {
    keep.push_back(bytes);
    zip_source_t* src = zip_source_buffer(z, keep.back().data(), keep.back().size(), 0);
    zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8);
  }
  ASSERT_EQ(zip_close(z), 0);
}

void write_file(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

// A minimal export: one channel, one day file holding `day`.
fs::path small_export(const fs::path& dir, const std::string& day) {
  write_file(dir / "channels.json", R"([{"id":"C0000000F1","name":"ao-forge","created":1700000000}])");
  write_file(dir / "users.json", R"([{"id":"U0000000A1","name":"gil","profile":{"display_name":"Gilmore"}}])");
  write_file(dir / "ao-forge" / "2024-03-05.json", day);
  return dir;
}

const char* kGoodDay = R"([{"type":"message","user":"U0000000A1","ts":"1709644500.000100",
  "text":"Backblast: Hills\nQ: <@U0000000A1>\nPAX: <@U0000000A2>\nCount: 2"}])";
// kGoodDay's backblast edited: another PAX named.
const char* kOtherPax = "Backblast: Hills\nQ: <@U0000000A1>\nPAX: <@U0000000A3>\nCount: 2";

}  // namespace

TEST_F(Import, DerivedBeatdownsMatchTheGroundTruthExactly) {
  auto& g = generated();
  auto r = mining::import_export(conn, "demo", g.dir.path());
  const auto& truth = g.truth["beatdowns"];
  EXPECT_EQ(r.derived.beatdowns, static_cast<long>(truth.size()));
  EXPECT_EQ(count("SELECT count(*) FROM demo.beatdowns"), static_cast<long>(truth.size()));

  std::map<std::pair<std::string, std::string>, db::Row> rows;
  for (auto& row : db::sql::query(
           conn,
           "SELECT channel_id, ts, bd_date::text, ao_channel_id, coalesce(q_user_id, ''), coalesce(q_name, ''), "
           "array_to_string(coq_user_ids, ','), array_to_string(coq_names, ','), fng_count, pax_count "
           "FROM demo.beatdowns"))
    rows[{*row[0], *row[1]}] = row;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> attendees;
  for (auto& row :
       db::sql::query(conn, "SELECT channel_id, ts, coalesce('U:' || user_id, 'N:' || name) FROM demo.attendance"))
    attendees[{*row[0], *row[1]}].insert(*row[2]);

  int mismatches = 0;
  for (const auto& t : truth) {
    auto key = std::make_pair(t["channel"].get<std::string>(), t["ts"].get<std::string>());
    auto it = rows.find(key);
    if (it == rows.end()) {
      ADD_FAILURE() << "beatdown not derived: " << t.dump();
      ++mismatches;
      continue;
    }
    const auto& row = it->second;
    std::set<std::string> coqs;
    for (const auto& c : t["coqs"]) coqs.insert(test::person_key(c));
    std::set<std::string> got_coqs;
    for (auto* list : {&row[6], &row[7]}) {
      std::stringstream ss(**list);
      for (std::string x; std::getline(ss, x, ',');)
        if (!x.empty()) got_coqs.insert((list == &row[6] ? "U:" : "N:") + x);
    }
    const std::string q = test::person_key(t["q"]);
    const std::string got_q = !row[4]->empty() ? "U:" + *row[4] : "N:" + *row[5];
    const bool same = *row[2] == t["date"] && *row[3] == t["ao"] && got_q == q && got_coqs == coqs &&
                      attendees[key] == test::people(t["pax"]) && std::stoi(*row[8]) == t["fngs"]["count"].get<int>() &&
                      std::stoi(*row[9]) == t["count"].get<int>();
    if (!same && ++mismatches <= 5) ADD_FAILURE() << "differs from truth: " << t.dump();
  }
  EXPECT_EQ(mismatches, 0);
  // Not-beatdowns stay out, but their messages are stored.
  for (const auto& n : g.truth["not_beatdowns"]) {
    EXPECT_EQ(count("SELECT count(*) FROM demo.beatdowns WHERE channel_id = '" + n["channel"].get<std::string>() +
                    "' AND ts = '" + n["ts"].get<std::string>() + "'"),
              0);
  }
}

TEST_F(Import, KeepsEveryRawMessageReactionFileAndReply) {
  auto& g = generated();
  auto r = mining::import_export(conn, "demo", g.dir.path());
  long in_files = 0, reactions = 0, files = 0, replies = 0;
  for (const auto& [key, m] : test::export_messages(g.dir.path())) {
    ++in_files;
    for (const auto& x : m.value("reactions", json::array())) reactions += static_cast<long>(x["users"].size());
    files += static_cast<long>(m.value("files", json::array()).size());
    replies += m.contains("thread_ts") && m["thread_ts"] != m["ts"];
  }
  EXPECT_EQ(r.messages, in_files);
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), in_files);
  EXPECT_EQ(count("SELECT count(*) FROM demo.reactions"), reactions);
  EXPECT_EQ(count("SELECT count(*) FROM demo.files"), files);
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages WHERE thread_ts IS NOT NULL AND thread_ts <> ts"), replies);
  EXPECT_EQ(count("SELECT count(*) FROM demo.users"), 152);
  EXPECT_GT(count("SELECT count(*) FROM demo.channels WHERE is_backblast_channel"), 10);
  // The raw JSON is kept as received.
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages WHERE raw ? 'metadata'"),
            count("SELECT count(*) FROM demo.messages WHERE raw->'metadata'->>'event_type' = 'backblast'"));
}

TEST_F(Import, ImportingAgainChangesNothing) {
  auto& g = generated();
  mining::import_export(conn, "demo", g.dir.path());
  const long before = count("SELECT count(*) FROM demo.attendance");
  auto again = mining::import_export(conn, "demo", g.dir.path());
  EXPECT_EQ(again.inserted, 0);
  EXPECT_EQ(again.updated, 0);
  EXPECT_EQ(again.derived.beatdowns, 0) << "nothing changed, so nothing was re-derived";
  EXPECT_EQ(count("SELECT count(*) FROM demo.attendance"), before);
  EXPECT_EQ(count("SELECT count(*) FROM demo.beatdowns"), static_cast<long>(g.truth["beatdowns"].size()));
}

TEST_F(Import, NewerEditsWinAndOlderExportsDoNotUndoThem) {
  test::TempDir a, b;
  small_export(a.path(), kGoodDay);
  small_export(b.path(), R"([{"type":"message","user":"U0000000A1","ts":"1709644500.000100",
    "edited":{"user":"U0000000A1","ts":"1709650000.000000"},
    "text":"Backblast: Hills\nQ: <@U0000000A1>\nPAX: <@U0000000A2> <@U0000000A3>\nCount: 3"}])");
  mining::import_export(conn, "demo", a.path());
  EXPECT_EQ(count("SELECT pax_count FROM demo.beatdowns"), 2);
  auto edit = mining::import_export(conn, "demo", b.path());
  EXPECT_EQ(edit.updated, 1);
  EXPECT_EQ(count("SELECT pax_count FROM demo.beatdowns"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM demo.attendance"), 3);
  auto old = mining::import_export(conn, "demo", a.path());
  EXPECT_EQ(old.updated, 0);
  EXPECT_EQ(count("SELECT pax_count FROM demo.beatdowns"), 3) << "the older export undid the edit";
}

TEST_F(Import, OverlappingExportsAddUp) {
  test::TempDir a, b;
  small_export(a.path(), kGoodDay);
  small_export(b.path(), R"([{"type":"message","user":"U0000000A1","ts":"1709644500.000100",
    "text":"Backblast: Hills\nQ: <@U0000000A1>\nPAX: <@U0000000A2>\nCount: 2"},
    {"type":"message","user":"U0000000A2","ts":"1709648000.000200","text":"great work"}])");
  mining::import_export(conn, "demo", a.path());
  auto r = mining::import_export(conn, "demo", b.path());
  EXPECT_EQ(r.inserted, 1);
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM demo.beatdowns"), 1);
}

TEST_F(Import, AMessageTwiceInOneExportKeepsTheNewestVersion) {
  // The fast path for a first import cannot choose between two copies; the merge path can.
  test::TempDir a;
  small_export(a.path(), kGoodDay);
  write_file(a.path() / "ao-forge" / "2024-03-06.json",
             R"([{"type":"message","user":"U0000000A1","ts":"1709644500.000100",
    "edited":{"user":"U0000000A1","ts":"1709650000.000000"},
    "text":"Backblast: Hills\nQ: <@U0000000A1>\nPAX: <@U0000000A2> <@U0000000A3>\nCount: 3"}])");
  auto r = mining::import_export(conn, "demo", a.path());
  EXPECT_EQ(r.messages, 2);
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), 1);
  EXPECT_EQ(count("SELECT pax_count FROM demo.beatdowns"), 3);
  // Issue 29: never silently: the summary says a message came twice, and that its copies differ.
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("1 message(s) appear more than once"), std::string::npos) << r.notes[0];
  EXPECT_NE(r.notes[0].find("C0000000F1/1709644500.000100 (copies differ)"), std::string::npos) << r.notes[0];
}

TEST_F(Import, FirstImportAndLaterImportsStoreTheSameRows) {
  // The first import writes straight into the tables; later ones stage and merge. Same rows.
  auto& g = generated();
  mining::import_export(conn, "demo", g.dir.path());
  db::add_region(conn, "demo2", "Demo 2", "America/Chicago");
  test::TempDir seed;
  small_export(seed.path(), R"([{"type":"message","user":"U0000000A1","ts":"1000000000.000100","text":"hello"}])");
  mining::import_export(conn, "demo2", seed.path());  // not empty any more: the next import merges
  mining::import_export(conn, "demo2", g.dir.path());
  for (const char* table : {"messages", "reactions", "files", "beatdowns", "attendance", "parse_issues"}) {
    const std::string cols =
        std::string(table) == "messages"       ? "channel_id, ts, text, posted_at, raw, reply_count"
        : std::string(table) == "parse_issues" ? "channel_id, ts, severity, field, reason"
        : std::string(table) == "beatdowns"
            ? "channel_id, ts, ao_channel_id, ao_name, bd_date, q_user_id, q_name, coq_user_ids, "
              "coq_names, pax_count, derived_count, fng_count, fng_names, title, parse_status, edited_ts"
            : "*";
    const std::string filter = std::string(table) == "messages" ? " WHERE ts <> '1000000000.000100'" : "";
    EXPECT_EQ(count("SELECT count(*) FROM ((SELECT " + cols + " FROM demo." + table + " EXCEPT SELECT " + cols +
                    " FROM demo2." + table + filter + ") UNION ALL (SELECT " + cols + " FROM demo2." + table + filter +
                    " EXCEPT SELECT " + cols + " FROM demo." + table + ")) d"),
              0)
        << table;
  }
}

TEST_F(Import, ReparseRebuildsTheSameRowsAndDropsDeletedMessages) {
  auto& g = generated();
  mining::import_export(conn, "demo", g.dir.path());
  const std::string before = *db::sql::value(conn,
                                             "SELECT md5(string_agg(channel_id || ts || bd_date || pax_count, ',' "
                                             "ORDER BY channel_id, ts)) FROM demo.beatdowns");
  auto d = mining::reparse(conn, "demo");
  EXPECT_EQ(d.beatdowns, static_cast<long>(g.truth["beatdowns"].size()));
  EXPECT_EQ(*db::sql::value(conn,
                            "SELECT md5(string_agg(channel_id || ts || bd_date || pax_count, ',' ORDER BY channel_id, "
                            "ts)) FROM demo.beatdowns"),
            before);
  db::sql::query(conn,
                 "UPDATE demo.messages SET deleted = true WHERE (channel_id, ts) IN (SELECT channel_id, ts FROM "
                 "demo.beatdowns LIMIT 1)");
  mining::reparse(conn, "demo");
  EXPECT_EQ(count("SELECT count(*) FROM demo.beatdowns"), static_cast<long>(g.truth["beatdowns"].size()) - 1);
}

TEST_F(Import, AReparseWritesOnlyWhatChangedAndEndsWhereAFullOneDoes) {
  auto& g = generated();
  mining::import_export(conn, "demo", g.dir.path());
  db::add_region(conn, "demo2", "Demo 2", "America/Chicago");
  mining::import_export(conn, "demo2", g.dir.path());
  const std::string version = "SELECT last_value FROM demo.posts_version";
  const std::string data_version = "SELECT last_value FROM demo.data_version";

  // Nothing changed: nothing is written, and the dashboard's versions stand.
  const auto posts_before = db::sql::value(conn, version), data_before = db::sql::value(conn, data_version);
  const auto d = mining::reparse(conn, "demo");
  EXPECT_EQ(d.changed, 0);
  EXPECT_EQ(d.beatdowns, static_cast<long>(g.truth["beatdowns"].size()));
  EXPECT_EQ(db::sql::value(conn, version), posts_before);
  EXPECT_EQ(db::sql::value(conn, data_version), data_before);

  // Three changes, made alike in both regions: a PAX named by another mention (the beatdown's
  // row stays the same, its attendance does not), a message deleted, and a beatdown stored
  // without a fingerprint (as before migration 0011).
  for (const std::string r : {"demo", "demo2"}) {
    db::sql::query(conn, "WITH pick AS (SELECT a.channel_id, a.ts, a.user_id FROM " + r + ".attendance a JOIN " + r +
                             ".beatdowns b USING (channel_id, ts) WHERE a.role = 'pax' AND a.user_id IS NOT NULL "
                             "AND a.user_id IS DISTINCT FROM b.q_user_id AND NOT (a.user_id = ANY (b.coq_user_ids)) "
                             "ORDER BY a.channel_id, a.ts, a.user_id LIMIT 1) "
                             "UPDATE " +
                             r +
                             ".messages m SET text = replace(m.text, '<@' || p.user_id || '>', "
                             "'<@U00000ZZZZ9>') FROM pick p WHERE m.channel_id = p.channel_id AND m.ts = p.ts");
    db::sql::query(conn, "UPDATE " + r +
                             ".messages SET deleted = true WHERE (channel_id, ts) = (SELECT channel_id, ts "
                             "FROM " +
                             r + ".beatdowns ORDER BY channel_id DESC, ts DESC LIMIT 1)");
  }
  db::sql::query(conn,
                 "UPDATE demo.beatdowns SET derived_hash = NULL WHERE (channel_id, ts) = (SELECT channel_id, ts "
                 "FROM demo.beatdowns ORDER BY ts LIMIT 1)");
  const long rows = count("SELECT count(*) FROM demo.beatdowns");
  db::sql::query(conn, "CREATE TABLE public.places AS SELECT channel_id, ts, ctid::text AS place FROM demo.beatdowns");
  EXPECT_EQ(mining::reparse(conn, "demo").changed, 3);
  EXPECT_EQ(count("SELECT count(*) FROM demo.beatdowns b JOIN public.places p USING (channel_id, ts) "
                  "WHERE b.ctid::text = p.place"),
            rows - 3)
      << "the beatdowns that did not change stay where they were";
  EXPECT_EQ(count("SELECT count(*) FROM demo.attendance WHERE user_id = 'U00000ZZZZ9'"), 1);
  EXPECT_NE(db::sql::value(conn, version), posts_before);

  // The other region derives everything again from nothing (the bulk path): the same rows.
  db::sql::query(conn, "TRUNCATE demo2.beatdowns CASCADE");
  mining::reparse(conn, "demo2");
  for (const char* table : {"beatdowns", "attendance", "parse_issues"}) {
    const std::string cols = std::string(table) == "parse_issues" ? "channel_id, ts, severity, field, reason, line"
                             : std::string(table) == "beatdowns"
                                 ? "channel_id, ts, ao_channel_id, ao_name, bd_date, q_user_id, q_name, coq_user_ids, "
                                   "coq_names, pax_count, derived_count, fng_count, fng_names, title, parse_status, "
                                   "edited_ts, derived_hash"
                                 : "*";
    EXPECT_EQ(count("SELECT count(*) FROM ((SELECT " + cols + " FROM demo." + table + " EXCEPT ALL SELECT " + cols +
                    " FROM demo2." + table + ") UNION ALL (SELECT " + cols + " FROM demo2." + table +
                    " EXCEPT ALL SELECT " + cols + " FROM demo." + table + ")) d"),
              0)
        << table;
  }
  EXPECT_EQ(mining::reparse(conn, "demo").changed, 0);
}

TEST_F(Import, AnEventThatLeavesTheBackblastAsItReadsWritesNoDerivedRow) {
  // A reaction on a backblast comes as message_changed: the message is stored again, its parse
  // is what is stored, so nothing derived is written and the dashboard's pages stand.
  test::TempDir a;
  small_export(a.path(), kGoodDay);
  mining::import_export(conn, "demo", a.path());
  const std::string version = "SELECT last_value FROM demo.posts_version";
  const auto before = db::sql::value(conn, version);
  json event = {{"type", "message"},
                {"subtype", "message_changed"},
                {"channel", "C0000000F1"},
                {"event_ts", "1709644600.000200"},
                {"message",
                 {{"type", "message"},
                  {"user", "U0000000A1"},
                  {"ts", "1709644500.000100"},
                  {"text", "Backblast: Hills\nQ: <@U0000000A1>\nPAX: <@U0000000A2>\nCount: 2"},
                  {"reactions", {{{"name", "muscle"}, {"users", {"U0000000A2"}}, {"count", 1}}}}}}};
  auto got = mining::ingest_message_event(conn, "demo", event);
  EXPECT_TRUE(got.is_backblast);
  EXPECT_EQ(count("SELECT reaction_count FROM demo.messages"), 1);  // the message is stored again
  EXPECT_EQ(db::sql::value(conn, "SELECT title FROM demo.beatdowns"), "Hills");
  EXPECT_EQ(db::sql::value(conn, version), before);

  // An edit that names another PAX is written.
  event["message"]["text"] = kOtherPax;
  event["message"]["edited"] = {{"user", "U0000000A1"}, {"ts", "1709644700.000000"}};
  mining::ingest_message_event(conn, "demo", event);
  EXPECT_NE(db::sql::value(conn, version), before);
  expect_other_pax();
}

TEST_F(Import, AReparseWaitsForAWriterUnderWayAndDerivesWhatItWrote) {
  // A reparse must not read a message, then write its beatdown after another writer changed it.
  test::TempDir a;
  small_export(a.path(), kGoodDay);
  mining::import_export(conn, "demo", a.path());
  // A writer under way (an event, a sync page): the backblast now names another PAX, merged,
  // not committed.
  db::Database writing{url}, watching{url};
  auto writer = std::make_unique<db::RegionWriter>(writing, "demo");
  db::MessageRecord m;
  m.channel_id = "C0000000F1";
  m.ts = "1709644500.000100";
  m.user_id = "U0000000A1";
  m.text = kOtherPax;
  m.raw = nlohmann::json{{"type", "message"}, {"user", m.user_id}, {"ts", m.ts}, {"text", m.text}}.dump();
  m.mentions = {"U0000000A1", "U0000000A3"};
  writer->stage_message(m);
  ASSERT_EQ(writer->merge_messages("test").updated, 1);

  auto reparse = std::async(std::launch::async, [&] { return mining::reparse(conn, "demo"); });
  for (;;) {  // until the reparse waits for the writer (or finishes without waiting: wrong)
    ASSERT_NE(reparse.wait_for(std::chrono::milliseconds(10)), std::future_status::ready)
        << "the reparse read the messages while another writer had them";
    if (db::sql::value(watching,
                       "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'demo.messages'::regclass")
            .value_or("0") != "0")
      break;
  }
  writer->commit();
  EXPECT_EQ(reparse.get().changed, 1);
  expect_other_pax();
}

TEST_F(Import, AFullReparsePutsBackRowsEditedByHand) {
  // A reparse trusts the fingerprints: a row edited by hand in a derived table stays. A full
  // one writes every beatdown as the messages say.
  test::TempDir a;
  small_export(a.path(), kGoodDay);
  mining::import_export(conn, "demo", a.path());
  db::sql::query(conn, "UPDATE demo.beatdowns SET pax_count = 99");
  db::sql::query(conn, "DELETE FROM demo.attendance WHERE role = 'pax'");
  EXPECT_EQ(mining::reparse(conn, "demo").changed, 0);
  EXPECT_EQ(count("SELECT pax_count FROM demo.beatdowns"), 99);
  EXPECT_EQ(mining::reparse(conn, "demo", true).changed, 1);
  EXPECT_EQ(count("SELECT pax_count FROM demo.beatdowns"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM demo.attendance WHERE role = 'pax'"), 1);
  EXPECT_EQ(mining::reparse(conn, "demo").changed, 0);
}

TEST_F(Import, AReparseLeavesEveryKeyAndIndexOfTheDerivedTables) {
  // A reparse takes the derived tables' foreign keys and indexes off for its COPY: all come back,
  // with the same definitions, and they hold (a beatdown of a message that does not exist fails).
  const std::string shape =
      "SELECT string_agg(d, ' | ' ORDER BY d) FROM ("
      "SELECT pg_get_constraintdef(k.oid) AS d FROM pg_constraint k WHERE k.connamespace = 'demo'::regnamespace "
      "AND k.conrelid::regclass::text IN ('demo.beatdowns', 'demo.attendance', 'demo.parse_issues') "
      "UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'demo' "
      "AND tablename IN ('beatdowns', 'attendance', 'parse_issues')) x";
  const std::string before = db::sql::value(conn, shape).value_or("");
  EXPECT_NE(before.find("FOREIGN KEY"), std::string::npos) << before;
  mining::import_export(conn, "demo", generated().dir.path());  // a first import: the bulk path
  mining::reparse(conn, "demo");
  EXPECT_EQ(db::sql::value(conn, shape).value_or(""), before);
  EXPECT_THROW(db::sql::query(conn,
                              "INSERT INTO demo.beatdowns (channel_id, ts, ao_name, bd_date, derived_count, "
                              "parse_status) VALUES ('CNONE', '1.1', 'x', '2024-01-01', 0, 'ok')"),
               std::exception);
}

TEST_F(Import, ParseIssuesAreStoredWithTheirMessage) {
  test::TempDir a;
  small_export(a.path(), R"([{"type":"message","user":"U0000000A1","ts":"1709644500.000100",
    "text":"Backblast: Hills\nDate: the day after\nPAX: <@U0000000A2>, Hoss"}])");
  mining::import_export(conn, "demo", a.path());
  EXPECT_EQ(*db::sql::value(conn, "SELECT parse_status FROM demo.beatdowns"), "errors");
  EXPECT_EQ(count("SELECT count(*) FROM demo.parse_issues WHERE severity = 'error' AND field = 'date' AND line = 2"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM demo.parse_issues WHERE severity = 'error' AND field = 'q'"), 1);
  EXPECT_GE(count("SELECT count(*) FROM demo.parse_issues WHERE severity = 'warning'"), 2);  // typed Hoss, no COUNT
}

// ---------------------------------------------------------------- bad input

TEST_F(Import, MalformedJsonNamesTheFileLineAndColumnAndWritesNothing) {
  test::TempDir a;
  small_export(a.path(), kGoodDay);
  write_file(a.path() / "ao-forge" / "2024-03-06.json", "[\n  {\"ts\": \"1709730000.000100\", \"text\": \"x\",}\n]");
  try {
    mining::import_export(conn, "demo", a.path());
    FAIL() << "no error";
  } catch (const UserError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("ao-forge/2024-03-06.json:2:"), std::string::npos) << what;
    EXPECT_NE(what.find("--skip-bad-files"), std::string::npos) << what;
  }
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), 0) << "half an import was written";
  EXPECT_EQ(count("SELECT count(*) FROM demo.users"), 0);
  auto r = mining::import_export(conn, "demo", a.path(), {.skip_bad_files = true});
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_NE(r.skipped[0].find("2024-03-06.json"), std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM demo.beatdowns"), 1);
}

// A day file larger than 16 MiB is not held as rows whole: it is checked, then sent in parts.
// All of it arrives, and a bad message at its very end still leaves none of it behind.
std::string big_day(int messages, bool bad_last) {
  std::string day = "[";
  const std::string filler(180, 'x');
  for (int i = 0; i < messages; ++i) {
    if (i) day += ",\n";
    char ts[32];
    std::snprintf(ts, sizeof ts, "%d.%06d", 1709730000 + i / 1000, i % 1000);
    day +=
        std::string(R"({"type":"message","user":"U0000000A2","ts":")") + ts + R"(","text":"chatter )" + filler + "\"}";
  }
  if (bad_last)
    day += R"(,
{"type":"message","user":"U0000000A2","text":"no ts"})";
  return day + "]";
}

TEST_F(Import, ADayFileLargerThanAPartArrivesWholeOrNotAtAll) {
  constexpr int kMessages = 80000;  // ~19 MiB
  test::TempDir a;
  small_export(a.path(), kGoodDay);
  write_file(a.path() / "ao-forge" / "2024-03-06.json", big_day(kMessages, false));
  ASSERT_GT(fs::file_size(a.path() / "ao-forge" / "2024-03-06.json"), 16u << 20);
  auto r = mining::import_export(conn, "demo", a.path());
  EXPECT_EQ(r.files, 2);
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), kMessages + 1);

  db::add_region(conn, "demo2", "Demo 2", "America/Chicago");
  test::TempDir b;
  small_export(b.path(), kGoodDay);
  write_file(b.path() / "ao-forge" / "2024-03-06.json", big_day(kMessages, true));
  auto skipped = mining::import_export(conn, "demo2", b.path(), {.skip_bad_files = true});
  ASSERT_EQ(skipped.skipped.size(), 1u);
  EXPECT_NE(skipped.skipped[0].find("2024-03-06.json:80001"), std::string::npos) << skipped.skipped[0];
  EXPECT_EQ(skipped.files, 1);
  EXPECT_EQ(count("SELECT count(*) FROM demo2.messages"), 1) << "part of a bad file was staged";
}

TEST_F(Import, InvalidUtf8IsNamedWithItsPlace) {
  test::TempDir a;
  small_export(a.path(), std::string("[{\"ts\":\"1709644500.000100\",\"text\":\"caf\xe9 \xff\"}]"));
  try {
    mining::import_export(conn, "demo", a.path());
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("ao-forge/2024-03-05.json:1:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos) << e.what();
  }
}

TEST_F(Import, AHugeMessageIsRefusedByName) {
  test::TempDir a;
  small_export(a.path(), "[{\"ts\":\"1709644500.000100\",\"text\":\"" + std::string(50u << 20, 'x') + "\"}]");
  try {
    mining::import_export(conn, "demo", a.path());
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("1709644500.000100"), std::string::npos)
        << std::string(e.what()).substr(0, 300);
    EXPECT_NE(std::string(e.what()).find("50 MiB"), std::string::npos) << std::string(e.what()).substr(0, 300);
  }
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), 0);
}

TEST_F(Import, OddMessagesAreNamed) {
  test::TempDir a;
  small_export(a.path(), R"([{"type":"message","text":"no ts"}])");
  EXPECT_THROW(mining::import_export(conn, "demo", a.path()), UserError);
  test::TempDir b;
  small_export(b.path(), R"({"not":"an array"})");
  EXPECT_THROW(mining::import_export(conn, "demo", b.path()), UserError);
  test::TempDir c;
  write_file(c.path() / "README.md", "not an export");
  EXPECT_THROW(mining::import_export(conn, "demo", c.path()), UserError);
  EXPECT_THROW(mining::import_export(conn, "demo", "/nonexistent/export.zip"), UserError);
  EXPECT_THROW(mining::import_export(conn, "nosuchregion", a.path()), UserError);
}

TEST_F(Import, ReadsZipsAndRefusesTruncatedAndZipSlipArchives) {
  test::TempDir t;
  const std::string channels = R"([{"id":"C0000000F1","name":"ao-forge"}])";
  write_zip(t.path() / "good.zip", {{"export/channels.json", channels}, {"export/ao-forge/2024-03-05.json", kGoodDay}});
  auto r = mining::import_export(conn, "demo", t.path() / "good.zip");
  EXPECT_EQ(r.messages, 1);
  EXPECT_EQ(count("SELECT count(*) FROM demo.beatdowns"), 1);

  // Truncated: the same archive cut short.
  std::ifstream in(t.path() / "good.zip", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  write_file(t.path() / "cut.zip", bytes.substr(0, bytes.size() * 2 / 3));
  try {
    mining::import_export(conn, "demo", t.path() / "cut.zip");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("cut.zip"), std::string::npos) << e.what();
  }

  write_zip(t.path() / "slip.zip", {{"channels.json", channels}, {"../../etc/cron.d/evil", "x"}});
  try {
    mining::import_export(conn, "demo", t.path() / "slip.zip");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("../../etc/cron.d/evil"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("zip-slip"), std::string::npos) << e.what();
  }
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), 1);
}

// ---------------------------------------------------------------- real exports

class RealExport : public Import, public ::testing::WithParamInterface<const char*> {};

TEST_P(RealExport, ImportsEveryMessage) {
  const fs::path p = kTestdata / GetParam();
  if (!fs::exists(p)) GTEST_SKIP() << p << " is absent";
  auto r = mining::import_export(conn, "demo", p);
  EXPECT_GT(r.messages, 5);
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), r.messages);
  EXPECT_EQ(r.derived.beatdowns, 0) << "these are not F3 workspaces";
  EXPECT_TRUE(r.notes.empty()) << r.notes.front();
  auto again = mining::import_export(conn, "demo", p);
  EXPECT_EQ(again.inserted + again.updated, 0);
  std::printf("%s: %ld messages, %ld users, %ld conversations, %ld reactions, %ld files\n", GetParam(), r.messages,
              r.users, r.conversations, count("SELECT count(*) FROM demo.reactions"),
              count("SELECT count(*) FROM demo.files"));
}

INSTANTIATE_TEST_SUITE_P(Testdata, RealExport,
                         ::testing::Values("houstondatavis", "hfaran-testarchive.zip", "slackdump-source-export.zip"));

TEST_F(Import, HoustonDatavisCountsMatchItsFiles) {
  const fs::path p = kTestdata / "houstondatavis";
  if (!fs::exists(p)) GTEST_SKIP();
  auto r = mining::import_export(conn, "demo", p);
  EXPECT_EQ(r.messages, 1382);  // as its README says
  EXPECT_EQ(r.conversations, 16);
  EXPECT_EQ(r.users, 71);
  EXPECT_GT(count("SELECT count(*) FROM demo.reactions"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM demo.channels WHERE is_archived"), 9);
}

namespace {
// The message an import refuses: its UserError text (empty when it did not refuse).
std::string refusal(db::Database& conn, const fs::path& dir) {
  try {
    mining::import_export(conn, "demo", dir);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

// Hostile exports: each is refused as bad input (exit 2 in the CLI) naming the file and line,
// and nothing is written — never a crash, never "a bug".
TEST_F(Import, HostileExportsAreRefusedNamingTheFileAndLine) {
  struct Case {
    std::string name, day, says;
  };
  const std::string deep(100000, '[');
  const std::vector<Case> cases = {
      {"deep", "[\n{\"ts\":\"1709644500.000100\",\"x\":" + deep + "}]",
       "ao-forge/2024-03-05.json:2: JSON nested more than 64"},
      {"nul", R"([{"ts":"1709644500.000100","text":"a\u0000b"}])", "NUL character"},
      {"long ts", R"([{"ts":"17096445000000000000000.000100","text":"x"}])", "is not a Slack timestamp"},
      {"no ts", "[\n{\"ts\":\"1709644500.000100\",\"text\":\"ok\"},\n{\"text\":\"no ts\"}]", "2024-03-05.json:3:"},
      {"1e999", R"([{"ts":"1709644500.000100","text":"x","reply_count":1e999}])", "2024-03-05.json:1:"},
      {"1e300 size", R"([{"ts":"1709644500.000100","files":[{"id":"F1","size":1e300}]}])", "\"size\" is 1e+300"},
  };
  for (const auto& c : cases) {
    test::TempDir a;
    small_export(a.path(), c.day);
    const std::string why = refusal(conn, a.path());
    EXPECT_NE(why.find(c.says), std::string::npos) << c.name << ": " << why.substr(0, 300);
    EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), 0) << c.name;
  }
  // Numbers Slack never writes in users.json and channels.json.
  test::TempDir u;
  small_export(u.path(), kGoodDay);
  write_file(u.path() / "users.json", R"([{"id":"U0000000A1","name":"gil","updated":1e300}])");
  EXPECT_NE(refusal(conn, u.path()).find("users.json: U0000000A1 \"updated\""), std::string::npos)
      << refusal(conn, u.path());
  test::TempDir ch;
  small_export(ch.path(), kGoodDay);
  write_file(ch.path() / "channels.json",
             R"([{"id":"C0000000F1","name":"ao-forge","created":99999999999999999999999}])");
  EXPECT_NE(refusal(conn, ch.path()).find("channels.json: C0000000F1 \"created\""), std::string::npos)
      << refusal(conn, ch.path());
  // A link that loops is named by its place in the export, not where it leads.
  test::TempDir l;
  small_export(l.path(), kGoodDay);
  fs::create_symlink(l.path() / "ao-forge" / "loop.json", l.path() / "ao-forge" / "loop.json");
  EXPECT_NE(refusal(conn, l.path()).find("\"ao-forge/loop.json\" is a link that leads nowhere"), std::string::npos)
      << refusal(conn, l.path());
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), 0);
}

TEST_F(Import, AChannelListedTwiceIsImportedOnceWithANote) {
  test::TempDir a;
  small_export(a.path(), kGoodDay);
  write_file(a.path() / "channels.json",
             R"([{"id":"C0000000F1","name":"ao-forge"},{"id":"C0000000F1","name":"ao-forge-again"}])");
  const auto r = mining::import_export(conn, "demo", a.path());
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("C0000000F1 is listed twice"), std::string::npos) << r.notes[0];
  EXPECT_EQ(count("SELECT count(*) FROM demo.channels"), 1);
}

// Issue 29: a user listed twice is said; a channel folder that is a link is read (inside the
// export) or refused by name (leading out of it), never skipped without a word.
TEST_F(Import, DuplicateUsersAndLinkedChannelFoldersAreNeverSilent) {
  test::TempDir a;
  small_export(a.path(), kGoodDay);
  write_file(a.path() / "users.json",
             R"([{"id":"U0000000A1","name":"gil","profile":{"display_name":"Gilmore"}},
                 {"id":"U0000000A1","name":"gil2","profile":{"display_name":"Someone Else"}}])");
  fs::create_directories(a.path() / "_folders");
  fs::rename(a.path() / "ao-forge", a.path() / "_folders" / "ao-forge");
  fs::create_directory_symlink(a.path() / "_folders" / "ao-forge", a.path() / "ao-forge");
  const auto r = mining::import_export(conn, "demo", a.path());
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("user U0000000A1 is listed twice; its first entry is used"), std::string::npos)
      << r.notes[0];
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), 1) << "the linked folder's day file was read";
  EXPECT_EQ(*db::sql::query(conn, "SELECT display_name FROM demo.users")[0][0], "Gilmore");

  test::TempDir b, elsewhere;
  small_export(b.path(), kGoodDay);
  write_file(elsewhere.path() / "ao-forge" / "2024-03-06.json", kGoodDay);
  fs::create_directory_symlink(elsewhere.path() / "ao-forge", b.path() / "ao-more");
  EXPECT_NE(refusal(conn, b.path()).find("\"ao-more/2024-03-06.json\" is a link to a file outside the export"),
            std::string::npos)
      << refusal(conn, b.path());
}

TEST_F(Import, AZipBombIsRefusedBeforeItIsInflated) {
  test::TempDir a;
  const auto zip = a.path() / "bomb.zip";
  // 300 MiB of "1,1,1,…" compresses to well under a megabyte.
  std::string big = "[";
  big.reserve((300u << 20) + 2);
  while (big.size() < (300u << 20)) big += "1,";
  big += "1]";
  write_zip(zip, {{"channels.json", R"([{"id":"C0000000F1","name":"ao-forge"}])"}, {"ao-forge/2024-03-05.json", big}});
  big.clear();
  big.shrink_to_fit();
  const std::string why = refusal(conn, zip);
  EXPECT_NE(why.find("ao-forge/2024-03-05.json is 300 MiB uncompressed"), std::string::npos) << why;
  EXPECT_NE(why.find("256 MiB"), std::string::npos) << why;
}

// Issue 29: a message may mention everyone in a big workspace; the import stores it with the
// rest, and the counting reads its mentions (the covering index holds messages of up to 64).
TEST_F(Import, AMessageThatMentions1500PeopleIsStoredWithTheRest) {
  std::string everyone;
  for (int i = 0; i < 1500; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "U%09d", i);
    everyone += std::string("<@") + id + "> ";
  }
  const std::string hostile = "<@U" + std::string(300, 'A') + "> is no Slack id";
  test::TempDir a;
  small_export(a.path(), std::string(R"([{"type":"message","user":"U0000000A1","ts":"1709644400.000100","text":")") +
                             everyone +
                             R"("},{"type":"message","user":"U0000000A1","ts":"1709644450.000100","text":")" + hostile +
                             R"("},)" + std::string(kGoodDay).substr(1));
  ASSERT_NO_THROW(mining::import_export(conn, "demo", a.path()));
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), 3);
  EXPECT_EQ(count("SELECT cardinality(mentions) FROM demo.messages WHERE ts = '1709644400.000100'"), 1500);
  EXPECT_EQ(count("SELECT cardinality(mentions) FROM demo.messages WHERE ts = '1709644450.000100'"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM demo.member_mentions WHERE ts = '1709644400.000100'"), 1500);
  EXPECT_EQ(count("SELECT count(*) FROM demo.message_facts"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM demo.beatdowns"), 1);
  // The writer's rule and the SQL function's agree on both.
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages WHERE mentions <> demo.slack_mentions(text)"), 0);
}

// Issue 29: ids name files (the dashboard's ao/C….html, pax/U….html): an id that is no Slack id
// is refused where it comes in, naming the file, and nothing is written.
TEST_F(Import, IdsThatAreNoSlackIdsAreRefusedNamingTheFile) {
  test::TempDir a;
  small_export(a.path(), kGoodDay);
  write_file(a.path() / "channels.json", R"([{"id":"../../tmp/pwned/ao1","name":"ao-forge","created":1700000000}])");
  try {
    mining::import_export(conn, "demo", a.path());
    FAIL() << "imported a channel id that is a path";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("channels.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("no Slack id"), std::string::npos) << e.what();
  }
  test::TempDir b;
  small_export(b.path(), kGoodDay);
  write_file(b.path() / "users.json", R"([{"id":"U123/../../x","name":"gil"}])");
  EXPECT_THROW(mining::import_export(conn, "demo", b.path()), UserError);
  EXPECT_EQ(count("SELECT count(*) FROM demo.messages"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM demo.channels"), 0);
}

// Issue 32: what a burst of events became is what derivation did, not read back from the store;
// it must be what the store now says, message by message — a backblast with errors, one an app
// posted (its Q is told), chat, a version already stored (read as it is), an edit, a deletion.
TEST_F(Import, WhatEventsBecameIsWhatTheStoreNowSays) {
  test::TempDir a;
  small_export(a.path(), kGoodDay);
  mining::import_export(conn, "demo", a.path());
  auto message = [](const std::string& ts, const std::string& text, const std::string& user = "U0000000A1") {
    json m = {{"type", "message"}, {"channel", "C0000000F1"}, {"event_ts", ts}, {"ts", ts}, {"text", text}};
    if (!user.empty()) m["user"] = user;
    return m;
  };
  json from_app = message("1709730900.000100", "Backblast: Murph\nQ: <@U0000000A2>\nPAX: <@U0000000A1>\nCount: 2", "");
  from_app["subtype"] = "bot_message";
  from_app["bot_id"] = "B0000000X1";
  const json same_again = {{"type", "message"},
                           {"subtype", "message_changed"},
                           {"channel", "C0000000F1"},
                           {"event_ts", "1709644600.000300"},
                           {"message",
                            {{"type", "message"},
                             {"user", "U0000000A1"},
                             {"ts", "1709644500.000100"},
                             {"text", "Backblast: Hills\nQ: <@U0000000A1>\nPAX: <@U0000000A2>\nCount: 2"}}}};
  const std::vector<json> burst = {
      message("1709730000.000100", "Backblast: Sprints\nPAX: <@U0000000A1> and Bob\nCount: lots"),
      from_app,
      message("1709730100.000100", "good morning, see you at the AO"),
      same_again,
      message("1709730200.000100", "Backblast: Ruck\nQ: <@U0000000A1>\nPAX: <@U0000000A2>\nCount: 2"),
  };
  const auto first = mining::ingest_message_events(conn, "demo", burst);
  // The ruck is edited into chat, and the sprints deleted.
  const json edit = {{"type", "message"},
                     {"subtype", "message_changed"},
                     {"channel", "C0000000F1"},
                     {"event_ts", "1709730300.000100"},
                     {"message",
                      {{"type", "message"},
                       {"user", "U0000000A1"},
                       {"ts", "1709730200.000100"},
                       {"text", "never mind"},
                       {"edited", {{"user", "U0000000A1"}, {"ts", "1709730300.000000"}}}}}};
  const json gone = {{"type", "message"},
                     {"subtype", "message_deleted"},
                     {"channel", "C0000000F1"},
                     {"event_ts", "1709730400.000100"},
                     {"deleted_ts", "1709730000.000100"}};
  const auto second = mining::ingest_message_events(conn, "demo", {edit, gone});

  int backblasts = 0;
  auto as_stored = [&](const mining::EventIngest& got, const std::string& poster) {
    SCOPED_TRACE(got.channel + "/" + got.ts);
    const auto state = mining::message_state(conn, "demo", got.channel, got.ts);
    ASSERT_TRUE(state);
    const auto q = db::beatdown_qs(conn, "demo", {{got.channel, got.ts}});
    EXPECT_EQ(got.is_backblast, !q.empty());
    EXPECT_EQ(got.poster, !q.empty() && poster.empty() ? q.begin()->second : poster);
    ASSERT_EQ(got.errors.size(), state->errors.size());
    for (size_t k = 0; k < got.errors.size(); ++k) {
      EXPECT_EQ(got.errors[k].field, state->errors[k].field);
      EXPECT_EQ(got.errors[k].reason, state->errors[k].reason);
      EXPECT_EQ(got.errors[k].line, state->errors[k].line);
    }
    backblasts += got.is_backblast;
  };
  ASSERT_EQ(first.size(), burst.size());
  for (size_t i = 0; i < first.size(); ++i)
    if (i != 0 && i != 4) as_stored(first[i], i == 1 ? "" : "U0000000A1");  // the other two changed since
  as_stored(second[0], "U0000000A1");
  as_stored(second[1], "");  // a deletion without the message: no one to tell
  EXPECT_TRUE(first[0].is_backblast);
  EXPECT_FALSE(first[0].errors.empty()) << "no Q, a COUNT that is no number";
  EXPECT_TRUE(first[4].is_backblast);
  EXPECT_EQ(first[1].poster, "U0000000A2") << "an app's backblast: its Q is the one to tell";
  EXPECT_TRUE(first[3].is_backblast) << "a version already stored is read as it is";
  EXPECT_FALSE(second[0].is_backblast);
  EXPECT_FALSE(second[1].is_backblast);
  EXPECT_GE(backblasts, 2);
}
