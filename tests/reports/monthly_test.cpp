// The monthly run's plan and outbox folder, on a generated region, checked against truth.json.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "../mining/truth_support.hpp"
#include "paxstats/calendar.hpp"
#include "paxstats/db/database.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/error.hpp"
#include "paxstats/mining/generator.hpp"
#include "paxstats/mining/pipeline.hpp"
#include "paxstats/render/chart.hpp"
#include "paxstats/reports/monthly.hpp"
#include "paxstats/reports/slack_html.hpp"
#include "command.hpp"
#include "periods.hpp"
#include "postgres_env.hpp"
#include "paxstats/db/sql.hpp"

using namespace paxstats;
using json = nlohmann::json;

namespace {

class Monthly : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mining::GeneratorOptions o;
    o.seed = 31;
    o.months = 3;
    ws_ = new test::GeneratedWorkspace(o);
    truth_ = &ws_->truth;
  }
  static void TearDownTestSuite() { delete ws_; }
  void SetUp() override {
    db::add_region(conn, "r", "F3 Test", "America/Chicago");
    mining::import_export(conn, "r", ws_->path());
    db::set_region(conn, "r", {{"firstf_channel", (*truth_)["region"]["firstf_channel"]}});
  }
  std::map<std::string, int> per_report(const reports::MonthlyPlan& p) {
    std::map<std::string, int> n;
    for (const auto& d : p.deliveries) ++n[d.report];
    return n;
  }
  static inline test::GeneratedWorkspace* ws_ = nullptr;
  static inline const json* truth_ = nullptr;
  db::Database conn{test::PostgresEnvironment::get().fresh_database_url()};
};

}  // namespace

TEST_F(Monthly, PlansADmForEveryoneWhoPostedAndChartsForEveryAo) {
  auto plan = reports::plan_monthly(conn, "r", test::ym("2026-10"));
  const test::Identities ids(ws_->path());
  std::set<std::string> posted, aos, q_aos, gone;
  for (const auto& u : test::load_json(ws_->path() / "users.json"))
    if (u["deleted"] == true) gone.insert(u["id"].get<std::string>());
  for (const auto& c : test::load_json(ws_->path() / "channels.json"))
    if (c["is_archived"] == true) gone.insert(c["id"].get<std::string>());
  for (const auto& b : (*truth_)["beatdowns"]) {
    if (test::month_of(b["date"].get<std::string>()) != "2026-10") continue;
    if (!gone.count(b["ao"].get<std::string>())) aos.insert(b["ao"].get<std::string>());
    // Who counts a post (a name typed for a Slack user is that user: the counting rule).
    for (const auto& who : test::counted_people(b, ids))
      if (!who.starts_with("name:") && !gone.count(who)) posted.insert(who);
  }
  auto n = per_report(plan);
  EXPECT_EQ(n["pax_monthly"], static_cast<int>(posted.size()));
  EXPECT_EQ(n["q_counts.ao"], static_cast<int>(aos.size()));
  EXPECT_EQ(n["leaderboards.ao"], static_cast<int>(aos.size()));
  EXPECT_EQ(n["q_counts.region"], 1);
  EXPECT_EQ(n["leaderboards.month"], 1);
  EXPECT_EQ(n["leaderboards.ytd"], 1);
  EXPECT_EQ(n["ao_summary"], 1);
  EXPECT_EQ(n["fng_counts"], 1);
  std::set<std::tuple<std::string, std::string>> keys;
  for (const auto& d : plan.deliveries) {
    EXPECT_TRUE(keys.emplace(d.report, d.recipient).second)
        << "two deliveries of " << d.report << " to " << d.recipient;
    EXPECT_FALSE(d.comment.empty());
    if (d.report == "pax_monthly") {
      EXPECT_TRUE(d.to_user);
      EXPECT_TRUE(posted.count(d.recipient)) << d.recipient;
    }
  }
}

// Issue 30: no invented data. Three months of history have no year before: the year at a glance
// draws no comparison line, counts no zeros, and says where the data begins.
TEST_F(Monthly, TheYearAtAGlanceDrawsNoYearBeforeTheData) {
  std::string first_day = "9999";
  for (const auto& b : (*truth_)["beatdowns"]) first_day = std::min(first_day, b["date"].get<std::string>());
  const std::string since = calendar::month_name(calendar::month_of(test::day(first_day)));
  const auto plan = reports::plan_monthly(conn, "r", test::ym("2026-10"), {"year_glance"});
  ASSERT_EQ(plan.deliveries.size(), 1u);
  const auto& d = plan.deliveries[0];
  ASSERT_EQ(d.chart.panels.size(), 3u);
  for (const auto& panel : d.chart.panels) {
    ASSERT_EQ(panel.series.size(), 1u) << panel.title << ": a year before without data is not drawn";
    for (size_t i = 0; i < d.chart.categories.size(); ++i)
      if (calendar::format(calendar::parse_month("2025-11") + date::months{static_cast<int>(i)}) <
          test::month_of(first_day)) {  // the 12 months to October 2026
        EXPECT_TRUE(std::isnan(panel.series[0].values[i])) << panel.title << " month " << i << " before the data";
      }
  }
  EXPECT_NE(d.comment.find("No data before " + since + "."), std::string::npos) << d.comment;
  EXPECT_EQ(d.comment.find("12 months before"), std::string::npos) << d.comment;
  EXPECT_EQ(d.comment.find("a year before"), std::string::npos) << d.comment;
  EXPECT_NE(d.chart.subtitle.find("no data before " + since), std::string::npos) << d.chart.subtitle;
}

// Issue 30: a leaderboard is horizontal bars with values, its top 20 as the full ranking has
// them; a cut inside a tie says how many more share the last place, in the chart and the message,
// and the tie-break is said.
TEST_F(Monthly, LeaderboardsSayTheTiesTheirCutLeavesOut) {
  const auto plan = reports::plan_monthly(conn, "r", test::ym("2026-10"), {"leaderboards"});
  const auto p = test::month_days("2026-10");
  int checked = 0, tied_cuts = 0;
  for (const auto& d : plan.deliveries) {
    const bool region_wide = d.report == "leaderboards.month";
    if (!region_wide && d.report != "leaderboards.ao") continue;
    const auto all =
        db::report::Reader(conn, "r").leaderboard(p, region_wide ? std::nullopt : std::optional(d.recipient), 1000000);
    EXPECT_EQ(d.chart.kind, render::Kind::horizontal_bar) << d.report;
    ASSERT_EQ(d.chart.series.size(), 1u);
    const size_t shown = std::min<size_t>(20, all.size());
    ASSERT_EQ(d.chart.series[0].values.size(), shown) << d.report;
    for (size_t i = 0; i < shown; ++i) EXPECT_EQ(d.chart.series[0].values[i], all[i].posts) << d.report << " #" << i;
    long more = 0;
    for (size_t i = shown; i < all.size(); ++i) more += all[i].posts == all[shown - 1].posts;
    const std::string said = std::to_string(more) + " more tied at " + std::to_string(all[shown - 1].posts) + " post";
    EXPECT_EQ(d.comment.find(said) != std::string::npos, more > 0) << d.report << ": " << d.comment;
    EXPECT_EQ(d.chart.subtitle.find(said) != std::string::npos, more > 0) << d.report << ": " << d.chart.subtitle;
    if (more > 0) {
      EXPECT_NE(d.chart.subtitle.find("ties by"), std::string::npos) << d.chart.subtitle;
    }
    tied_cuts += more > 0;
    ++checked;
  }
  EXPECT_GT(checked, 1);
  EXPECT_GT(tied_cuts, 0) << "no leaderboard was cut inside a tie: the test checks nothing of it";
}

TEST_F(Monthly, APersonsChartShowsTheirPostsAsTheTruthCountsThem) {
  auto plan = reports::plan_monthly(conn, "r", test::ym("2026-10"), {"pax_monthly"});
  ASSERT_FALSE(plan.deliveries.empty());
  const auto& d = plan.deliveries.front();
  const test::Identities ids(ws_->path());
  std::map<std::string, int> want;  // month abbr → posts, this year
  const char* abbr[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (const auto& b : (*truth_)["beatdowns"]) {
    const std::string date = b["date"];
    if (date.substr(0, 4) != "2026" || date > "2026-10-31") continue;
    // Typed names of the user count as them (and each beatdown once).
    if (test::counted_people(b, ids).count(d.recipient)) ++want[abbr[std::stoi(date.substr(5, 2)) - 1]];
  }
  for (size_t i = 0; i < d.chart.categories.size(); ++i) {
    double got = 0;
    for (const auto& s : d.chart.series) got += s.values[i];
    EXPECT_EQ(static_cast<int>(got), want[d.chart.categories[i]]) << d.chart.categories[i];
  }
}

// The AO charts (the month's summary, the twelve months' trend, the year's FNGs) count every
// AO's months as truth.json does: beatdowns, posts (people counted once a beatdown) and FNGs.
TEST_F(Monthly, TheAoChartsCountEveryAosMonthsAsTheTruthDoes) {
  const test::Identities ids(ws_->path());
  struct Figures {
    int beatdowns = 0, posts = 0, fngs = 0;
  };
  std::map<std::pair<std::string, std::string>, Figures> want;  // (AO id, YYYY-MM) → figures
  for (const auto& b : (*truth_)["beatdowns"]) {
    const std::string date = b["date"];
    if (date > "2026-10-31") continue;
    auto& f = want[{b["ao"].get<std::string>(), test::month_of(date)}];
    ++f.beatdowns;
    f.posts += static_cast<int>(test::counted_people(b, ids).size());
    f.fngs += b["fngs"]["count"].get<int>();
  }
  std::map<std::string, std::string> id_of;  // AO name → channel id
  for (const auto& c : test::load_json(ws_->path() / "channels.json")) id_of[c["name"]] = c["id"];
  const auto plan = reports::plan_monthly(conn, "r", test::ym("2026-10"), {"ao_summary", "ao_trend", "fng_counts"});
  std::map<std::string, const render::Chart*> chart;
  for (const auto& d : plan.deliveries) chart[d.report] = &d.chart;
  ASSERT_TRUE(chart.count("ao_summary") && chart.count("ao_trend.region") && chart.count("fng_counts"));

  int october_aos = 0;
  for (const auto& [key, f] : want) october_aos += key.second == "2026-10";
  const auto& summary = *chart["ao_summary"];
  EXPECT_EQ(static_cast<int>(summary.rows.size()), october_aos);
  for (const auto& [name, values] : summary.rows) {
    const Figures f = want[{id_of[name], "2026-10"}];
    EXPECT_EQ(values.at(0), f.beatdowns) << name;
    EXPECT_EQ(values.at(1), f.posts) << name;
    EXPECT_EQ(values.at(4), f.fngs) << name;
  }
  // The trend's last three months (the region's first are August 2026) and the FNGs by month.
  const auto& trend = *chart["ao_trend.region"];
  ASSERT_EQ(trend.categories.size(), 12u);
  auto figures = [&](const std::string& ao, int month) {
    return want[{ao, (month < 10 ? "2026-0" : "2026-") + std::to_string(month)}];
  };
  int checked = 0;
  for (const auto& s : trend.series)
    for (int back = 0; back < 3; ++back, ++checked)
      EXPECT_EQ(s.values.at(11 - back), figures(s.key, 10 - back).posts) << s.key << " " << trend.categories[11 - back];
  EXPECT_GT(checked, 0);
  // The FNGs: a bar for every AO that welcomed one this year, October's part and the months before.
  std::map<std::string, std::string> name_of;
  for (const auto& [name, id] : id_of) name_of[id] = name;
  std::map<std::string, std::pair<int, int>> want_fngs;  // AO name → (October, the year)
  for (const auto& [key, f] : want)
    if (f.fngs > 0) {
      auto& w = want_fngs[name_of[key.first]];
      w.second += f.fngs;
      if (key.second == "2026-10") w.first += f.fngs;
    }
  const auto& fngs = *chart["fng_counts"];
  EXPECT_EQ(fngs.kind, render::Kind::horizontal_bar);
  ASSERT_EQ(fngs.categories.size(), want_fngs.size());
  for (size_t i = 0; i < fngs.categories.size(); ++i) {
    double year = 0, october = 0;
    for (const auto& s : fngs.series) {
      year += s.values.at(i);
      if (s.key == "month") october = s.values.at(i);
    }
    EXPECT_EQ(year, want_fngs[fngs.categories[i]].second) << fngs.categories[i];
    EXPECT_EQ(october, want_fngs[fngs.categories[i]].first) << fngs.categories[i];
    if (i) {
      EXPECT_LE(year, want_fngs[fngs.categories[i - 1]].second) << "most first";
    }
  }
}

TEST_F(Monthly, FlagsOnlyAndMissingFirstFAreHonouredAndNoted) {
  db::set_region(conn, "r", {{"send_pax_monthly", "false"}});
  auto plan = reports::plan_monthly(conn, "r", test::ym("2026-10"));
  EXPECT_EQ(per_report(plan).count("pax_monthly"), 0u);
  EXPECT_FALSE(plan.notes.empty());
  auto only = reports::plan_monthly(conn, "r", test::ym("2026-10"), {"ao_summary"});
  EXPECT_EQ(only.deliveries.size(), 1u);
  db::set_region(conn, "r", {{"firstf_channel", ""}});
  auto no_firstf = reports::plan_monthly(conn, "r", test::ym("2026-10"), {"ao_summary"});
  EXPECT_TRUE(no_firstf.deliveries.empty());
  ASSERT_EQ(no_firstf.notes.size(), 1u);
  EXPECT_NE(no_firstf.notes[0].find("firstf_channel"), std::string::npos);
  EXPECT_THROW(reports::plan_monthly(conn, "r", test::ym("2026-10"), {"pies"}), UserError);
  EXPECT_THROW(reports::plan_monthly(conn, "r", test::ym("October"), {}), UserError);
}

TEST_F(Monthly, TheOutboxFolderHoldsEveryChartAndSaysWhatWouldBeSent) {
  auto plan = reports::plan_monthly(conn, "r", test::ym("2026-10"));
  test::TempDir out;
  auto index = reports::write_outbox_folder(plan, out.path());
  const json list = test::load_json(out.path() / "deliveries.json");
  ASSERT_EQ(list.size(), plan.deliveries.size());
  std::ifstream in(index);
  const std::string page((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const auto& d : list) {
    for (const char* k : {"report", "recipient", "file", "title", "comment", "alt_txt"})
      EXPECT_TRUE(d.contains(k)) << k;
    const auto file = out.path() / d["file"].get<std::string>();
    std::ifstream png(file, std::ios::binary);
    std::string head(8, '\0');
    png.read(head.data(), 8);
    EXPECT_EQ(head, std::string("\x89PNG\r\n\x1a\n", 8)) << file;
    EXPECT_NE(page.find(d["file"].get<std::string>()), std::string::npos);
    EXPECT_LE(d["alt_txt"].get<std::string>().size(), 1000u);
    EXPECT_LE(d["comment"].get<std::string>().size(), 4000u);  // Slack's advice for message text
  }
}

TEST(SlackHtml, MessagesLookAsSlackShowsThemEscapedOnce) {
  const std::map<std::string, std::string> names = {{"U0ZEPHYR", "Zephyr"}, {"C0FORGE", "#ao-the-forge"}};
  EXPECT_EQ(
      reports::slack_to_html("Hey <@U0ZEPHYR>! *5 posts* in <#C0FORGE>", names),
      "Hey <span class=\"mention\">@Zephyr</span>! <b>5 posts</b> in <span class=\"mention\">#ao-the-forge</span>");
  EXPECT_EQ(reports::slack_to_html("line one\nline two", names), "line one<br>line two");
  // Slack's escapes are undone and the text escaped once for HTML: no "&amp;lt;".
  EXPECT_EQ(reports::slack_to_html("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co", names),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
  EXPECT_EQ(reports::slack_to_html("<@U0NOBODY> _quiet_ ~gone~ `code`", names),
            "<span class=\"mention\">@U0NOBODY</span> <i>quiet</i> <s>gone</s> <code>code</code>");
  EXPECT_EQ(reports::slack_to_html("2*3*4 and snake_case_name", names), "2*3*4 and snake_case_name")
      << "not formatting";
  EXPECT_EQ(reports::slack_to_html("<https://x.test/a?b=1&amp;c=2|the post>", names),
            "<a href=\"https://x.test/a?b=1&amp;c=2\">the post</a>");
  EXPECT_EQ(reports::slack_to_html(":fire: T-CLAPS", names), "🔥 T-CLAPS");
  // Issue 29: text a user writes cannot stand for a rendered piece, and control characters are
  // shown, not interpreted (a name holding U+0001 … U+0002 once stopped the outbox page).
  const std::map<std::string, std::string> hostile = {{"U0ZEPHYR",
                                                       "Zeph\x01"
                                                       "0\x02yr"}};
  EXPECT_EQ(reports::slack_to_html("Hi \x01"
                                   "7\x02 <@U0ZEPHYR> \x01"
                                   "0\x02",
                                   hostile),
            "Hi \\u00017\\u0002 <span class=\"mention\">@Zeph\\u00010\\u0002yr</span> \\u00010\\u0002");
  EXPECT_EQ(reports::slack_to_html("*Hey <@U0ZEPHYR>*, _welcome_!", names),
            "<b>Hey <span class=\"mention\">@Zephyr</span></b>, <i>welcome</i>!");
}

// The outbox page is a document: loaded in headless Chromium (as people open it), its structure
// checked in the DOM Chromium built, and a screenshot kept in the build folder to look at.
TEST_F(Monthly, TheOutboxPageIsADocumentInABrowser) {
  const char* chromium = "/usr/bin/chromium";
  if (!std::filesystem::exists(chromium)) GTEST_SKIP() << "no Chromium: scripts/bootstrap installs it";
  auto plan = reports::plan_monthly(conn, "r", test::ym("2026-10"));
  const auto out = std::filesystem::path(PAXSTATS_TEST_ARTIFACTS) / "outbox";
  std::filesystem::remove_all(out);
  const auto index = reports::write_outbox_folder(plan, out);
  test::TempDir profile;
  // Chromium runs on the real clock: under scripts/test --at (faketime) its timers spun and it
  // took minutes; nothing on the page depends on the date.
  const std::string flags = std::string("env -u LD_PRELOAD -u FAKETIME '") + chromium +
                            "' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                            "--disable-background-networking --disable-component-update --disable-sync "
                            "--hide-scrollbars --user-data-dir='" +
                            profile.path().string() + "' ";
  const auto dom = test::run_command(flags + "--dump-dom 'file://" + index.string() + "' 2>/dev/null");
  ASSERT_EQ(dom.status, 0) << dom.output;
  const std::string& html = dom.output;
  // Contents by channel, then DMs by report.
  const auto nav = html.find("<nav aria-label=\"Contents\">");
  ASSERT_NE(nav, std::string::npos) << html.substr(0, 2000);
  const std::string firstf = ws_->truth["region"]["firstf_channel"];
  for (const std::string& anchor : {"href=\"#channel-" + firstf + "\"", std::string("href=\"#dms-pax_monthly\"")})
    EXPECT_NE(html.find(anchor, nav), std::string::npos) << anchor;
  // 1st-F as Slack will show it: one message of the region's charts, the awards in its thread.
  const auto section = html.find("<section id=\"channel-" + firstf + "\"");
  ASSERT_NE(section, std::string::npos);
  const auto section_end = html.find("</section>", section);
  const std::string in_firstf = html.substr(section, section_end - section);
  EXPECT_EQ(in_firstf.find("class=\"post\""), in_firstf.rfind("class=\"post\"", in_firstf.find("class=\"thread\"")))
      << "one message before the thread";
  EXPECT_NE(in_firstf.find("class=\"thread\""), std::string::npos);
  EXPECT_LT(in_firstf.find("data-report=\"ao_summary\""), in_firstf.find("class=\"thread\""));
  EXPECT_GT(in_firstf.find("data-report=\"awards."), in_firstf.find("class=\"thread\""));
  const auto channels = html.find("id=\"channels\""), dms = html.find("id=\"dms\"");
  ASSERT_NE(channels, std::string::npos);
  ASSERT_NE(dms, std::string::npos);
  EXPECT_LT(channels, dms) << "region charts first, DMs after";
  EXPECT_EQ(html.find("data-report=\"pax_monthly\"", channels), html.find("data-report=\"pax_monthly\"", dms));
  // Recipients and mentions by name; Slack markup rendered; every image lazy and sized.
  size_t figures = 0, lazy = 0;
  for (size_t at = 0; (at = html.find("<figure", at)) != std::string::npos; ++at) ++figures;
  for (size_t at = 0; (at = html.find("loading=\"lazy\"", at)) != std::string::npos; ++at) ++lazy;
  EXPECT_EQ(figures, plan.deliveries.size());
  EXPECT_EQ(lazy, plan.deliveries.size());
  EXPECT_EQ(html.find("&lt;@U"), std::string::npos) << "a raw mention";
  EXPECT_EQ(html.find("&amp;lt;"), std::string::npos) << "escaped twice";
  EXPECT_NE(html.find("class=\"mention\">@"), std::string::npos);
  for (const auto& d : plan.deliveries) {
    if (!plan.names.count(d.recipient)) continue;
    EXPECT_EQ(html.find("<div class=\"to\">" + d.recipient), std::string::npos) << d.recipient << " shown as an id";
  }
  // A screenshot of the top of the page, in the build folder.
  const auto shot = std::filesystem::path(PAXSTATS_TEST_ARTIFACTS) / "outbox-page.png";
  std::filesystem::remove(shot);
  const auto r = test::run_command(flags + "--window-size=1280,1400 --screenshot='" + shot.string() + "' 'file://" +
                                   index.string() + "' 2>/dev/null");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_GT(std::filesystem::exists(shot) ? std::filesystem::file_size(shot) : 0, 20000u) << "no screenshot";
  std::cout << "outbox page screenshot: " << shot.string() << "\n";
}

// A chart never shows one label for two people: when two users (or a user and a typed name) share
// a name, the shortest addition that tells them apart.
TEST(Labels, TwoPeopleWithOneNameAreToldApart) {
  db::Database conn{test::PostgresEnvironment::get().fresh_database_url()};
  db::add_region(conn, "r", "R", "America/Chicago");
  db::sql::script(conn, R"sql(
    INSERT INTO r.users (user_id, user_name, display_name, real_name) VALUES
      ('U3', 'Twin', 'Twin', 'Tom Winters'), ('U4', 'Twin', 'Twin', 'Tina Wu'),
      ('U5', 'Dozer', 'Dozer', 'Ann Lee'), ('U6', 'Dozer', 'Dozer', 'Bo Kim');
    INSERT INTO r.channels (channel_id, name) VALUES ('C0FORGE1', 'ao-forge');
    INSERT INTO r.messages (channel_id, ts, posted_at, raw, source)
      VALUES ('C0FORGE1', '1790000000.000100', now(), '{}', 'export');
    INSERT INTO r.beatdowns (channel_id, ts, ao_channel_id, bd_date, q_user_id, derived_count, pax_count,
                             parse_status) VALUES
      ('C0FORGE1', '1790000000.000100', 'C0FORGE1', '2026-10-05', 'U3', 6, 6, 'ok');
    INSERT INTO r.attendance (channel_id, ts, user_id, name, role) VALUES
      ('C0FORGE1', '1790000000.000100', 'U3', NULL, 'q'), ('C0FORGE1', '1790000000.000100', 'U4', NULL, 'pax'),
      ('C0FORGE1', '1790000000.000100', NULL, 'Twin', 'pax'), ('C0FORGE1', '1790000000.000100', 'U5', NULL, 'pax'),
      ('C0FORGE1', '1790000000.000100', 'U6', NULL, 'pax'), ('C0FORGE1', '1790000000.000100', NULL, 'Solo', 'pax');
  )sql");
  db::set_region(conn, "r", {{"firstf_channel", "C0FORGE1"}});
  const auto plan = reports::plan_monthly(conn, "r", test::ym("2026-10"), {"leaderboards"});
  std::vector<std::string> labels;
  for (const auto& d : plan.deliveries)
    if (d.report == "leaderboards.month") labels = d.chart.categories;
  for (auto& l : labels) l = l.substr(0, l.find(" \xC2\xB7 "));  // "Solo · 1 AO": the name
  std::sort(labels.begin(), labels.end());
  EXPECT_EQ(labels, (std::vector<std::string>{"Dozer (A.L.)", "Dozer (B.K.)", "Solo", "Twin (Tina Wu)",
                                              "Twin (Tom Winters)", "Twin (typed)"}))
      << "initials when they tell people apart, else the real name; a typed name says so";
}
