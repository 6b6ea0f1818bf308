// The backblast parser: one golden test per format regions really post, and the field rules.
#include <gtest/gtest.h>

#include <algorithm>

#include "paxstats/mining/backblast.hpp"

using namespace paxstats::mining;
using json = nlohmann::json;
using namespace date::literals;

namespace {

const std::vector<ChannelInfo> kChannels = {{"C0FORGE001", "ao-the-forge"},
                                            {"C0BLEACH01", "bleach"},
                                            {"C0FIRSTF01", "1st-f"},
                                            {"C0IRONMTN1", "ao-iron-mountain"}};

const ParseContext& ctx() {
  static const ParseContext c("America/Chicago", kChannels);
  return c;
}

// Posted 2024-03-05 07:15 in Chicago (13:15 UTC), in #ao-the-forge unless told otherwise.
Backblast parse(std::string_view text, std::string_view channel = "C0FORGE001", const json* blocks = nullptr,
                const json* metadata = nullptr) {
  return parse_backblast({text, blocks, metadata, channel,
                          date::sys_days{2024_y / 3 / 5} + std::chrono::hours(13) + std::chrono::minutes(15)},
                         ctx());
}

Person U(const char* id) { return {id, ""}; }
Person N(const char* name) { return {"", name}; }

bool has_issue(const std::vector<ParseIssue>& v, const std::string& field) {
  return std::any_of(v.begin(), v.end(), [&](const ParseIssue& i) { return i.field == field; });
}

}  // namespace

// ---------------------------------------------------------------- formats

TEST(BackblastFormats, PaxminerTemplate) {
  auto b = parse(
      "Backblast: Murph in the rain\n"
      "Date: 3/4/2024\n"
      "AO: <#C0FORGE001|ao-the-forge>\n"
      "Q: <@U0000000Q1>\n"
      "PAX: <@U00000000A> <@U00000000B> <@U00000000C>, Hoss\n"
      "FNGs: 1 Snickle\n"
      "Count: 6\n"
      "\n"
      "WARMUP: SSH x 20\n"
      "COT: prayers");
  ASSERT_TRUE(b.is_backblast);
  EXPECT_EQ(b.title, "Murph in the rain");
  EXPECT_EQ(b.date, 2024_y / 3 / 4);
  EXPECT_EQ(b.date_source, DateSource::field);
  EXPECT_EQ(b.ao_channel_id, "C0FORGE001");
  EXPECT_EQ(b.q, U("U0000000Q1"));
  EXPECT_TRUE(b.coqs.empty());
  EXPECT_EQ(b.pax, (std::vector<Person>{U("U0000000Q1"), U("U00000000A"), U("U00000000B"), U("U00000000C"), N("Hoss"),
                                        N("Snickle")}));
  EXPECT_EQ(b.fng_count, 1);
  EXPECT_EQ(b.fng_names, std::vector<std::string>{"Snickle"});
  EXPECT_EQ(b.count, 6);
  EXPECT_EQ(b.derived_count, 6);
  EXPECT_TRUE(b.errors.empty());
  EXPECT_EQ(b.role_of(N("Snickle")), Role::fng);
  EXPECT_EQ(b.role_of(N("Hoss")), Role::pax);
}

TEST(BackblastFormats, SlackblastOld) {
  auto b = parse(
      "*Slackblast*: \n"
      "*Merkin madness*\n"
      "*DATE*: 2024-03-02\n"
      "*AO*: <#C0BLEACH01>\n"
      "*Q*: <@U0000000Q1>\n"
      "*PAX*: <@U00000000A> <@U00000000B> \n"
      "*FNGs*: None\n"
      "*COUNT*: 3\n"
      "THE THANG: Dora 1-2-3");
  ASSERT_TRUE(b.is_backblast);
  EXPECT_EQ(b.title, "Merkin madness");
  EXPECT_EQ(b.date, 2024_y / 3 / 2);
  EXPECT_EQ(b.ao_channel_id, "C0BLEACH01");
  EXPECT_EQ(b.pax.size(), 3u);
  EXPECT_EQ(b.fng_count, 0);
  EXPECT_EQ(b.count, 3);
  EXPECT_TRUE(b.warnings.empty()) << b.warnings.front().reason;
}

TEST(BackblastFormats, SlackblastFngsCapsVariant) {
  auto b = parse(
      "*Slackblast*: \n*Title*\n*DATE*: 2023-02-11\n*AO*: <#C0BLEACH01>\n*Q*: <@U0000000Q1>\n"
      "*PAX*: <@U00000000A> , Zoë, 호랑이\n*FNGS*: 2 Zoë, 호랑이\n*COUNT*: 4");
  ASSERT_TRUE(b.is_backblast);
  EXPECT_EQ(b.fng_count, 2);
  EXPECT_EQ(b.fng_names, (std::vector<std::string>{"Zoë", "호랑이"}));
  EXPECT_EQ(b.pax, (std::vector<Person>{U("U0000000Q1"), U("U00000000A"), N("Zoë"), N("호랑이")}));
}

TEST(BackblastFormats, SlackblastNewWithCoQsAndNonSlackPax) {
  auto b = parse(
      "*Backblast! The Deck of Doom*\n"
      "*DATE*: 2024-03-04\n"
      "*AO*: <#C0FORGE001>\n"
      "*Q*: <@U0000000Q1>, <@U000000CQ1> <@U000000CQ2> \n"
      "*PAX*: <@U00000000A> <@U00000000B> , Big Sky, Snickle\n"
      "*FNGs*: 1 Snickle\n"
      "*COUNT*: 7\n"
      "WARMUP: SSH");
  ASSERT_TRUE(b.is_backblast);
  EXPECT_EQ(b.title, "The Deck of Doom");
  EXPECT_EQ(b.q, U("U0000000Q1"));
  EXPECT_EQ(b.coqs, (std::vector<Person>{U("U000000CQ1"), U("U000000CQ2")}));
  EXPECT_EQ(b.derived_count, 7);
  EXPECT_EQ(b.role_of(U("U000000CQ2")), Role::coq);
  EXPECT_EQ(b.fng_names, std::vector<std::string>{"Snickle"});
}

TEST(BackblastFormats, SlackblastHeaderOnlyInBlocksAndMetadata) {
  // With a PAXminer schema configured, slackblast's text is only the moleskine.
  const json blocks = json::parse(R"([
    {"type":"section","text":{"type":"mrkdwn","text":"*Backblast! Hills*\n*DATE*: 2024-03-04\n*AO*: <#C0FORGE001>\n)"
                                  R"(*Q*: <@U0000000Q1>\n*PAX*: <@U00000000A> \n*FNGs*: \n*COUNT*: 2"}},
    {"type":"rich_text","elements":[]}])");
  auto b =
      parse("WARMUP: SSH\nQ: <@U0000000ZZ> has it next week\nUse the 'New Backblast' button to create a new backblast",
            "C0FORGE001", &blocks);
  ASSERT_TRUE(b.is_backblast);
  EXPECT_EQ(b.source, Source::blocks);
  EXPECT_EQ(b.q, U("U0000000Q1"));
  EXPECT_EQ(b.count, 2);
}

TEST(BackblastFormats, MetadataWhenNeitherTextNorBlocksHaveTheHeader) {
  const json meta = json::parse(R"({"event_type":"backblast","event_payload":{
      "title":"Ruck","date":"2024-03-02","the_ao":"C0BLEACH01","the_q":"U0000000Q1","the_coq":["U000000CQ1"],
      "the_pax":["U00000000A","U00000000B"],"non_slack_pax":"Hoss, Big Sky","fngs":"Snickle","count":"7"}})");
  auto b = parse("Great ruck today.", "C0FIRSTF01", nullptr, &meta);
  ASSERT_TRUE(b.is_backblast);
  EXPECT_EQ(b.source, Source::metadata);
  EXPECT_EQ(b.date, 2024_y / 3 / 2);
  EXPECT_EQ(b.ao_channel_id, "C0BLEACH01");
  EXPECT_EQ(b.coqs, std::vector<Person>{U("U000000CQ1")});
  EXPECT_EQ(b.pax.size(), 7u);
  EXPECT_EQ(b.fng_count, 1);
  EXPECT_EQ(b.count, 7);
}

TEST(BackblastFormats, F3NationBotWithThePlainAoName) {
  const json blocks = json::parse(R"([{"type":"section","text":{"type":"mrkdwn","text":
      "*Backblast! Iron*\n*DATE*: 2025-06-07\n*AO*: Iron Mountain\n*Q*: <@U0000000Q1> <@U000000CQ1>\n)"
                                  R"(*PAX*: <@U00000000A> \n*FNGs*: \n*COUNT*: 3"}}])");
  auto b = parse("MARY: flutters", "C0IRONMTN1", &blocks);
  ASSERT_TRUE(b.is_backblast);
  EXPECT_EQ(b.ao_channel_id, "C0IRONMTN1");
  EXPECT_FALSE(b.ao_name);
  EXPECT_EQ(b.coqs, std::vector<Person>{U("U000000CQ1")});
}

TEST(BackblastFormats, HashtagStyle) {
  auto b = parse(
      "#backblast #bleach\nBlimps and Burpees\nQ: <@U0000000Q1>\nPAX: <@U00000000A>, Snickle (FNG)\nFNGs: 1\nCount: 3",
      "C0FIRSTF01");
  ASSERT_TRUE(b.is_backblast);
  EXPECT_EQ(b.ao_channel_id, "C0BLEACH01");
  EXPECT_EQ(b.title, "Blimps and Burpees");
  EXPECT_EQ(b.date_source, DateSource::posted_at);
  EXPECT_EQ(b.date, 2024_y / 3 / 5);
  EXPECT_EQ(b.fng_names, std::vector<std::string>{"Snickle"});
}

TEST(BackblastFormats, HandTypedWithBulletsCaseAndTypedNames) {
  auto b = parse(
      ":fire: BACKBLAST - Coupons\n"
      "  • when: December 10, 2020. 28 degrees\n"
      "  • Where - The Forge\n"
      "  • QIC: Green Thumb and Gilmore\n"
      "  • The PAX: <@U00000000A>, @Slice, @Doppler, Atlas (@Stinger) and Snickle (FNG)\n"
      "  • total: 7\n");
  ASSERT_TRUE(b.is_backblast);
  EXPECT_EQ(b.date, 2020_y / 12 / 10);
  EXPECT_EQ(b.ao_channel_id, "C0FORGE001");
  EXPECT_EQ(b.q, N("Green Thumb"));
  EXPECT_EQ(b.coqs, std::vector<Person>{N("Gilmore")});
  EXPECT_EQ(b.pax, (std::vector<Person>{N("Green Thumb"), N("Gilmore"), U("U00000000A"), N("Slice"), N("Doppler"),
                                        N("Atlas"), N("Snickle")}));
  EXPECT_EQ(b.fng_count, 1);
  EXPECT_EQ(b.count, 7);
  EXPECT_TRUE(has_issue(b.warnings, "q"));  // typed, not mentioned
  EXPECT_TRUE(has_issue(b.warnings, "date")) << "a 2020 date posted in 2024 deserves a look";
}

TEST(BackblastFormats, TypedAtRunsAndLegacyMentions) {
  auto b =
      parse("Backblast\nQ: <@U0000000Q1|gilmore>\nPAX: @Crack@Captain Crunch@Bloomer <@U00000000A|slice>\nCount: 5");
  ASSERT_TRUE(b.is_backblast);
  EXPECT_EQ(b.q, U("U0000000Q1"));
  EXPECT_EQ(b.pax,
            (std::vector<Person>{U("U0000000Q1"), N("Crack"), N("Captain Crunch"), N("Bloomer"), U("U00000000A")}));
}

// ---------------------------------------------------------------- detection

TEST(BackblastDetection, NeedsAHeaderAndAtLeastOneField) {
  EXPECT_FALSE(parse("Backblast coming soon").is_backblast);
  EXPECT_FALSE(parse("Backblast? Anyone? Who had the Q today?").is_backblast);
  EXPECT_FALSE(parse("Who's posting the backblast for today?\nQ: TBD").is_backblast);
  EXPECT_FALSE(parse("*Preblast: Hills*\n*Date*: 2024-03-06\n*Where*: <#C0FORGE001>\n*Q*: <@U0000000Q1>").is_backblast);
  EXPECT_TRUE(parse("  *Back Blast*: x\nQ: <@U0000000Q1>").is_backblast);
  EXPECT_TRUE(parse("slack blast\nQ: <@U0000000Q1>").is_backblast);
  EXPECT_TRUE(parse("🔥 Backblast!\nQ: <@U0000000Q1>").is_backblast);
  EXPECT_TRUE(parse("*_Backblast_*: hills\nQ: <@U0000000Q1>").is_backblast);
  EXPECT_FALSE(parse("Backblasting the hills\nQ: <@U0000000Q1>").is_backblast);
}

TEST(BackblastDetection, FieldsOnTheFirstAndLastLine) {
  auto b = parse("Q: <@U0000000Q1>\nBackblast\nPAX: <@U00000000A>\nCount: 2");
  ASSERT_TRUE(b.is_backblast);
  EXPECT_EQ(b.q, U("U0000000Q1"));
  EXPECT_EQ(b.count, 2);
}

TEST(BackblastDetection, TheFirstOccurrenceOfAFieldWins) {
  auto b = parse(
      "Backblast: x\nQ: <@U0000000Q1>\nPAX: <@U00000000A>\nCOT: good\nQ: <@U0000000ZZ> has it next week\nCount: "
      "9\nCount: 2");
  EXPECT_EQ(b.q, U("U0000000Q1"));
  EXPECT_EQ(b.count, 9);
}

// ---------------------------------------------------------------- field rules

TEST(BackblastDates, ReadsTheWaysQsWriteThem) {
  const auto near = 2023_y / 3 / 10;
  struct Case {
    const char* text;
    date::year_month_day want;
  } cases[] = {
      {"2023-03-08", 2023_y / 3 / 8},
      {"3/8/2023", 2023_y / 3 / 8},
      {"3/8/23", 2023_y / 3 / 8},
      {"3-8-23", 2023_y / 3 / 8},
      {"3.8.23", 2023_y / 3 / 8},
      {"8-Mar-2023", 2023_y / 3 / 8},
      {"March 8, 2023", 2023_y / 3 / 8},
      {"December 25, 2020", 2020_y / 12 / 25},
      {"Wednesday, March 8, 2023", 2023_y / 3 / 8},
      {"December 10, 2020. 28 degrees", 2020_y / 12 / 10},
      {"3/8/2023 - humid and dark", 2023_y / 3 / 8},
      {"Mar 8th, 2023", 2023_y / 3 / 8},
      {"Sept 1 2022", 2022_y / 9 / 1},
      {"3/8", 2023_y / 3 / 8},
      {"12/31", 2022_y / 12 / 31},
      {"8 March 2023", 2023_y / 3 / 8},
      {"<!date^1678258800^{date}|March 8th>", 2023_y / 3 / 8},
  };
  for (const auto& c : cases) {
    auto d = parse_date(c.text, near);
    ASSERT_TRUE(d) << c.text;
    EXPECT_EQ(*d, c.want) << c.text;
  }
  for (const char* bad : {"", "yesterday", "13/45/2023", "2023-02-30", "the 5th"})
    EXPECT_FALSE(parse_date(bad, near)) << bad;
}

TEST(BackblastDates, MissingDateIsThePostingDayInTheRegionsZone) {
  // 02:30 UTC on the 6th is still the 5th in Chicago.
  auto b = parse_backblast({"Backblast\nQ: <@U0000000Q1>", nullptr, nullptr, "C0FORGE001",
                            date::sys_days{2024_y / 3 / 6} + std::chrono::hours(2) + std::chrono::minutes(30)},
                           ctx());
  EXPECT_EQ(b.date, 2024_y / 3 / 5);
  EXPECT_EQ(b.date_source, DateSource::posted_at);
}

TEST(BackblastDates, AnUnreadableDateIsAnErrorAndThePostingDateIsUsed) {
  auto b = parse("Backblast\nDate: the day after St. Paddy's\nQ: <@U0000000Q1>");
  ASSERT_TRUE(b.is_backblast);
  EXPECT_EQ(b.date, 2024_y / 3 / 5);
  ASSERT_TRUE(has_issue(b.errors, "date"));
  EXPECT_EQ(b.errors.front().line, 2);
}

TEST(BackblastAo, ChannelLinksNamesAndFallbacks) {
  EXPECT_EQ(parse("Backblast\nAO: <#C0BLEACH01|bleach>\nQ: <@U1>").ao_channel_id, "C0BLEACH01");
  EXPECT_EQ(parse("Backblast\nAO: <#C0BLEACH01|>\nQ: <@U1>").ao_channel_id, "C0BLEACH01");
  EXPECT_EQ(parse("Backblast\nAO: #bleach\nQ: <@U1>").ao_channel_id, "C0BLEACH01");
  EXPECT_EQ(parse("Backblast\nAO: the forge\nQ: <@U1>", "C0FIRSTF01").ao_channel_id, "C0FORGE001");
  EXPECT_EQ(parse("Backblast\nQ: <@U1>", "C0BLEACH01").ao_channel_id, "C0BLEACH01");  // missing: where posted
  auto unknown = parse("Backblast\nAO: Parking Lot 7\nQ: <@U1>", "C0BLEACH01");
  EXPECT_EQ(unknown.ao_channel_id, "C0BLEACH01");
  EXPECT_EQ(unknown.ao_name, "Parking Lot 7");
  EXPECT_TRUE(has_issue(unknown.warnings, "ao"));
}

TEST(BackblastPeople, QAndCoQsAlwaysAttendAndCountOnce) {
  auto b = parse(
      "Backblast\nQ: <@U0000000Q1>\nCo-Q: <@U000000CQ1>\nPAX: <@U0000000Q1> <@U000000CQ1> <@U00000000A>\nCount: 3");
  EXPECT_EQ(b.pax.size(), 3u);
  EXPECT_EQ(b.derived_count, 3);
  EXPECT_FALSE(has_issue(b.warnings, "count"));
}

TEST(BackblastPeople, NoQIsAnError) {
  auto b = parse("Backblast\nPAX: <@U00000000A>\nCount: 1");
  ASSERT_TRUE(b.is_backblast);
  EXPECT_FALSE(b.q);
  EXPECT_TRUE(has_issue(b.errors, "q"));
}

TEST(BackblastFngs, CountsAndNames) {
  auto f = [](const char* line) { return parse(std::string("Backblast\nQ: <@U1>\nFNGs: ") + line); };
  for (const char* none : {"None", "0", "-", "none", "n/a", ""}) EXPECT_EQ(f(none).fng_count, 0) << none;
  auto two = f("2 Bob, Jim");
  EXPECT_EQ(two.fng_count, 2);
  EXPECT_EQ(two.fng_names, (std::vector<std::string>{"Bob", "Jim"}));
  EXPECT_EQ(f("Bob, Jim").fng_count, 2);
  auto mentioned = f("1 <@U0000000F1>");
  EXPECT_EQ(mentioned.fng_user_ids, std::vector<std::string>{"U0000000F1"});
  EXPECT_EQ(mentioned.role_of(U("U0000000F1")), Role::fng);
  EXPECT_EQ(f("3 Bob").fng_count, 3);  // the Q counted three, named one
}

TEST(BackblastCount, AsWrittenWinsWithWarningsWhenItDisagreesOrIsMissing) {
  auto written = parse("Backblast\nQ: <@U1>\nPAX: <@U2> <@U3>\nCount: 7 (incl 2 FNGs)");
  EXPECT_EQ(written.count, 7);
  EXPECT_EQ(written.derived_count, 3);
  EXPECT_EQ(written.effective_count(), 7);
  EXPECT_TRUE(has_issue(written.warnings, "count"));
  auto missing = parse("Backblast\nQ: <@U1>\nPAX: <@U2> <@U3>");
  EXPECT_FALSE(missing.count);
  EXPECT_EQ(missing.effective_count(), 3);
  EXPECT_TRUE(has_issue(missing.warnings, "count"));
  auto number_pax = parse("Backblast\nQ: <@U1>\nPAX: 39");
  EXPECT_EQ(number_pax.count, 39);
  EXPECT_EQ(number_pax.pax.size(), 1u) << "a number is a count, not a name";
  EXPECT_EQ(parse("Backblast\nQ: <@U1>\nNumber of Pax: 12").count, 12);
}

TEST(BackblastRobustness, HostileInputNeverThrows) {
  std::string invalid_utf8 = "Backblast\nQ: <@U1>\nPAX: \xff\xfe\xc3 Bob, \xe2\x82";
  EXPECT_NO_THROW(parse(invalid_utf8));
  std::string huge = "Backblast\nQ: <@U1>\nPAX: ";
  for (int i = 0; i < 20000; ++i) huge += "Name" + std::to_string(i) + ", ";
  auto b = parse(huge);
  EXPECT_EQ(b.pax.size(), 20001u);
  for (const char* odd : {"<", "Backblast\n<@", "Backblast\nQ: <@U1", "Backblast\nPAX: (((",
                          "Backblast\nDate: 99/99/99\nQ: x", "\n\n\n", "Backblast\nQ:", "Backblast\nQ: <#C1|>"})
    EXPECT_NO_THROW(parse(odd)) << odd;
}

TEST(BackblastJson, MatchesTheCliSchema) {
  auto j = to_json(
      parse("Backblast: T\nDate: 2024-03-04\nAO: <#C0BLEACH01>\nQ: <@U1>\nPAX: <@U2>, Hoss\nFNGs: None\nCount: 3"));
  EXPECT_EQ(j["is_backblast"], true);
  EXPECT_EQ(j["date"], "2024-03-04");
  EXPECT_EQ(j["date_source"], "field");
  EXPECT_EQ(j["ao"], (json{{"channel_id", "C0BLEACH01"}, {"name", nullptr}}));
  EXPECT_EQ(j["q"], (json{{"user_id", "U1"}}));
  EXPECT_EQ(j["pax"], json::parse(R"([{"user_id":"U1"},{"user_id":"U2"},{"name":"Hoss"}])"));
  EXPECT_EQ(j["fngs"]["count"], 0);
  EXPECT_EQ(j["count"], 3);
  EXPECT_EQ(j["derived_count"], 3);
  for (const char* k : {"title", "coqs", "warnings", "errors"}) EXPECT_TRUE(j.contains(k)) << k;
  auto none = to_json(parse("hello"));
  EXPECT_EQ(none["is_backblast"], false);
  EXPECT_TRUE(none["q"].is_null());
}

// ---------------------------------------------------------------- hostile input

TEST(BackblastHostile, FieldsOfTheWrongTypeAreReadAsAbsentNeverThrown) {
  const json meta = json::parse(R"({"event_type":5,"event_payload":{"the_q":7}})");
  const json blocks = json::parse(R"([{"type":["section"],"text":{"text":"Backblast: x"}}, 3, {"type":null}])");
  EXPECT_NO_THROW(parse("Great ruck today.", "C0FIRSTF01", &blocks, &meta));
  EXPECT_FALSE(parse("Great ruck today.", "C0FIRSTF01", &blocks, &meta).is_backblast);
  const json meta2 = json::parse(R"({"event_type":"backblast","event_payload":{"the_q":7,"the_pax":[1,{"a":2}],
      "date":[],"the_ao":{},"count":"many","fngs":false}})");
  EXPECT_NO_THROW(parse("x", "C0FIRSTF01", nullptr, &meta2));
}

TEST(BackblastHostile, ThousandsOfFngsAndOddBracketsStayLinear) {
  // 20,000 typed names marked (FNG), a run of '<' with no '>', a header with 50,000 '!'s: each
  // once took quadratic time (seconds to minutes); now they are read at once (bench/parse_bench
  // measures it).
  std::string pax;
  for (int i = 0; i < 20000; ++i) pax += "Name" + std::to_string(i) + " (FNG), ";
  auto b = parse("Backblast " + std::string(50000, '!') + " Big day\nQ: <@U0000000Q1>\nPAX: " + pax +
                 std::string(50000, '<') + "\nCOUNT: 20001");
  EXPECT_TRUE(b.is_backblast);
  EXPECT_EQ(b.fng_count, 20000);
  EXPECT_EQ(b.title, "Big day");
  const auto roles = b.roles();
  EXPECT_EQ(std::count(roles.begin(), roles.end(), Role::fng), 20000);
  EXPECT_EQ(std::count(roles.begin(), roles.end(), Role::q), 1);
}

// ---------------------------------------------------------------- slips seen in real posts

const ParseIssue* issue_of(const std::vector<ParseIssue>& v, const std::string& field) {
  for (const auto& i : v)
    if (i.field == field) return &i;
  return nullptr;
}

TEST(BackblastSlips, FngNamesAfterTheNumberBehindADashOrInParentheses) {
  for (const char* line : {"FNGs: 1 - Toaster", "FNGs: 1 (Toaster)", "FNGs: 1: Toaster", "FNGs: 1 – Toaster"}) {
    auto b = parse(std::string("Backblast: Hills\nDate: 3/4/2024\nQ: <@U0000000Q1>\nPAX: <@U00000000A>\n") + line +
                   "\nCount: 3");
    EXPECT_EQ(b.fng_names, std::vector<std::string>{"Toaster"}) << line;
    EXPECT_EQ(b.fng_count, 1) << line;
  }
  auto two = parse("Backblast: Hills\nDate: 3/4/2024\nQ: <@U0000000Q1>\nFNGs: 2 (Toaster, Hammer)\nCount: 3");
  EXPECT_EQ(two.fng_names, (std::vector<std::string>{"Toaster", "Hammer"}));
  auto noted = parse("Backblast: Hills\nDate: 3/4/2024\nQ: <@U0000000Q1>\nFNGs: 1 Toaster (brought by Hoss)\nCount: 2");
  EXPECT_EQ(noted.fng_names, std::vector<std::string>{"Toaster"}) << "a note after a name is still a note";
}

TEST(BackblastSlips, EmojiAroundTheHeaderWordAreNotTheTitle) {
  auto b = parse(":muscle: Backblast :fire: 🔥 Rainy Thursday\nDate: 3/4/2024\nQ: <@U0000000Q1>\nCount: 1");
  EXPECT_EQ(b.title, "Rainy Thursday");
  EXPECT_EQ(parse("Backblast! 💪 Hills 🔥\nDate: 3/4/2024\nQ: <@U0000000Q1>").title, "Hills 🔥");
}

TEST(BackblastSlips, AnAoNameWithAnEmojiFindsItsChannel) {
  auto b = parse("Backblast: Hills\nDate: 3/4/2024\nAO: ao-iron-mountain 🌞\nQ: <@U0000000Q1>\nCount: 1", "C0BLEACH01");
  EXPECT_EQ(b.ao_channel_id, "C0IRONMTN1");
  EXPECT_FALSE(has_issue(b.warnings, "ao"));
  auto shortcode = parse("Backblast: Hills\nDate: 3/4/2024\nAO: :sunny: The Forge\nQ: <@U0000000Q1>", "C0BLEACH01");
  EXPECT_EQ(shortcode.ao_channel_id, "C0FORGE001");
}

TEST(BackblastSlips, ATypoedLabelIsWarnedAboutNotSilentlyDropped) {
  auto b = parse("Backblast: Hills\nDAET: 3/3/2024\nQ: <@U0000000Q1>\nPAX: <@U00000000A>\nCount: 2");
  EXPECT_EQ(b.date_source, DateSource::posted_at);
  const ParseIssue* w = issue_of(b.warnings, "date");
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->reason.find("\"DAET:\" looks like DATE"), std::string::npos) << w->reason;
  EXPECT_EQ(w->line, 2);
  for (const char* typo : {"Paz: <@U00000000A>", "Cuont: 2", "FGNs: Toaster", "A0: bleach"}) {
    auto t = parse(std::string("Backblast: Hills\nDate: 3/4/2024\nQ: <@U0000000Q1>\n") + typo);
    EXPECT_TRUE(std::any_of(t.warnings.begin(), t.warnings.end(), [](const ParseIssue& i) {
      return i.reason.find("is not a label paxstats reads") != std::string::npos;
    })) << typo;
  }
  // The headings of a backblast are no typos, and a label that is there needs no guess.
  auto clean = parse(
      "Backblast: Hills\nDate: 3/4/2024\nQ: <@U0000000Q1>\nPAX: <@U00000000A>\nCount: 2\n"
      "COT: prayers\nNote: bring water\nName: Hills\nSo: we ran\nWarmup: SSH\nMary: flutters\nDat: typo with a date "
      "line present");
  for (const auto& i : clean.warnings) EXPECT_EQ(i.reason.find("is not a label"), std::string::npos) << i.reason;
}

TEST(BackblastSlips, AWeekdayThatDisagreesWithTheDateIsWarned) {
  auto b = parse("Backblast: Hills\nDate: Monday 3/5\nQ: <@U0000000Q1>\nCount: 1");
  EXPECT_EQ(b.date, 2024_y / 3 / 5);  // the written date stands; the warning asks the Q to check
  const ParseIssue* w = issue_of(b.warnings, "date");
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->reason.find("is a Tuesday, but the line says Monday"), std::string::npos) << w->reason;
  EXPECT_FALSE(has_issue(parse("Backblast: Hills\nDate: Tues 3/5\nQ: <@U0000000Q1>\nCount: 1").warnings, "date"));
}

TEST(BackblastSlips, ATypedAtSignIsToldHowToMakeARealMention) {
  auto b = parse("Backblast: Hills\nDate: 3/4/2024\nQ: <@U0000000Q1>\nPAX: <@U00000000A> @Frank, Hoss\nCount: 3");
  std::vector<std::string> messages;
  for (const auto& i : b.warnings)
    if (i.field == "pax") messages.push_back(i.reason);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(messages[0].find("\"@Frank\" is plain text"), std::string::npos) << messages[0];
  EXPECT_NE(messages[0].find("pick Frank from the list Slack offers"), std::string::npos) << messages[0];
  EXPECT_EQ(messages[0].find("Write @Frank"), std::string::npos) << "they did write @Frank";
  EXPECT_NE(messages[1].find("\"Hoss\" is typed"), std::string::npos) << messages[1];
}

// Region websites post backblasts through a form, and some cross-post them to Slack.
TEST(BackblastWebForms, AFormsFieldsAreABackblastWithOrWithoutAHeader) {
  auto form = parse(
      "• Post Type: Backblast\n• AO: <#C0BLEACH01>\n• When: Friday, March 1st, 2024\n• QIC: <@U0000000Q1>\n"
      "• Pax Names: <@U0000000Q1>, <@U00000000A>, Hoss, Toaster (FNG)\n• Number of Pax: 4\n"
      "• Number of FNGS: 1\n• FNG Names: Toaster\n• The BackBlast: We ran. We sweated.");
  ASSERT_TRUE(form.is_backblast);
  EXPECT_EQ(date::format("%F", form.date), "2024-03-01");
  EXPECT_EQ(form.ao_channel_id, "C0BLEACH01");
  EXPECT_EQ(form.q, U("U0000000Q1"));
  EXPECT_EQ(form.fng_names, std::vector<std::string>{"Toaster"});
  EXPECT_EQ(form.count, 4);
  // No header at all: the Q, the PAX and the date or AO make it one.
  auto bare = parse("AO: <#C0BLEACH01>\nQIC: <@U0000000Q1>\nPax Names: <@U00000000A>, Hoss\nWhen: 3/4/2024");
  EXPECT_TRUE(bare.is_backblast);
  EXPECT_EQ(bare.ao_channel_id, "C0BLEACH01");
  // Not enough to tell: a Q and one PAX line, and chatter.
  EXPECT_FALSE(parse("Q: <@U0000000Q1>\nPAX: Hoss\nWe had fun today").is_backblast);
}

TEST(BackblastWebForms, APreblastIsNeverABeatdown) {
  EXPECT_FALSE(
      parse("Preblast: Rainy Friday\nAO: <#C0BLEACH01>\nQ: <@U0000000Q1>\nWhen: 3/8/2024\nPAX: <@U00000000A>, Hoss")
          .is_backblast);
  EXPECT_FALSE(
      parse("• Post Type: Preblast\n• AO: <#C0BLEACH01>\n• QIC: <@U0000000Q1>\n• Pax Names: Hoss\n• When: 3/8/2024")
          .is_backblast);
  EXPECT_FALSE(parse("AO: <#C0BLEACH01>\nQ: <@U0000000Q1>\nPAX: Hoss, Zephyr\nWhen: 3/8/2024\nPre-blast: bring a ruck")
                   .is_backblast);
}

TEST(BackblastWebForms, ADateInTheTitleLineAndRolesInsideThePaxList) {
  auto titled = parse("Backblast 3.4.24\nAO: <#C0BLEACH01>\nQ: <@U0000000Q1>\nPAX: Hoss, Zephyr");
  EXPECT_EQ(date::format("%F", titled.date), "2024-03-04");
  EXPECT_EQ(titled.date_source, DateSource::title);
  EXPECT_EQ(titled.title, "") << "a title that is only the date names nothing";
  EXPECT_EQ(parse("Backblast 3.4.24 Hills\nQ: <@U0000000Q1>\nPAX: Hoss").title, "3.4.24 Hills");
  auto roles = parse(
      "Backblast: Hot one\nDate: 3/4/2024\nQ: <@U0000000Q1>\nPAX: Dozer (QIC), Zephyr (VQ), Hoss, FNG Name: Toaster");
  EXPECT_EQ(roles.fng_names, std::vector<std::string>{"Toaster"});
  std::vector<std::string> names;
  for (const auto& p : roles.pax) names.push_back(p.name);
  EXPECT_TRUE(std::find(names.begin(), names.end(), "Dozer") != names.end()) << "(QIC) is a note, not part of the name";
  EXPECT_TRUE(std::find(names.begin(), names.end(), "FNG Name: Toaster") == names.end());
}

// ---------------------------------------------------------------- issue 31: forms seen in real regions

TEST(BackblastRegional, AnEmptyFieldTakesItsNamesFromTheLinesBelowAndNoPlace) {
  auto below = parse(
      "Backblast: Hills\nDate: 3/4/2024\nQ: <@U0000000Q1>\nPAX:\n- Hoss\n• Zephyr\n<@U00000000A>\n\nWarm-up: SSH x 20");
  EXPECT_EQ(below.pax, (std::vector<Person>{U("U0000000Q1"), N("Hoss"), N("Zephyr"), U("U00000000A")}));
  // A heading below an empty PAX line is no name, and an empty line takes no place from a later one.
  auto heading = parse("Backblast: Hills\nDate: 3/4/2024\nQ: <@U0000000Q1>\nPAX:\n*THE THANG:*\nPax Names: Hoss");
  EXPECT_EQ(heading.pax, (std::vector<Person>{U("U0000000Q1"), N("Hoss")}));
  auto numbered = parse("Backblast: Hills\nDate: 3/4/2024\nQ | Snoopy\nPAX: 3\n[Hoss, Zephyr, Snoopy (QIC)]");
  EXPECT_EQ(numbered.count, 3);
  EXPECT_EQ(numbered.pax.size(), 3u);
}

TEST(BackblastRegional, RolesInsideTheListAndWhichQLineWins) {
  auto marked = parse("Backblast: Hills\nDate: 3/4/2024\nPAX: Hoss, QIC – <@U0000000Q1>, Zephyr (Co-Q), FNG (Red Sox)");
  EXPECT_EQ(marked.q, U("U0000000Q1"));
  EXPECT_EQ(marked.coqs, std::vector<Person>{N("Zephyr")});
  EXPECT_EQ(marked.fng_names, std::vector<std::string>{"Red Sox"});
  EXPECT_TRUE(marked.errors.empty());
  // The moleskin's "Q: … next week" below a list that marks its Q is not the Q.
  auto moleskin =
      parse("Backblast: Hills\nDate: 3/4/2024\nPAX: Hoss (QIC), Zephyr\n\nQ: <@U00000000A> has it next week");
  EXPECT_EQ(moleskin.q, N("Hoss"));
  EXPECT_TRUE(moleskin.coqs.empty());
  // A Q line above the list wins over a mark in it; "YHC" is the Q, not a person of that name.
  auto above = parse("Backblast: Hills\nDate: 3/4/2024\nQ: Trojan\nPAX: Foam, Radar (QIC), YHC (QIC)");
  EXPECT_EQ(above.q, N("Trojan"));
  EXPECT_EQ(above.pax, (std::vector<Person>{N("Trojan"), N("Foam"), N("Radar")}));
  // "Suzy Q" is a name; "Ridgeline – Q" is the Q.
  auto names = parse("Backblast: Hills\nDate: 3/4/2024\nPAX: Suzy Q, Ridgeline – Q.");
  EXPECT_EQ(names.q, N("Ridgeline"));
  EXPECT_EQ(names.pax, (std::vector<Person>{N("Ridgeline"), N("Suzy Q")}));
}

TEST(BackblastRegional, HeadersInsideTheTitleLineAndDatesAboveTheFields) {
  auto inside = parse(":fire: The Forge back blast 3/2/24\nQ: <@U0000000Q1>\nPAX: Hoss");
  ASSERT_TRUE(inside.is_backblast);
  EXPECT_EQ(inside.date, 2024_y / 3 / 2);
  EXPECT_EQ(inside.date_source, DateSource::title);
  // A question about a backblast is none, even with a field under it.
  EXPECT_FALSE(parse("Who's posting the backblast for today?\nQ: <@U0000000Q1>\nPAX: Hoss").is_backblast);
  EXPECT_FALSE(parse("Great back blast yesterday\nQ: <@U0000000Q1>").is_backblast);
  auto line = parse("#backblast #bleach\n\n3-3-24\n\n0600-0700\nQ: @Stinger\nPAX: Hoss");
  EXPECT_EQ(line.date, 2024_y / 3 / 3);
  // A date in the title far from the post is a number in a title, not the date.
  auto far = parse("Backblast: Murph 7/4\nQ: <@U0000000Q1>\nPAX: Hoss");
  EXPECT_EQ(far.date, 2024_y / 3 / 5);
  EXPECT_EQ(far.date_source, DateSource::posted_at);
}

TEST(BackblastRegional, LabelsWithPipesDashesCountsAndNoSeparator) {
  auto b = parse(
      "Backblast | Smoker\nWorkout Date - 3/2/2024\nAO | Bleach\nQ In Charge – Bald Eagle\nThe PAX (4) - Hoss, Zephyr, "
      "Toaster\nTitle: not this one");
  EXPECT_EQ(b.title, "Smoker");
  EXPECT_EQ(b.ao_channel_id, "C0BLEACH01");
  EXPECT_EQ(b.q, N("Bald Eagle"));
  EXPECT_EQ(b.count, 4);
  auto bare = parse("Backblast: Hills\nDate: 3/4/2024\nQ @Wiki\nPAX <@U00000000A> @Hoss\nQuick note: no label");
  EXPECT_EQ(bare.q, N("Wiki"));
  EXPECT_EQ(bare.pax, (std::vector<Person>{N("Wiki"), U("U00000000A"), N("Hoss")}));
  auto titled = parse("• Post Type: Backblast\n• Title: Saturday Smoker\n• QIC: Hoss\n• Pax Names: Zephyr");
  EXPECT_EQ(titled.title, "Saturday Smoker");
  auto initials = parse("Backblast: x\nDate: 3/4/2024\nQ: T.B.\nPAX: J.R., Hoss., others");
  EXPECT_EQ(initials.pax, (std::vector<Person>{N("T.B."), N("J.R."), N("Hoss")}));
}

TEST(BackblastRegional, TyposOfWhereAndTheJsonOfWhatIsNotABackblast) {
  auto typo = parse("Backblast: x\nDate: 3/4/2024\nWehre: The Forge\nQ: <@U0000000Q1>\nPAX: Hoss", "C0BLEACH01");
  EXPECT_EQ(typo.ao_channel_id, "C0BLEACH01");
  const ParseIssue* w = issue_of(typo.warnings, "ao");
  ASSERT_NE(w, nullptr);
  EXPECT_NE(w->reason.find("\"Wehre:\" looks like Where"), std::string::npos) << w->reason;
  EXPECT_EQ(issue_of(parse("Backblast: x\nDate: 3/4/2024\nQ: <@U0000000Q1>\nHere: we are").warnings, "ao"), nullptr);
  // Every key of the schema, whatever the answer.
  const json pre = to_json(parse("Preblast: Rainy Friday\nAO: <#C0BLEACH01>\nQ: <@U0000000Q1>"));
  EXPECT_TRUE(pre["fngs"].contains("user_ids"));
  EXPECT_TRUE(pre.contains("source"));
  EXPECT_TRUE(to_json(parse("#backblast #bleach\nQ: <@U0000000Q1>\nPAX: Hoss"))["title"].is_null());
  // Without the region's channels, a channel link cannot be checked: the warning says so.
  const ParseContext bare("America/Chicago", {});
  auto unchecked = parse_backblast({"Backblast: x\nAO: <#C0FORGE001>\nQ: <@U0000000Q1>\nPAX: Hoss", nullptr, nullptr,
                                    "C0FORGE001", date::sys_days{2024_y / 3 / 5}},
                                   bare);
  const ParseIssue* ao = issue_of(unchecked.warnings, "ao");
  ASSERT_NE(ao, nullptr);
  EXPECT_NE(ao->reason.find("--region"), std::string::npos) << ao->reason;
  auto named = parse_backblast({"Backblast: x\nAO: The Forge\nQ: <@U0000000Q1>\nPAX: Hoss", nullptr, nullptr,
                                "C0FORGE001", date::sys_days{2024_y / 3 / 5}},
                               bare);
  ASSERT_NE(issue_of(named.warnings, "ao"), nullptr);
  EXPECT_NE(issue_of(named.warnings, "ao")->reason.find("--region"), std::string::npos);
}

// Issue 31, the styles collected last: roles before a name without a dash, a new F3 name after
// "aka", a visitor's home region, an empty count in the label, '&' inside a name.
TEST(BackblastRegionalStyles, RolesAkaVisitorsEmptyCountsAndAmpersandsInNames) {
  auto names = [](const Backblast& b) {
    std::vector<std::string> out;
    for (const auto& p : b.pax) out.push_back(p.user_id.empty() ? p.name : p.user_id);
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto b = parse(
      "Backblast: Pancakes\nDate: 3/4/2024\nThe Pax: Mad Hatter, B&E, Hoss & Zephyr, FNG Quincy aka G.L.O.W., "
      "Jackrabbit "
      "– F3 Dallas, QIC Bald Eagle (formerly Ridgeline)");
  ASSERT_TRUE(b.q);
  EXPECT_EQ(b.q->name, "Bald Eagle");
  EXPECT_EQ(names(b),
            (std::vector<std::string>{"B&E", "Bald Eagle", "G.L.O.W.", "Hoss", "Jackrabbit", "Mad Hatter", "Zephyr"}));
  EXPECT_EQ(b.fng_names, std::vector<std::string>{"G.L.O.W."});
  // Slack writes & as &amp;: the same rule.
  EXPECT_EQ(names(parse("Backblast: x\nDate: 3/4/2024\nQ: Hoss\nPAX: B&amp;E, Wiki &amp; Zephyr")),
            (std::vector<std::string>{"B&E", "Hoss", "Wiki", "Zephyr"}));
  // "PAX (): …": a form's count left empty is no count; the post is a backblast all the same.
  const auto empty =
      parse("Sabbativersary Backblast\n\nWhen: 3/4/2024\n\nQIC: Crowbar\n\nPAX (): Moonbeam, Bosco (RESPECT)");
  EXPECT_TRUE(empty.is_backblast);
  EXPECT_EQ(names(empty), (std::vector<std::string>{"Bosco", "Crowbar", "Moonbeam"}));
  EXPECT_EQ(empty.effective_count(), 3);
  // "Q Bert" stays a name: only QIC and VQ are roles before a name without a dash.
  EXPECT_EQ(names(parse("Backblast: x\nDate: 3/4/2024\nQ: Hoss\nPAX: Q Bert, Suzy Q")),
            (std::vector<std::string>{"Hoss", "Q Bert", "Suzy Q"}));
}
