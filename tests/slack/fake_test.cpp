// The fake's own contract, checked over raw HTTP (not through paxstats's client).
#include <gtest/gtest.h>
#include <httplib.h>

#include "paxstats/slack/fake_slack.hpp"

using paxstats::slack::fake::FakeSlack;
using json = nlohmann::json;

namespace {
class Fake : public ::testing::Test {
 protected:
  void SetUp() override {
    fake.add_channel({"C0000000F1", "1st-f", false, false, false, {fake.options().bot_user_id}});
    fake.start();
  }
  json post(const std::string& method, const std::string& body, const std::string& type, bool auth = true) {
    httplib::Client c("127.0.0.1", fake.port());
    httplib::Headers h;
    if (auth) h.emplace("Authorization", "Bearer " + fake.options().token);
    auto r = c.Post(("/api/" + method).c_str(), h, body, type.c_str());
    return r ? json::parse(r->body, nullptr, false) : json();
  }
  FakeSlack fake;
};
}  // namespace

TEST_F(Fake, AcceptsJsonFormAndQueryBodiesAndTheTokenParameter) {
  EXPECT_EQ(
      post("chat.postMessage", R"({"channel":"C0000000F1","text":"json"})", "application/json; charset=utf-8")["ok"],
      true);
  EXPECT_EQ(post("chat.postMessage", "channel=C0000000F1&text=form", "application/x-www-form-urlencoded")["ok"], true);
  httplib::Client c("127.0.0.1", fake.port());
  auto r = c.Get(("/api/conversations.info?channel=C0000000F1&token=" + fake.options().token).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["channel"]["name"], "1st-f");
  EXPECT_EQ(post("auth.test", "", "application/x-www-form-urlencoded", false)["error"], "not_authed");
  ASSERT_EQ(fake.messages("C0000000F1").size(), 2u);
}

TEST_F(Fake, ErrorsAreHttp200WithOkFalse) {
  httplib::Client c("127.0.0.1", fake.port());
  auto r = c.Post("/api/chat.postMessage", {{"Authorization", "Bearer " + fake.options().token}},
                  "channel=CNOPE&text=x", "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["error"], "channel_not_found");
}

TEST_F(Fake, UploadBytesMustMatchTheLengthAndCompleteWorksOncePerFile) {
  auto got = post("files.getUploadURLExternal", "filename=a.png&length=5", "application/x-www-form-urlencoded");
  ASSERT_EQ(got["ok"], true);
  const std::string id = got["file_id"];
  const std::string url = got["upload_url"];
  httplib::Client c("127.0.0.1", fake.port());
  const std::string path = url.substr(url.find("/upload/"));
  EXPECT_EQ(c.Post(path.c_str(), "1234", "application/octet-stream")->status, 400);  // 4 bytes announced as 5
  EXPECT_EQ(
      post("files.completeUploadExternal",
           "files=" + httplib::detail::encode_query_param(R"([{"id":")" + id + R"("}])") + "&channel_id=C0000000F1",
           "application/x-www-form-urlencoded")["error"],
      "file_not_found");  // nothing was stored
  EXPECT_EQ(c.Post(path.c_str(), "12345", "application/octet-stream")->status, 200);
  const std::string complete =
      "files=" + httplib::detail::encode_query_param(R"([{"id":")" + id + R"(","title":"T"}])") +
      "&channel_id=C0000000F1&initial_comment=hi";
  EXPECT_EQ(post("files.completeUploadExternal", complete, "application/x-www-form-urlencoded")["ok"], true);
  EXPECT_EQ(post("files.completeUploadExternal", complete, "application/x-www-form-urlencoded")["error"],
            "file_not_found");
  auto files = fake.files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].complete_calls, 3);  // every call naming it: before the bytes, the one that shared, the repeat
  EXPECT_EQ(fake.messages("C0000000F1").size(), 1u) << "shared twice";
}

TEST(FakeBudgets, Answers429WithRetryAfterPastTheTierBudget) {
  FakeSlack::Options o;
  o.window = std::chrono::milliseconds(60000);
  FakeSlack fake(o);
  fake.start();
  httplib::Client c("127.0.0.1", fake.port());
  httplib::Headers h = {{"Authorization", "Bearer " + fake.options().token}};
  int ok = 0, limited = 0;
  std::string retry_after;
  for (int i = 0; i < 25; ++i) {  // users.list is Tier 2: 20 a minute
    auto r = c.Post("/api/users.list", h, "", "application/x-www-form-urlencoded");
    if (r->status == 200) ++ok;
    if (r->status == 429) {
      ++limited;
      retry_after = r->get_header_value("Retry-After");
    }
  }
  EXPECT_EQ(ok, 20);
  EXPECT_EQ(limited, 5);
  EXPECT_GE(std::stoi(retry_after), 1);
  EXPECT_LE(std::stoi(retry_after), 3);
}

// Issue 29: the local fake signs people in from a browser: with nobody named, its authorize page
// lists the workspace's people; picking one (as=USER) goes back with a code, as Slack does.
TEST(FakeSignIn, ABrowserPicksWhoToSignInAs) {
  FakeSlack fake;
  fake.add_user({"U0000000A1", "gilmore", "Gil More", "Gilmore"});
  fake.add_user({"U0000000A2", "doppler", "Dop <b>Pler", "Doppler"});
  fake.start();
  httplib::Client c("127.0.0.1", fake.port());
  const std::string ask =
      "/openid/connect/authorize?response_type=code&scope=openid%20profile&client_id=" + fake.options().client_id +
      "&state=s1&nonce=n1&redirect_uri=http%3A%2F%2Fx%2Fcb";
  auto page = c.Get(ask.c_str());
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("as=U0000000A1"), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("Doppler"), std::string::npos);
  EXPECT_EQ(page->body.find("<b>"), std::string::npos) << "names are escaped";
  auto picked = c.Get((ask + "&as=U0000000A2").c_str());
  ASSERT_EQ(picked->status, 302);
  EXPECT_EQ(picked->get_header_value("Location").rfind("http://x/cb?code=", 0), 0u);
  EXPECT_NE(picked->get_header_value("Location").find("state=s1"), std::string::npos);
  EXPECT_EQ(c.Get((ask + "&as=U0NOBODY00").c_str())->status, 200) << "an unknown person: asked again";
  auto bad = c.Get("/openid/connect/authorize?response_type=code&scope=openid&client_id=wrong&redirect_uri=x");
  EXPECT_EQ(bad->status, 400);
}
