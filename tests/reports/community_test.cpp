// Community analytics: the counting rules (region views member_messages … and the function
// member_activity) against counts this test makes by itself from the exports' JSON files, and the
// dataset export (CSV, NDJSON with BigQuery schemas, Gephi files, GEXF).
#include <date/tz.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "paxstats/calendar.hpp"
#include "paxstats/db/community.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/sql.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/reports/community.hpp"
#include "paxstats/export/dataset_export.hpp"
#include "paxstats/export/tables.hpp"
#include "paxstats/reports/deliver.hpp"
#include "paxstats/reports/engagement.hpp"
#include "paxstats/reports/mentors.hpp"
#include "paxstats/reports/nudges.hpp"
#include "paxstats/business_clock.hpp"
#include "paxstats/slack/client.hpp"
#include "paxstats/slack/fake_slack.hpp"
#include "paxstats/slack/export.hpp"
#include "postgres_env.hpp"

using namespace paxstats;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kTestdata = fs::path(PAXSTATS_SOURCE_DIR) / ".." / "shared" / "testdata" / "slack-exports";
constexpr const char* kZone = "America/Chicago";

// The rules, counted from the export's files without paxstats' reader or its SQL.
struct Counted {
  std::map<std::string, db::community::MemberActivity> members;
  long messages = 0;  // every stored message, member or not
};

std::string text_of(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

// Messages posted in [since, until) (Unix seconds) only.
Counted count_export(const fs::path& path, long long since = 0, long long until = 1LL << 40) {
  auto archive = slack::ExportArchive::open(path);
  // Which folder is which conversation: channels and groups by name, mpims by name, DMs by id.
  std::map<std::string, std::string> folder_to_id;
  for (const char* list : {"channels.json", "groups.json", "mpims.json", "dms.json"}) {
    if (!archive->has(list)) continue;
    for (const auto& c : json::parse(archive->read(list))) {
      const std::string id = text_of(c, "id");
      folder_to_id[std::string(list) == "dms.json" ? id : text_of(c, "name")] = id;
    }
  }
  std::map<std::string, bool> is_bot;  // user id → is a bot
  std::set<std::string> known;
  if (archive->has("users.json"))
    for (const auto& u : json::parse(archive->read("users.json"))) {
      const std::string id = text_of(u, "id");
      known.insert(id);
      is_bot[id] = u.value("is_bot", false) || u.value("is_app_user", false) || id == "USLACKBOT";
    }
  // Every stored message, (conversation, ts) → JSON; a later copy replaces an earlier one.
  std::map<std::pair<std::string, std::string>, json> stored;
  for (const auto& entry : archive->entries()) {
    const fs::path e(entry);
    if (e.extension() != ".json" || !e.has_parent_path()) continue;
    auto conv = folder_to_id.find(e.parent_path().filename().string());
    if (conv == folder_to_id.end()) continue;
    for (const auto& m : json::parse(archive->read(entry)))
      if (m.is_object() && !text_of(m, "ts").empty()) stored[{conv->second, text_of(m, "ts")}] = m;
  }
  Counted out;
  out.messages = static_cast<long>(stored.size());
  std::set<std::pair<std::string, std::string>> has_reply;  // (conversation, thread_ts) with a stored reply
  for (const auto& [key, m] : stored) {
    const std::string thread = text_of(m, "thread_ts");
    if (!thread.empty() && thread != key.second) has_reply.insert({key.first, thread});
  }
  auto bot = [&](const std::string& id) { return id == "USLACKBOT" || (is_bot.count(id) && is_bot[id]); };
  auto member = [&](const std::string& id) -> db::community::MemberActivity& {
    auto& a = out.members[id];
    a.user_id = id;
    return a;
  };
  std::set<std::string> members;  // the users that are not bots, and every author of a member message
  for (const auto& id : known)
    if (!bot(id)) members.insert(id);
  std::map<std::string, std::set<std::string>> days, weeks;
  const std::regex mention("<@([UW][A-Z0-9]{2,})(\\|[^>]*)?>");
  for (const auto& [key, m] : stored) {
    const std::string subtype = text_of(m, "subtype");
    if (subtype == "tombstone") continue;  // deleted
    const long long posted = std::stoll(key.second);
    if (posted < since || posted >= until) continue;
    // Reactions given count on any stored message that is not deleted.
    if (m.contains("reactions") && m["reactions"].is_array())
      for (const auto& r : m["reactions"]) {
        if (!r.is_object() || !r.contains("name") || !r["name"].is_string()) continue;
        std::set<std::string> users;
        for (const auto& u : r.value("users", json::array()))
          if (u.is_string()) users.insert(u.get<std::string>());
        for (const auto& u : users)
          if (!bot(u)) member(u).reactions_given++;
      }
    const std::string user = text_of(m, "user");
    if (user.empty() || bot(user) || !text_of(m, "bot_id").empty()) continue;
    if (!subtype.empty() && subtype != "thread_broadcast" && subtype != "file_share" && subtype != "me_message")
      continue;
    members.insert(user);
    auto& a = member(user);
    a.messages++;
    const std::string thread = text_of(m, "thread_ts");
    if (!thread.empty() && thread != key.second) a.replies++;
    const long long reply_count =
        m.contains("reply_count") && m["reply_count"].is_number_integer() ? m["reply_count"].get<long long>() : 0;
    if ((thread.empty() || thread == key.second) && (reply_count > 0 || has_reply.count({key.first, key.second})))
      a.threads_started++;
    if (m.contains("reactions") && m["reactions"].is_array())
      for (const auto& r : m["reactions"]) {
        if (!r.is_object() || !r.contains("name") || !r["name"].is_string()) continue;
        if (r.contains("count") && r["count"].is_number())
          a.reactions_received += r["count"].get<long long>();
        else if (r.contains("users") && r["users"].is_array())
          a.reactions_received += static_cast<long long>(r["users"].size());
      }
    std::set<std::string> file_ids;
    for (const auto& f : m.value("files", json::array()))
      if (f.is_object() && f.contains("id") && f["id"].is_string()) file_ids.insert(f["id"].get<std::string>());
    if (m.contains("file") && m["file"].is_object() && m["file"].contains("id") && m["file"]["id"].is_string())
      file_ids.insert(m["file"]["id"].get<std::string>());
    a.files += static_cast<long long>(file_ids.size());
    std::set<std::string> tagged;
    const std::string text = text_of(m, "text");
    for (std::sregex_iterator it(text.begin(), text.end(), mention), end; it != end; ++it) {
      const std::string who = (*it)[1];
      if (who != user && !bot(who)) tagged.insert(who);
    }
    a.mentions_given += static_cast<long long>(tagged.size());
    for (const auto& who : tagged) member(who).mentions_received++;
    const auto seconds = std::chrono::sys_seconds(std::chrono::seconds(std::stoll(key.second)));
    const auto local = date::floor<date::days>(date::make_zoned(kZone, seconds).get_local_time());
    days[user].insert(date::format("%F", local));
    const auto monday = local - (date::weekday(local) - date::Monday);
    weeks[user].insert(date::format("%F", monday));
    if (a.first_ts.empty() || key.second < a.first_ts) a.first_ts = key.second;
    if (key.second > a.last_ts) a.last_ts = key.second;
  }
  for (const auto& id : members) member(id);
  for (auto it = out.members.begin(); it != out.members.end();) {
    if (!members.count(it->first)) {  // reacted or was mentioned, but is no member: no row
      it = out.members.erase(it);
      continue;
    }
    it->second.active_days = static_cast<long long>(days[it->first].size());
    it->second.active_weeks = static_cast<long long>(weeks[it->first].size());
    ++it;
  }
  return out;
}

std::string describe(const db::community::MemberActivity& a) {
  return a.user_id + " messages=" + std::to_string(a.messages) + " replies=" + std::to_string(a.replies) +
         " threads=" + std::to_string(a.threads_started) + " rx_received=" + std::to_string(a.reactions_received) +
         " rx_given=" + std::to_string(a.reactions_given) + " files=" + std::to_string(a.files) +
         " mentions=" + std::to_string(a.mentions_given) + "/" + std::to_string(a.mentions_received) +
         " days=" + std::to_string(a.active_days) + " weeks=" + std::to_string(a.active_weeks) +
         " first=" + a.first_ts + " last=" + a.last_ts;
}

// A generated community (the region's time zone, fixed seed) written to dir and imported into hdv.
void import_community(db::Database& conn, const fs::path& dir, int members, int months, uint64_t seed = 1) {
  mining::CommunityOptions o;
  o.members = members;
  o.months = months;
  o.seed = seed;
  o.tz = kZone;
  mining::generate_community(o, dir);
  mining::import_export(conn, "hdv", dir);
}

// A generated community imported into region hdv, and a fake Slack that knows its people.
struct FakeCommunity {
  FakeCommunity(db::Database& conn, int members, int months, uint64_t seed) {
    import_community(conn, dir.path(), members, months, seed);
    general = *db::sql::value(conn, "SELECT channel_id FROM hdv.channels WHERE name = 'general'");
    slack::fake::FakeSlack::Options fo;
    fo.window = std::chrono::milliseconds(50);
    fake = std::make_unique<slack::fake::FakeSlack>(fo);
    fake->load_export(dir.path());
    fake->start();
    auto limiter = std::make_shared<slack::RateLimiter>(slack::SystemClock::instance(), std::chrono::milliseconds(50));
    client = std::make_unique<slack::Client>(
        slack::ClientOptions{.token = fake->options().token, .base_url = fake->base_url(), .limiter = limiter});
  }
  test::TempDir dir;
  std::string general;  // the moderators' channel of the tests
  std::unique_ptr<slack::fake::FakeSlack> fake;
  std::unique_ptr<slack::Client> client;
};

class Community : public ::testing::Test {
 protected:
  void SetUp() override { db::add_region(conn, "hdv", "Houston Data Vis", kZone); }
  long count(const std::string& sql) { return std::stol(db::sql::value(conn, sql).value_or("0")); }
  db::Database conn{test::PostgresEnvironment::get().fresh_database_url()};
};

class RealWorkspace : public Community, public ::testing::WithParamInterface<const char*> {};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_P(RealWorkspace, MemberActivityEqualsAnIndependentCountOfTheExportFiles) {
  const fs::path p = kTestdata / GetParam();
  if (!fs::exists(p)) GTEST_SKIP() << p << " is absent";
  mining::import_export(conn, "hdv", p);
  const auto expected = count_export(p);
  ASSERT_EQ(count("SELECT count(*) FROM hdv.messages"), expected.messages) << "the test read the files as the import";
  const auto got = db::community::member_activity(conn, "hdv", kZone);
  std::map<std::string, db::community::MemberActivity> by_id;
  for (const auto& a : got) by_id[a.user_id] = a;
  EXPECT_EQ(by_id.size(), expected.members.size());
  long total = 0;
  for (const auto& [id, want] : expected.members) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      ADD_FAILURE() << "no member_activity row for " << id;
      continue;
    }
    EXPECT_EQ(describe(it->second), describe(want));
    total += want.messages;
  }
  EXPECT_GT(total, 0);
  // Most first.
  for (size_t i = 1; i < got.size(); ++i) EXPECT_GE(got[i - 1].messages, got[i].messages);
  // The channels add up to the members.
  long by_channel = 0;
  for (const auto& c : db::community::channel_activity(conn, "hdv", kZone)) by_channel += c.messages;
  EXPECT_EQ(by_channel, total);
  std::printf("%s: %zu members, %ld member messages of %ld stored\n", GetParam(), got.size(), total, expected.messages);

  // Issue 29: the awards of the data's last year, as small real communities tie: each one's
  // winners (counted here from member_activity) all named, or the award not given, said in one line.
  const auto span = db::community::message_span(conn, "hdv", kZone);
  const auto year = calendar::period_of(calendar::Period::Kind::year, calendar::parse_day(span.last));
  const auto plan = reports::plan_community(conn, "hdv", year, {"awards"}, true);
  const auto in_year = db::community::member_activity(conn, "hdv", kZone, reports::window_of(year));
  std::string all_comments, all_notes;
  std::map<std::string, const reports::PlannedDelivery*> cards;
  for (const auto& d : plan.deliveries) {
    cards[d.report] = &d;
    all_comments += d.comment + "\n";
    EXPECT_EQ(d.chart.person.find(" more"), std::string::npos) << d.report << ": " << d.chart.person;
  }
  for (const auto& n : plan.notes) all_notes += n + "\n";
  const std::vector<std::pair<std::string, std::function<std::int64_t(const db::community::MemberActivity&)>>> rules = {
      {"most_messages", [](const auto& a) { return a.messages; }},
      {"most_threads", [](const auto& a) { return a.threads_started; }},
      {"most_reactions", [](const auto& a) { return a.reactions_received; }},
      {"most_consistent", [](const auto& a) { return a.active_weeks; }}};
  for (const auto& [key, value] : rules) {
    std::int64_t best = 0;
    for (const auto& a : in_year) best = std::max(best, value(a));
    std::vector<std::string> winners;
    for (const auto& a : in_year)
      if (best > 0 && value(a) == best) winners.push_back(a.user_id);
    const auto card = cards.find("community_awards." + key);
    if (winners.empty()) {
      EXPECT_EQ(card, cards.end()) << key;
    } else if (winners.size() <= 10) {
      ASSERT_NE(card, cards.end()) << key << " with " << winners.size() << " winners";
      for (const auto& w : winners) EXPECT_NE(card->second->comment.find("<@" + w + ">"), std::string::npos) << key;
    } else {
      EXPECT_EQ(card, cards.end()) << key;
      EXPECT_NE(all_notes.find(std::to_string(winners.size()) + " members share it"), std::string::npos) << all_notes;
      if (!cards.empty()) {
        EXPECT_NE(all_comments.find(std::to_string(winners.size()) + " members share it"), std::string::npos);
      }
    }
    std::printf("%s %s: %s, %zu winner(s) at %lld\n", GetParam(), year.name.c_str(), key.c_str(), winners.size(),
                static_cast<long long>(best));
  }
}

// The generator's community: its truth (counted as it wrote each message), this test's own count
// of its files, and the counting SQL agree, for the whole history and for one month.
TEST_F(Community, AGeneratedCommunityCountsAsItsTruthSays) {
  test::TempDir dir;
  import_community(conn, dir.path(), 90, 3, 11);
  const auto truth = json::parse(slurp(dir.path() / "truth.json"));
  const auto got = db::community::member_activity(conn, "hdv", kZone);
  std::map<std::string, db::community::MemberActivity> by_id;
  for (const auto& a : got) by_id[a.user_id] = a;
  ASSERT_EQ(by_id.size(), truth["member_activity"].size());
  long threads = 0, replies = 0, mentions = 0, reactions = 0;
  for (const auto& t : truth["member_activity"]) {
    db::community::MemberActivity want;
    want.user_id = t["user_id"];
    want.messages = t["messages"];
    want.replies = t["replies"];
    want.threads_started = t["threads_started"];
    want.reactions_received = t["reactions_received"];
    want.reactions_given = t["reactions_given"];
    want.files = t["files"];
    want.mentions_given = t["mentions_given"];
    want.mentions_received = t["mentions_received"];
    want.active_days = t["active_days"];
    want.active_weeks = t["active_weeks"];
    want.first_ts = t["first_ts"];
    want.last_ts = t["last_ts"];
    EXPECT_EQ(describe(by_id[want.user_id]), describe(want));
    threads += want.threads_started, replies += want.replies, mentions += want.mentions_given;
    reactions += want.reactions_received;
  }
  // The generator made every kind of thing the rules decide on.
  EXPECT_GT(threads, 50);
  EXPECT_GT(replies, 100);
  EXPECT_GT(mentions, 20);
  EXPECT_GT(reactions, 100);
  EXPECT_GT(count("SELECT count(*) FROM hdv.messages WHERE subtype = 'tombstone'"), 0);
  EXPECT_GT(count("SELECT count(*) FROM hdv.messages WHERE bot_id IS NOT NULL"), 0);
  EXPECT_GT(count("SELECT count(*) FROM hdv.messages WHERE subtype = 'channel_join'"), 0);

  // One month, in the region's time zone: against this test's own count of the files.
  const auto t0 = date::make_zoned(kZone, date::local_days{date::year{2026} / 9 / 1}).get_sys_time();
  const auto t1 = date::make_zoned(kZone, date::local_days{date::year{2026} / 10 / 1}).get_sys_time();
  const auto expected = count_export(dir.path(), t0.time_since_epoch().count(), t1.time_since_epoch().count());
  const auto month = db::community::member_activity(conn, "hdv", kZone, {"2026-09-01", "2026-10-01"});
  ASSERT_EQ(month.size(), expected.members.size());
  long in_month = 0;
  for (const auto& a : month) {
    auto it = expected.members.find(a.user_id);
    ASSERT_NE(it, expected.members.end()) << a.user_id;
    EXPECT_EQ(describe(a), describe(it->second));
    in_month += a.messages;
  }
  EXPECT_GT(in_month, 100);
  EXPECT_LT(in_month, truth["member_messages"].get<long>());
}

// The engagement score: its parts are the generator's truth (replies to others, answers in the
// help channel), the score is the documented weighted sum, and ties share a rank.
// members_by_month as one plain statement, each month's 90 days scanned on their own: the oracle
// of the tests below.
const char* const kPlainMembersByMonth =
    "WITH b AS (SELECT ($2::timestamptz AT TIME ZONE $1)::date AS first, "
    "(($3::timestamptz AT TIME ZONE $1) - interval '1 microsecond')::date AS last), "
    "um AS (SELECT DISTINCT mm.user_id, date_trunc('month', mm.posted_at AT TIME ZONE $1)::date AS m "
    "FROM member_messages mm), "
    "months AS (SELECT g::date AS m FROM b, generate_series(date_trunc('month', b.first), b.last, "
    "interval '1 month') g), "
    "seq AS (SELECT um.user_id, um.m, lag(um.m) OVER (PARTITION BY um.user_id ORDER BY um.m) AS prev, "
    "min(um.m) OVER (PARTITION BY um.user_id) AS first FROM um), "
    "act AS (SELECT s.m, count(*) AS active, count(*) FILTER (WHERE s.first = s.m) AS fresh, "
    "count(*) FILTER (WHERE s.prev < s.m - interval '1 month') AS returning FROM seq s JOIN months USING (m) "
    "GROUP BY s.m), "
    "quiet AS (SELECT mo.m, count(*) FILTER (WHERE x.quarter = 1 AND x.last >= x.e - interval '28 days' "
    "AND x.last < x.e - interval '7 days') AS n FROM months mo CROSS JOIN LATERAL ("
    "SELECT ntile(4) OVER (ORDER BY count(*) DESC, mm.user_id) AS quarter, max(mm.posted_at) AS last, "
    "((mo.m + interval '1 month') AT TIME ZONE $1) AS e FROM member_messages mm "
    "WHERE mm.posted_at >= ((mo.m + interval '1 month' - interval '90 days') AT TIME ZONE $1) "
    "AND mm.posted_at < ((mo.m + interval '1 month') AT TIME ZONE $1) GROUP BY mm.user_id) x GROUP BY mo.m) "
    "SELECT to_char(mo.m, 'YYYY-MM'), coalesce(a.active, 0), coalesce(a.fresh, 0), coalesce(a.returning, 0), "
    "coalesce(q.n, 0) FROM months mo LEFT JOIN act a USING (m) LEFT JOIN quiet q USING (m) ORDER BY mo.m";

// members_by_month reads every member's local days once for all of its months' 90-day looks
// back; it answers as the plain statement does (one scan of 90 days of messages per month), for a
// year, a quarter, a month with a DST change and two months across New Year.
TEST_F(Community, MembersByMonthAnswersAsThePlainStatementDoes) {
  test::TempDir dir;
  import_community(conn, dir.path(), 100, 12, 5);
  db::sql::query(conn, "SET search_path = hdv, pg_catalog");
  db::sql::query(conn, std::string("SET TimeZone = '") + kZone + "'");
  long quiet = 0;
  for (const auto& [since, until] : std::vector<std::pair<std::string, std::string>>{{"2025-11-01", "2026-11-01"},
                                                                                     {"2026-07-01", "2026-10-01"},
                                                                                     {"2026-03-01", "2026-04-01"},
                                                                                     {"2025-12-01", "2026-02-01"}}) {
    const auto got = db::community::members_by_month(conn, "hdv", kZone, {since, until});
    const auto want = db::sql::query(conn, kPlainMembersByMonth, {std::string(kZone), since, until});
    ASSERT_EQ(got.size(), want.size()) << since;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(calendar::format(got[i].month), *want[i][0]);
      EXPECT_EQ(got[i].active, std::stol(*want[i][1])) << got[i].month;
      EXPECT_EQ(got[i].fresh, std::stol(*want[i][2])) << got[i].month;
      EXPECT_EQ(got[i].returning, std::stol(*want[i][3])) << got[i].month;
      EXPECT_EQ(got[i].gone_quiet, std::stol(*want[i][4])) << got[i].month;
      quiet += got[i].gone_quiet;
    }
  }
  EXPECT_GT(quiet, 0) << "members go quiet in the generated community, so the rule is tried";
}

// Gone quiet at the edges (README: the top quarter by messages over the 90 days to a month's
// end, silent for 7–28 days): forty members whose last message falls on either side of each edge
// (to the second, in local time, also across the DST change), and a tie in the top quarter's
// last place, settled by user id.
TEST_F(Community, GoneQuietIsCountedToTheSecondAtItsEdges) {
  db::sql::query(conn, "SET search_path = hdv, pg_catalog");
  db::sql::query(conn, std::string("SET TimeZone = '") + kZone + "'");
  for (const auto& [since, until] :
       std::vector<std::pair<std::string, std::string>>{{"2026-06-01", "2026-07-01"}, {"2026-03-01", "2026-04-01"}}) {
    db::sql::query(conn, "DELETE FROM hdv.messages");
    // (messages a day back from the last, days before the month's end, seconds before that) of
    // U00…U10; U11… write less.
    const std::vector<std::tuple<int, int, int>> top = {
        {40, 28, 0},  // quiet 28 days to the second: counted
        {39, 28, 1},  // a second longer: not
        {38, 7, 1},   // a second more than 7 days: counted
        {37, 7, 0},   // 7 days to the second: not yet
        {36, 10, 0},  // counted
        {35, 1, 0},   // still posting
        {35, 60, 0},  // gone too long (4 of its messages fall before the 90 days)
        {33, 20, 0},  // counted
        {32, 15, 0},  // counted
        {29, 9, 0},   // and one message 90 days before the end, to the second: 30, tied with U10,
                      // first by id: the top quarter's last place, counted
        {30, 2, 0},   // tied, second by id: the next quarter (and still posting)
    };
    for (int i = 0; i < 40; ++i) {
      const auto [n, days, seconds] = i < static_cast<int>(top.size()) ? top[i] : std::make_tuple(20 - i % 10, 3, 0);
      const std::string user = (i < 10 ? "U0" : "U") + std::to_string(i);
      db::sql::query(
          conn,
          "INSERT INTO hdv.messages (channel_id, ts, user_id, posted_at, raw, source) "
          "SELECT 'C' || $1, extract(epoch FROM p)::text, $1, p, '{}', 'export' FROM ("
          "SELECT ((($2::date - $3::int)::timestamp - $4::int * interval '1 second') AT TIME ZONE $6) "
          "- k * interval '1 day' AS p FROM generate_series(0, $5::int - 1) k "
          "UNION ALL SELECT (($2::date - 90)::timestamp AT TIME ZONE $6) WHERE $1 = 'U09') x",
          {user, until, std::to_string(days), std::to_string(seconds), std::to_string(n), std::string(kZone)});
    }
    const auto got = db::community::members_by_month(conn, "hdv", kZone, {since, until});
    const auto want = db::sql::query(conn, kPlainMembersByMonth, {std::string(kZone), since, until});
    ASSERT_EQ(got.size(), 1u);
    ASSERT_EQ(want.size(), 1u);
    EXPECT_EQ(std::stol(*want[0][4]), 6) << "the plain statement, " << since;
    EXPECT_EQ(got[0].gone_quiet, 6) << since << ": U00, U02, U04, U07, U08, U09";
  }
}

TEST_F(Community, EngagementScoresWeighTheirPartsAsTheSettingSays) {
  test::TempDir dir;
  import_community(conn, dir.path(), 60, 2, 3);
  const auto help = *db::sql::value(conn, "SELECT channel_id FROM hdv.channels WHERE name = 'help'");
  db::set_region(
      conn, "hdv",
      {{"help_channels", help}, {"engagement_weights", "messages=1,replies=2,help=10,weeks=0.5,reactions=0"}});
  std::map<std::string, json> truth;
  const json file = json::parse(slurp(dir.path() / "truth.json"));
  for (const auto& t : file["member_activity"]) truth[t["user_id"].get<std::string>()] = t;
  // The whole history: from the generator's first day to the day after its last.
  calendar::Period all = calendar::parse_period("2026");
  const auto scores = reports::engagement_scores(conn, "hdv", all);
  ASSERT_GT(scores.size(), 20u);
  long help_answers = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    const auto& s = scores[i];
    ASSERT_TRUE(truth.count(s.parts.user_id)) << s.parts.user_id << " " << s.parts.user_name;
    const auto& t = truth.at(s.parts.user_id);
    EXPECT_EQ(s.parts.messages, t["messages"].get<long>()) << s.parts.user_id;
    EXPECT_EQ(s.parts.replies_to_others, t["replies_to_others"].get<long>()) << s.parts.user_id;
    EXPECT_EQ(s.parts.help_answers, t["help_answers"].get<long>()) << s.parts.user_id;
    EXPECT_EQ(s.parts.active_weeks, t["active_weeks"].get<long>()) << s.parts.user_id;
    EXPECT_DOUBLE_EQ(s.score, 1.0 * s.parts.messages + 2.0 * s.parts.replies_to_others + 10.0 * s.parts.help_answers +
                                  0.5 * s.parts.active_weeks);
    help_answers += s.parts.help_answers;
    if (i > 0) {
      EXPECT_GE(scores[i - 1].score, s.score);
      EXPECT_EQ(s.rank, scores[i - 1].score == s.score ? scores[i - 1].rank : static_cast<int>(i) + 1);
    }
  }
  EXPECT_GT(help_answers, 20);
  EXPECT_EQ(scores.front().rank, 1);
  EXPECT_THROW(reports::parse_engagement_weights("messages=x"), UserError);
  EXPECT_THROW(db::set_region(conn, "hdv", {{"engagement_weights", "likes=3"}}), UserError);
}

// The community reports of a quarter: every chart drawn without a layout problem, their figures
// adding up to the counting rules, the awards going to the leaders (ties sharing a card), and the
// outbox taking the plan once.
TEST_F(Community, TheQuarterlyCommunityReportsAddUpAndAreQueuedOnce) {
  test::TempDir dir;
  import_community(conn, dir.path(), 70, 5, 8);
  const auto q3 = calendar::parse_period("2026-Q3");
  auto none = reports::plan_community(conn, "hdv", q3);
  EXPECT_TRUE(none.deliveries.empty());
  ASSERT_EQ(none.notes.size(), 1u);
  EXPECT_NE(none.notes[0].find("community_channel"), std::string::npos);

  db::set_region(conn, "hdv", {{"community_channel", "C0COMMUNITY"}});
  const auto plan = reports::plan_community(conn, "hdv", q3);
  EXPECT_EQ(plan.period.name, "2026-Q3");
  std::map<std::string, const reports::PlannedDelivery*> by_report;
  for (const auto& d : plan.deliveries) {
    by_report[d.report] = &d;
    EXPECT_EQ(d.recipient, "C0COMMUNITY");
    EXPECT_FALSE(d.comment.empty()) << d.report;
  }
  for (const char* r : {"community_activity.channels", "community_activity.active", "community_activity.hours",
                        "community_activity.members", "community_activity.first_reply", "community_activity.retention",
                        "community_awards.most_messages", "community_awards.most_threads",
                        "community_awards.most_replies", "community_awards.most_reactions", "community_engagement"})
    EXPECT_TRUE(by_report.count(r)) << r;

  const auto window = reports::window_of(q3);
  const auto activity = db::community::member_activity(conn, "hdv", kZone, window);
  long messages = 0, most = 0;
  for (const auto& a : activity) messages += a.messages, most = std::max<long>(most, a.messages);
  EXPECT_EQ(plan.beatdowns, messages);
  auto sum = [](const render::Chart& c) {
    double t = 0;
    for (const auto& s : c.series)
      for (double v : s.values) t += v;
    for (const auto& [label, values] : c.rows)
      for (double v : values) t += v;
    return t;
  };
  EXPECT_EQ(sum(by_report["community_activity.channels"]->chart), messages);
  EXPECT_EQ(sum(by_report["community_activity.hours"]->chart), messages);
  // New members by month: those whose first member message ever was in it.
  const auto ever = db::community::member_activity(conn, "hdv", kZone);
  const auto& members_chart = by_report["community_activity.members"]->chart;
  ASSERT_EQ(members_chart.categories.size(), 3u);
  for (size_t m = 0; m < 3; ++m) {
    const auto from =
        date::make_zoned(kZone, date::local_days{date::year{2026} / date::month{7 + static_cast<unsigned>(m)} / 1})
            .get_sys_time();
    const auto to =
        date::make_zoned(kZone, date::local_days{date::year{2026} / date::month{8 + static_cast<unsigned>(m)} / 1})
            .get_sys_time();
    long fresh = 0;
    for (const auto& a : ever)
      if (!a.first_ts.empty() && std::stoll(a.first_ts) >= from.time_since_epoch().count() &&
          std::stoll(a.first_ts) < to.time_since_epoch().count())
        ++fresh;
    EXPECT_EQ(members_chart.series[0].values[m], fresh) << members_chart.categories[m];
  }
  // Issue 29: the summary's "gone quiet" is the chart's, over the same months, and worded for its
  // number; "Who stays" measures every month up to the period's end (0% is 0, not "–").
  double quiet_in_chart = 0;
  for (double v : members_chart.series[2].values) quiet_in_chart += v;
  std::string summary;
  for (const auto& d : plan.deliveries)
    if (d.comment.find("gone quiet") != std::string::npos) summary = d.comment;
  const long q = std::lround(quiet_in_chart);
  EXPECT_NE(summary.find(std::to_string(q) + (q == 1 ? " regular has gone quiet" : " regulars have gone quiet")),
            std::string::npos)
      << summary;
  EXPECT_EQ(summary.find("1 regulars"), std::string::npos) << summary;
  const auto& stays = by_report["community_activity.retention"]->chart;
  for (const auto& [label, values] : stays.rows) {
    if (values.empty()) continue;
    const std::string month = label.substr(0, 3);  // "Jul 2026 (12)": months from it to September
    static const std::vector<std::string> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const int from = static_cast<int>(std::find(kMonths.begin(), kMonths.end(), month) - kMonths.begin());
    const int year = std::stoi(label.substr(4, 4));
    const size_t measured = static_cast<size_t>((2026 - year) * 12 + (8 - from) + 1);
    for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(std::isnan(values[i]), i >= measured) << label << " +" << i;
  }

  // The most messages award names everyone with the most.
  const auto& card = by_report["community_awards.most_messages"]->chart;
  EXPECT_EQ(card.figure, std::to_string(most) + " messages");
  for (const auto& a : activity)
    if (a.messages == most) {
      EXPECT_NE(card.person.find(a.user_name), std::string::npos) << a.user_name;
    }

  // Pages that show the plan name the people its messages mention.
  for (const auto& d : plan.deliveries)
    for (size_t at = d.comment.find("<@"); at != std::string::npos; at = d.comment.find("<@", at + 2)) {
      const std::string id = d.comment.substr(at + 2, d.comment.find('>', at) - at - 2);
      EXPECT_TRUE(plan.names.count(id)) << d.report << ": " << id;
    }

  // Every chart draws, and draws cleanly.
  const auto rendered = reports::render_plan(plan, {}, true);
  ASSERT_EQ(rendered.size(), plan.deliveries.size());
  for (size_t i = 0; i < rendered.size(); ++i) {
    EXPECT_GT(rendered[i].png.size(), 1000u) << plan.deliveries[i].report;
    EXPECT_TRUE(rendered[i].layout_problems.empty())
        << plan.deliveries[i].report << ": " << rendered[i].layout_problems.front();
  }
  // Issue 29: every winner named (no "& N more"); an award more share than award_max_winners
  // (10) is not given, and the first card's message says so in one line. Most consistent, counted
  // here from member_activity: those with the most active weeks.
  const std::regex and_more("& [0-9]+ more");
  std::string first_award_comment;
  for (const auto& d : plan.deliveries)
    if (d.report.rfind("community_awards.", 0) == 0) {
      if (first_award_comment.empty()) first_award_comment = d.comment;
      EXPECT_FALSE(std::regex_search(d.chart.person, and_more)) << d.report << ": " << d.chart.person;
      EXPECT_FALSE(std::regex_search(d.comment, and_more)) << d.report << ": " << d.comment;
    }
  std::int64_t most_weeks = 0;
  for (const auto& a : activity) most_weeks = std::max(most_weeks, a.active_weeks);
  std::vector<std::string> consistent;
  for (const auto& a : activity)
    if (a.active_weeks == most_weeks) consistent.push_back(a.user_id);
  ASSERT_GT(consistent.size(), 10u) << "this quarter's most consistent is a tie of many";
  EXPECT_FALSE(by_report.count("community_awards.most_consistent"));
  EXPECT_NE(first_award_comment.find("Most consistent is not given for Q3 2026: " + std::to_string(consistent.size()) +
                                     " members share it"),
            std::string::npos)
      << first_award_comment;
  // At the most a card holds (20), the award names every one of them, or is still not given.
  db::set_region(conn, "hdv", {{"award_max_winners", "20"}});
  const auto roomy = reports::plan_community(conn, "hdv", q3, {}, true);
  db::set_region(conn, "hdv", {{"award_max_winners", "10"}});
  const reports::PlannedDelivery* all_of_them = nullptr;
  for (const auto& d : roomy.deliveries)
    if (d.report == "community_awards.most_consistent") all_of_them = &d;
  EXPECT_EQ(all_of_them != nullptr, consistent.size() <= 20u);
  if (all_of_them) {
    for (const auto& id : consistent) EXPECT_NE(all_of_them->comment.find("<@" + id + ">"), std::string::npos) << id;
    EXPECT_FALSE(std::regex_search(all_of_them->chart.person, and_more)) << all_of_them->chart.person;
    reports::MonthlyPlan card_only;
    card_only.deliveries.push_back(*all_of_them);
    const auto drawn = reports::render_plan(card_only, {}, true);
    ASSERT_EQ(drawn.size(), 1u);
    EXPECT_TRUE(drawn[0].layout_problems.empty()) << drawn[0].layout_problems.front();
  }

  // Exactly once: the same quarter again adds nothing.
  const int added = reports::queue_plan(conn, plan);
  EXPECT_EQ(added, static_cast<int>(plan.deliveries.size()));
  EXPECT_EQ(reports::queue_plan(conn, reports::plan_community(conn, "hdv", q3)), 0);
  EXPECT_THROW(reports::plan_community(conn, "hdv", q3, {"gossip"}), UserError);
}

// Nudges: a quiet member gets a DM, a second one when there is no reply, then the moderators hear
// of them; each step once, opt-outs honoured, a dry run sends and records nothing.
TEST_F(Community, QuietMembersAreNudgedTwiceThenTheModeratorsHearEachStepOnce) {
  FakeCommunity c(conn, 60, 4, 21);
  auto& fake = *c.fake;
  auto& client = *c.client;
  const std::string& mods = c.general;

  // Off until the setting is set.
  const auto t1 = *parse_iso_time("2026-10-20T12:00:00Z");
  EXPECT_EQ(reports::run_nudges(conn, "hdv", &client, t1).first, 0);
  db::set_region(conn, "hdv",
                 {{"nudge_quiet_days", "14"},
                  {"nudge_min_messages", "5"},
                  {"nudge_reply_days", "7"},
                  {"moderators_channel", mods}});
  // Who is owed a first DM at t, counted here: 5+ member messages in the 90 days to t, none in the
  // last 14.
  auto quiet_at = [&](BusinessTime t) {
    const auto iso = [](BusinessTime x) { return date::format("%FT%TZ", x); };
    std::set<std::string> out;
    for (const auto& a : db::community::member_activity(conn, "hdv", kZone, {iso(t - std::chrono::days{90}), iso(t)}))
      if (a.messages >= 5 && std::stoll(a.last_ts) <= (t - std::chrono::days{14}).time_since_epoch().count())
        out.insert(a.user_id);
    return out;
  };
  const std::set<std::string> quiet = quiet_at(t1);
  ASSERT_GE(quiet.size(), 2u) << "the generator's faders and returners go quiet";

  const auto dry = reports::run_nudges(conn, "hdv", nullptr, t1);
  EXPECT_EQ(dry.first, static_cast<int>(quiet.size()));
  EXPECT_EQ(count("SELECT count(*) FROM hdv.nudges"), 0) << "a dry run records nothing";

  const auto first = reports::run_nudges(conn, "hdv", &client, t1);
  EXPECT_EQ(first.first, static_cast<int>(quiet.size())) << (first.lines.empty() ? "" : first.lines.front());
  for (const auto& u : quiet) {
    ASSERT_FALSE(fake.dm_channel(u).empty()) << u;
    EXPECT_EQ(fake.messages(fake.dm_channel(u)).size(), 1u) << u;
  }
  EXPECT_EQ(reports::run_nudges(conn, "hdv", &client, t1).first, 0) << "the same day again: nothing";

  // A week on: the second DM, except to whoever opted out meanwhile.
  const std::string out = *quiet.begin();
  db::set_opt_out(conn, "hdv", out, true);
  const auto t2 = t1 + std::chrono::days{8};
  const auto second = reports::run_nudges(conn, "hdv", &client, t2);
  long newly_quiet = 0;  // quiet at t2, not at t1: a first DM (8 days is too short for a new spell of the others)
  for (const auto& u : quiet_at(t2)) newly_quiet += !quiet.count(u);
  EXPECT_EQ(second.first, newly_quiet);
  EXPECT_EQ(second.opted_out, 1);
  EXPECT_GE(second.second, 1);
  EXPECT_LE(second.second, static_cast<int>(quiet.size()) - 1);
  EXPECT_EQ(fake.messages(fake.dm_channel(out)).size(), 1u) << "opted out: no second DM";

  // Another week: the moderators hear, in one message, and only once.
  const auto t3 = t2 + std::chrono::days{8};
  const auto note = reports::run_nudges(conn, "hdv", &client, t3);
  EXPECT_EQ(note.moderators, second.second);
  int notes = 0;
  for (const auto& m : fake.messages(mods))
    if (m.value("text", "").find("Members gone quiet") != std::string::npos) ++notes;
  EXPECT_EQ(notes, 1);
  const auto later = reports::run_nudges(conn, "hdv", &client, t3 + std::chrono::days{1});
  EXPECT_EQ(later.moderators, 0);
  EXPECT_EQ(count("SELECT count(*) FROM hdv.nudges WHERE state <> 'sent'"), 0);
  // Every step recorded once: the first spell's, and the firsts of members gone quiet since.
  EXPECT_EQ(count("SELECT count(*) FROM hdv.nudges"),
            static_cast<long>(quiet.size()) + second.first + 2 * second.second + note.first + later.first);
}

// The mentor pick: only in the quarter's last days, the top members by engagement asked once each
// (an opted-out one passed over), and the moderators' list sent once.
TEST_F(Community, TheMostEngagedAreAskedToMentorOnceNearTheQuartersEnd) {
  FakeCommunity c(conn, 40, 3, 4);
  auto& fake = *c.fake;
  auto& client = *c.client;
  const std::string& mods = c.general;
  db::set_region(conn, "hdv", {{"mentor_count", "3"}, {"mentor_days", "7"}, {"moderators_channel", mods}});

  const auto early = reports::run_mentors(conn, "hdv", &client, *parse_iso_time("2026-09-10T16:00:00Z"));
  EXPECT_EQ(early.period, "");
  EXPECT_EQ(early.asked, 0);

  const auto near_end = *parse_iso_time("2026-09-27T16:00:00Z");
  auto so_far = calendar::parse_period("2026-Q3");
  so_far.last = calendar::parse_day("2026-09-27");
  const auto scores = reports::engagement_scores(conn, "hdv", so_far);
  ASSERT_GE(scores.size(), 4u);
  db::set_opt_out(conn, "hdv", scores[0].parts.user_id, true);  // the top one asked for no DMs
  const auto run = reports::run_mentors(conn, "hdv", &client, near_end);
  EXPECT_EQ(run.period, "2026-Q3");
  EXPECT_EQ(run.asked, 3) << (run.lines.empty() ? "" : run.lines.front());
  EXPECT_EQ(run.moderators, 1);
  EXPECT_TRUE(fake.dm_channel(scores[0].parts.user_id).empty());
  for (size_t i = 1; i <= 3; ++i) {
    ASSERT_FALSE(fake.dm_channel(scores[i].parts.user_id).empty()) << i;
    EXPECT_EQ(fake.messages(fake.dm_channel(scores[i].parts.user_id)).size(), 1u);
  }
  int lists = 0;
  for (const auto& m : fake.messages(mods))
    if (m.value("text", "").find("Mentor pick") != std::string::npos) ++lists;
  EXPECT_EQ(lists, 1);
  // The next day: nobody is asked twice, and the list is not sent again.
  const auto again = reports::run_mentors(conn, "hdv", &client, near_end + std::chrono::days{1});
  EXPECT_EQ(again.moderators, 0);
  for (size_t i = 1; i <= 3; ++i) EXPECT_EQ(fake.messages(fake.dm_channel(scores[i].parts.user_id)).size(), 1u);
  EXPECT_EQ(count("SELECT count(*) FROM hdv.mentor_asks WHERE state = 'sent'"), 4 + again.asked);
}

// The writer's mentions, reaction totals and reaction lists (C++, at import) are the migrations'
// SQL functions.
TEST_F(Community, StoredMentionsAndReactionTotalsAreTheSqlRules) {
  test::TempDir dir;
  import_community(conn, dir.path(), 40, 1);
  for (const char* real : {"houstondatavis", "hfaran-testarchive.zip", "slackdump-source-export.zip"})
    if (fs::exists(kTestdata / real)) mining::import_export(conn, "hdv", kTestdata / real);
  // Texts and reactions no export has: labels, lower case, a tag inside a label, short and
  // unterminated tags; counts that are not whole, negative or missing.
  test::TempDir odd;
  std::ofstream(odd.path() / "channels.json") << R"([{"id":"C0000000Z1","name":"odd"}])";
  std::ofstream(odd.path() / "users.json") << R"([{"id":"U0000000Z1","name":"z"}])";
  fs::create_directories(odd.path() / "odd");
  std::ofstream(odd.path() / "odd" / "2026-01-05.json") << R"([{"type":"message","user":"U0000000Z1",
    "ts":"1767600000.000100","text":"<@U12|x> <@u34> <@UAB|<@UCD>> <@W99> <@U7> <@U88",
    "reactions":[{"name":"a","count":2.5},{"name":"b","count":-3},{"name":"c","users":["U1","U2"]},{"count":9},
    {"name":"d","count":2.5},{"name":"e","users":["U1",5,"U1"]}]}])";
  mining::import_export(conn, "hdv", odd.path());
  EXPECT_EQ(*db::sql::value(conn,
                            "SELECT array_to_string(mentions, ',') || ' ' || reaction_count || ' / ' || "
                            "array_to_string(hdv.slack_mentions(text), ',') || ' ' || "
                            "hdv.slack_reaction_total(raw) FROM hdv.messages WHERE ts = '1767600000.000100'"),
            "U12,UAB,W99 11 / U12,UAB,W99 11");
  EXPECT_EQ(*db::sql::value(conn,
                            "SELECT reaction_list || ' / ' || hdv.slack_reaction_list(raw) FROM hdv.messages "
                            "WHERE ts = '1767600000.000100'"),
            "a//3;b//0;c/U1,U2/2;d//3;e/U1,U1/3 / a//3;b//0;c/U1,U2/2;d//3;e/U1,U1/3");
  EXPECT_EQ(count("SELECT count(*) FROM hdv.messages WHERE mentions <> hdv.slack_mentions(text) OR "
                  "reaction_count <> hdv.slack_reaction_total(raw) OR "
                  "reaction_list IS DISTINCT FROM hdv.slack_reaction_list(raw)"),
            0);
  EXPECT_GT(count("SELECT count(*) FROM hdv.messages WHERE reaction_list LIKE '%;%/%,%'"), 10);
  EXPECT_GT(count("SELECT count(*) FROM hdv.messages WHERE cardinality(mentions) > 0"), 10);
  EXPECT_GT(count("SELECT count(*) FROM hdv.messages WHERE reaction_count > 0"), 10);
}

// A real workspace's year: every community report draws cleanly (charts looked at: README).
TEST_F(Community, HoustonDatavisReportsItsYear) {
  const fs::path p = kTestdata / "houstondatavis";
  if (!fs::exists(p)) GTEST_SKIP() << p << " is absent";
  mining::import_export(conn, "hdv", p);
  db::set_region(
      conn, "hdv",
      {{"community_channel", *db::sql::value(conn, "SELECT channel_id FROM hdv.channels WHERE name = 'general'")}});
  const auto plan = reports::plan_community(conn, "hdv", calendar::parse_period("2016"));
  EXPECT_GE(plan.deliveries.size(), 9u);
  EXPECT_GT(plan.beatdowns, 300);
  // 2016: Slack had no threads yet, so no answers to time and no fastest helper; said, not drawn.
  bool noted = false;
  for (const auto& n : plan.notes) noted |= n.find("no thread was answered") != std::string::npos;
  EXPECT_TRUE(noted);
  const auto rendered = reports::render_plan(plan, {}, true);
  for (size_t i = 0; i < rendered.size(); ++i)
    EXPECT_TRUE(rendered[i].layout_problems.empty())
        << plan.deliveries[i].report << ": " << rendered[i].layout_problems.front();
}

INSTANTIATE_TEST_SUITE_P(Testdata, RealWorkspace,
                         ::testing::Values("houstondatavis", "hfaran-testarchive.zip", "slackdump-source-export.zip"));

TEST_F(Community, HoustonDatavisExportsEveryTableAndTheNetwork) {
  const fs::path p = kTestdata / "houstondatavis";
  if (!fs::exists(p)) GTEST_SKIP() << p << " is absent";
  mining::import_export(conn, "hdv", p);
  test::TempDir out;
  dataset::DatasetExportOptions o;
  o.out = out.path() / "dataset";
  o.today = "2026-12-01";
  const auto r = dataset::export_dataset(conn, "hdv", o);
  EXPECT_EQ(r.messages, 1382);
  for (const char* f : {"users.csv", "channels.csv", "messages.csv", "reactions.csv", "files.csv",
                        "member_activity.csv", "channel_activity.csv", "nodes.csv", "edges.csv", "network.gexf"})
    EXPECT_TRUE(fs::exists(o.out / f)) << f;
  for (const auto& e : fs::directory_iterator(o.out))
    EXPECT_EQ(e.path().filename().string().rfind(".paxstats-export", 0), std::string::npos) << e.path();

  // member_activity.csv is the typed rows, user_id first.
  const auto rows = lines_of(slurp(o.out / "member_activity.csv"));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0],
            "user_id,user_name,messages,replies,threads_started,reactions_received,reactions_given,files,"
            "mentions_given,mentions_received,active_days,active_weeks,first_ts,last_ts");
  const auto typed = db::community::member_activity(conn, "hdv", kZone);
  ASSERT_EQ(rows.size(), typed.size() + 1);
  const auto& top = typed.front();
  EXPECT_EQ(rows[1].substr(0, rows[1].find(',')), top.user_id);
  EXPECT_NE(rows[1].find("," + std::to_string(top.messages) + "," + std::to_string(top.replies) + ","),
            std::string::npos)
      << rows[1];

  // messages.csv: a header and one row per message (texts with newlines are quoted: count rows by ts).
  EXPECT_EQ(count("SELECT count(*) FROM hdv.messages"), 1382);
  const std::string messages = slurp(o.out / "messages.csv");
  EXPECT_EQ(messages.rfind("channel_id,ts,posted_at,thread_ts,user_id,bot_id,subtype,text,reply_count,", 0), 0u);
  // A message with reactions carries them as name/users/count.
  const auto reacted =
      db::sql::query(conn,
                     "SELECT r.emoji, array_to_string(r.users, ','), r.count FROM hdv.message_reactions r "
                     "ORDER BY r.channel_id, r.ts, r.\"position\" LIMIT 1");
  ASSERT_EQ(reacted.size(), 1u);
  EXPECT_NE(messages.find(*reacted[0][0] + "/" + *reacted[0][1] + "/" + *reacted[0][2]), std::string::npos);

  // The network: Gephi's columns, and every edge's ends are nodes.
  const auto nodes = lines_of(slurp(o.out / "nodes.csv"));
  const auto edges = lines_of(slurp(o.out / "edges.csv"));
  EXPECT_EQ(nodes[0], "Id,Label,Messages");
  EXPECT_EQ(edges[0], "Source,Target,Weight,Type,Kind");
  EXPECT_GT(edges.size(), 10u);
  std::set<std::string> ids;
  for (size_t i = 1; i < nodes.size(); ++i) ids.insert(nodes[i].substr(0, nodes[i].find(',')));
  std::set<std::string> kinds;
  for (size_t i = 1; i < edges.size(); ++i) {
    std::stringstream ss(edges[i]);
    std::string source, target, weight, type, kind;
    std::getline(ss, source, ',');
    std::getline(ss, target, ',');
    std::getline(ss, weight, ',');
    std::getline(ss, type, ',');
    std::getline(ss, kind, ',');
    EXPECT_TRUE(ids.count(source) && ids.count(target)) << edges[i];
    EXPECT_NE(source, target);
    EXPECT_GT(std::stol(weight), 0);
    EXPECT_EQ(type, "Directed");
    kinds.insert(kind);
  }
  // A 2016 workspace: Slack had no threads yet, so no reply edges.
  EXPECT_EQ(count("SELECT count(*) FROM hdv.member_messages WHERE is_reply"), 0);
  EXPECT_EQ(kinds, (std::set<std::string>{"mention", "reaction"}));
  const std::string gexf = slurp(o.out / "network.gexf");
  EXPECT_EQ(gexf.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gexf xmlns=\"http://www.gexf.net/1.2draft\"", 0),
            0u);
  size_t gexf_edges = 0;
  for (size_t at = gexf.find("<edge "); at != std::string::npos; at = gexf.find("<edge ", at + 1)) ++gexf_edges;
  EXPECT_EQ(gexf_edges, edges.size() - 1);
  // Issue 29: networkx (which reads GEXF 1.2draft only) reads the file as its users will, and
  // finds the nodes and edges of nodes.csv and edges.csv.
  const std::string script =
      "import sys, networkx as nx\n"
      "g = nx.read_gexf(sys.argv[1])\n"
      "print(g.number_of_nodes(), g.number_of_edges(), int(sum(d.get('weight', 0) for _, _, d in "
      "g.edges(data=True))))\n";
  const fs::path py = out.path() / "read_gexf.py";
  std::ofstream(py) << script;
  FILE* pipe = ::popen(("python3 '" + py.string() + "' '" + (o.out / "network.gexf").string() + "' 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buf[512] = {};
  std::string said;
  while (std::fgets(buf, sizeof buf, pipe)) said += buf;
  ASSERT_EQ(::pclose(pipe), 0) << said;
  long weight = 0;
  for (size_t i = 1; i < edges.size(); ++i) {
    std::stringstream ss(edges[i]);
    std::string field;
    for (int k = 0; k < 3; ++k) std::getline(ss, field, ',');
    weight += std::stol(field);
  }
  EXPECT_EQ(said, std::to_string(nodes.size() - 1) + " " + std::to_string(edges.size() - 1) + " " +
                      std::to_string(weight) + "\n");
}

TEST_F(Community, NdjsonCarriesBigQuerySchemasAndAWindowLimitsTheMessages) {
  const fs::path p = kTestdata / "houstondatavis";
  if (!fs::exists(p)) GTEST_SKIP() << p << " is absent";
  mining::import_export(conn, "hdv", p);
  test::TempDir out;
  dataset::DatasetExportOptions o;
  o.out = out.path();
  o.format = db::community::ExportFormat::ndjson;
  o.window = {"2016-03-01", "2016-04-01"};
  o.today = "2026-12-01";
  const auto r = dataset::export_dataset(conn, "hdv", o);
  const long in_march = count(
      "SELECT count(*) FROM hdv.messages WHERE posted_at >= '2016-03-01 00:00 America/Chicago' "
      "AND posted_at < '2016-04-01 00:00 America/Chicago'");
  EXPECT_GT(in_march, 0);
  EXPECT_LT(in_march, 1382);
  EXPECT_EQ(r.messages, in_march);
  const auto lines = lines_of(slurp(out.path() / "messages.ndjson"));
  ASSERT_EQ(static_cast<long>(lines.size()), in_march);
  for (const auto& l : lines) {
    const auto m = json::parse(l);  // every line is one JSON object
    EXPECT_TRUE(m["reactions"].is_array());
    EXPECT_GE(m["posted_at"].get<std::string>(), "2016-03-01T06:00:00Z");
    EXPECT_LT(m["posted_at"].get<std::string>(), "2016-04-01T05:00:00Z");
  }
  const auto schema = json::parse(slurp(out.path() / "messages.schema.json"));
  ASSERT_TRUE(schema.is_array());
  std::map<std::string, json> fields;
  for (const auto& f : schema) fields[f["name"]] = f;
  EXPECT_EQ(fields["posted_at"]["type"], "TIMESTAMP");
  EXPECT_EQ(fields["reply_count"]["type"], "INTEGER");
  EXPECT_EQ(fields["reactions"]["type"], "RECORD");
  EXPECT_EQ(fields["reactions"]["mode"], "REPEATED");
  EXPECT_EQ(fields["reactions"]["fields"].size(), 3u);
  // Each key of a row is a field of its schema.
  const auto first = json::parse(lines.front());
  EXPECT_EQ(first.size(), schema.size());
  for (const auto& [k, v] : first.items()) EXPECT_TRUE(fields.count(k)) << k;
  EXPECT_TRUE(fs::exists(out.path() / "member_activity.schema.json"));
  EXPECT_TRUE(fs::exists(out.path() / "nodes.csv"));  // Gephi reads CSV
}

// The export's tables are read by several readers at once (one connection each): a sibling reads
// the first reader's snapshot, so a message stored after the first began is in no table, while a
// reader begun after it sees it.
TEST_F(Community, ParallelReadersOfAnExportShareOneSnapshot) {
  auto insert = [&](const std::string& ts) {
    db::sql::query(conn,
                   "INSERT INTO hdv.messages (channel_id, ts, user_id, text, posted_at, raw, source) VALUES "
                   "('C1', $1, 'U0000000A1', 'hello', to_timestamp(1700000000), '{}', 'api')",
                   {ts});
  };
  insert("1700000000.000100");
  auto rows = [](db::community::DatasetReader& r) {
    return dataset::write_raw_table(r, db::community::ExportTable::messages, db::community::ExportFormat::csv,
                                    [](std::string_view) {});
  };
  db::community::DatasetReader first(conn, "hdv", kZone, {});
  insert("1700000000.000200");  // committed after the first reader began
  db::community::DatasetReader sibling(conn, "hdv", kZone, {}, first);
  db::community::DatasetReader later(conn, "hdv", kZone, {});
  EXPECT_EQ(rows(sibling), 1);
  EXPECT_EQ(rows(first), 1);
  EXPECT_EQ(rows(later), 2);
  db::community::DatasetReader second_sibling(conn, "hdv", kZone, {}, first);
  EXPECT_EQ(rows(second_sibling), 1) << "the snapshot is exported once and stays while the first reader stands";
}

TEST_F(Community, HostileNamesAndABadWindowAreHandled) {
  // A name that is markup or SQL is data: escaped once in GEXF, quoted in CSV.
  db::sql::query(conn, "INSERT INTO hdv.users (user_id, user_name) VALUES ('U0000000A1', $1), ('U0000000A2', 'Plain')",
                 {std::string("<script>alert(\"x\")</script>, Robert'); DROP TABLE users;--\x01")});
  db::sql::query(
      conn,
      "INSERT INTO hdv.messages (channel_id, ts, user_id, text, posted_at, raw, source) VALUES "
      "('C1', '1700000000.000100', 'U0000000A1', 'hi <@U0000000A2>', to_timestamp(1700000000), '{}', 'api')");
  test::TempDir out;
  dataset::DatasetExportOptions o;
  o.out = out.path();
  o.today = "2026-12-01";
  dataset::export_dataset(conn, "hdv", o);
  const std::string gexf = slurp(out.path() / "network.gexf");
  EXPECT_NE(gexf.find("label=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;, Robert&#39;); DROP TABLE users;--\""),
            std::string::npos)
      << gexf;
  EXPECT_EQ(gexf.find("<script>"), std::string::npos);
  EXPECT_EQ(gexf.find('\x01'), std::string::npos);
  EXPECT_NE(slurp(out.path() / "users.csv").find("\"<script>alert(\"\"x\"\")</script>, Robert'); DROP TABLE users;--"),
            std::string::npos);
  EXPECT_EQ(count("SELECT count(*) FROM hdv.users"), 2);

  o.window = {"last tuesday", ""};
  try {
    dataset::export_dataset(conn, "hdv", o);
    FAIL() << "a window PostgreSQL cannot read was accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("\"last tuesday\""), std::string::npos) << e.what();
  }
}
