#include <gtest/gtest.h>

#include "paxstats/slack/signature.hpp"

using namespace paxstats::slack;
using namespace std::chrono;

namespace {
// Slack's documented example (docs.slack.dev, "Verifying requests from Slack").
const std::string kSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const std::string kTimestamp = "1531420618";
const std::string kBody =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar"
    "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack."
    "com"
    "%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
    "803a0bc887a14d10d2c447fce8b6703c";
const std::string kSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const system_clock::time_point kNow = system_clock::time_point(seconds(1531420618 + 10));
}  // namespace

TEST(Signature, ReproducesSlacksDocumentedExample) {
  EXPECT_EQ(compute_signature(kSecret, kTimestamp, kBody), kSignature);
  EXPECT_EQ(verify_signature(kSecret, kTimestamp, kSignature, kBody, kNow), Verification::ok);
}

TEST(Signature, RejectsATamperedBodyOrWrongSecret) {
  EXPECT_EQ(verify_signature(kSecret, kTimestamp, kSignature, kBody + "&x=1", kNow), Verification::bad_signature);
  EXPECT_EQ(verify_signature("other", kTimestamp, kSignature, kBody, kNow), Verification::bad_signature);
  EXPECT_EQ(verify_signature(kSecret, kTimestamp, "v0=abc", kBody, kNow), Verification::bad_signature);
}

TEST(Signature, RejectsStaleAndFutureTimestamps) {
  EXPECT_EQ(verify_signature(kSecret, kTimestamp, kSignature, kBody, kNow + minutes(6)), Verification::stale);
  EXPECT_EQ(verify_signature(kSecret, kTimestamp, kSignature, kBody, kNow - minutes(6)), Verification::stale);
  EXPECT_EQ(verify_signature(kSecret, kTimestamp, kSignature, kBody, kNow + seconds(280)), Verification::ok);
}

TEST(Signature, RejectsMissingOrMalformedHeaders) {
  EXPECT_EQ(verify_signature(kSecret, "", kSignature, kBody, kNow), Verification::missing_headers);
  EXPECT_EQ(verify_signature(kSecret, kTimestamp, "", kBody, kNow), Verification::missing_headers);
  EXPECT_EQ(verify_signature(kSecret, "15314x0618", kSignature, kBody, kNow), Verification::bad_timestamp);
  // Extremes that once overflowed the age arithmetic (UBSan).
  EXPECT_EQ(verify_signature(kSecret, "-9223372036854775808", kSignature, kBody, kNow), Verification::bad_timestamp);
  EXPECT_EQ(verify_signature(kSecret, "9223372036854775807", kSignature, kBody, kNow), Verification::bad_timestamp);
}
