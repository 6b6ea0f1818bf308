// The one period type (calendar::Period): read from text once at each edge, carried as days.
#include <gtest/gtest.h>

#include "paxstats/calendar.hpp"
#include "paxstats/error.hpp"

namespace paxstats {
namespace {

using calendar::Period;

date::sys_days day(const char* text) { return calendar::parse_day(text); }

TEST(CalendarPeriod, EachKindIsReadWithItsDaysAndCanonicalName) {
  const auto week = calendar::parse_period("2026-w53");
  EXPECT_EQ(week.kind, Period::Kind::week);
  EXPECT_EQ(week.name, "2026-W53");
  EXPECT_EQ(week.first, day("2026-12-28"));
  EXPECT_EQ(week.last, day("2027-01-03"));
  EXPECT_EQ(week.title(), "28 Dec 2026 – 3 Jan 2027") << "a week across New Year names both years";
  EXPECT_EQ(week.month(), date::year{2027} / date::January) << "the month of its last day";

  const auto month = calendar::parse_period("2028-02");
  EXPECT_EQ(month.kind, Period::Kind::month);
  EXPECT_EQ(month.last, day("2028-02-29"));
  EXPECT_EQ(month.title(), "February 2028");
  EXPECT_EQ(month, calendar::month_period(date::year{2028} / date::February));

  const auto quarter = calendar::parse_period("2026-q3");
  EXPECT_EQ(quarter.name, "2026-Q3");
  EXPECT_EQ(quarter.first, day("2026-07-01"));
  EXPECT_EQ(quarter.last, day("2026-09-30"));
  EXPECT_EQ(quarter.title(), "Q3 2026");

  const auto year = calendar::parse_period("2026");
  EXPECT_EQ(year.first, day("2026-01-01"));
  EXPECT_EQ(year.last, day("2026-12-31"));
}

TEST(CalendarPeriod, ThePeriodOfADayHoldsIt) {
  for (const auto kind : {Period::Kind::week, Period::Kind::month, Period::Kind::quarter, Period::Kind::year})
    for (const char* text : {"2026-01-01", "2026-12-31", "2028-02-29", "2027-01-03"}) {
      const auto p = calendar::period_of(kind, day(text));
      EXPECT_LE(p.first, day(text)) << text;
      EXPECT_GE(p.last, day(text)) << text;
      EXPECT_EQ(calendar::parse_period(p.name), p) << p.name;
    }
}

TEST(CalendarPeriod, AnythingElseIsAUserErrorThatRepeatsIt) {
  for (const char* bad : {"", "2026-13", "2026-W54", "2027-W53", "2026-Q0", "1899", "Oct", "2026-10-01", "2026-1"}) {
    try {
      calendar::parse_period(bad);
      ADD_FAILURE() << bad << " was read";
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
  // Where weeks are not periods (the community reports), a week is refused as any other text.
  EXPECT_THROW(calendar::parse_period("2026-W10", false), UserError);
  EXPECT_NO_THROW(calendar::parse_period("2026-10", false));
}

TEST(CalendarPeriod, DaysOfAMonthAndOfTheYearToIt) {
  const auto m = date::year{2028} / date::February;
  EXPECT_EQ(calendar::days_of(m), (calendar::Days{day("2028-02-01"), day("2028-02-29")}));
  EXPECT_EQ(calendar::year_to(m), (calendar::Days{day("2028-01-01"), day("2028-02-29")}));
  EXPECT_LT(calendar::all_days().first, day("1901-01-01"));
  EXPECT_GT(calendar::all_days().last, day("9998-12-31"));
}

}  // namespace
}  // namespace paxstats
