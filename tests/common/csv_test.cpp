// Issue 29: every CSV paxstats writes keeps a text a spreadsheet would run as a formula as text.
#include "paxstats/csv.hpp"

#include <gtest/gtest.h>

using namespace paxstats;

TEST(Csv, FormulasStayTextAndNumbersStayNumbers) {
  for (const char* f : {"=HYPERLINK(\"http://x\")", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "\tx", "-", "+"})
    EXPECT_TRUE(formula_like(f)) << f;
  for (const char* n : {"-3", "+1.5", "-0.25", "-1e5", "12", "Hoss", "", "a=b"}) EXPECT_FALSE(formula_like(n)) << n;
  EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_field("-3"), "-3");
  EXPECT_EQ(csv_field("Hoss, Jr"), "\"Hoss, Jr\"");
}
