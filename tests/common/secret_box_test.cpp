// Secrets sealed at rest (issue 33): AES-256-GCM under a key file, bound to their row.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "paxstats/error.hpp"
#include "paxstats/secret_box.hpp"

using namespace paxstats;
namespace fs = std::filesystem;

namespace {
struct KeyDir {
  KeyDir() : path(fs::temp_directory_path() / ("pxs-key-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~KeyDir() { fs::remove_all(path); }
  fs::path path;
};
}  // namespace

TEST(SecretBox, ASealedValueOpensOnlyWithItsKeyInItsRow) {
  KeyDir dir;
  const auto key = secrets::create_key(dir.path / "k");
  EXPECT_EQ(secrets::load_key(dir.path / "k").id, key.id);
  const std::string token = "xoxb-1-2-abcdef";
  const std::string sealed = secrets::seal(key, token, "stl", "bot_token");
  EXPECT_EQ(sealed.rfind("v1." + key.id + ".", 0), 0u) << sealed;
  EXPECT_EQ(sealed.find("xoxb"), std::string::npos);
  EXPECT_NE(secrets::seal(key, token, "stl", "bot_token"), sealed) << "a new nonce each time";
  EXPECT_EQ(secrets::open(key, sealed, "stl", "bot_token"), token);
  EXPECT_EQ(secrets::key_id_of(sealed), key.id);
  EXPECT_EQ(secrets::open(key, secrets::seal(key, "", "stl", "bot_token"), "stl", "bot_token"), "");
  // Moved to another region's row, changed by a byte, or under another key: never opens.
  EXPECT_THROW(secrets::open(key, sealed, "kc", "bot_token"), UserError);
  std::string changed = sealed;
  changed[20] = changed[20] == 'A' ? 'B' : 'A';
  EXPECT_THROW(secrets::open(key, changed, "stl", "bot_token"), UserError);
  const auto other = secrets::create_key(dir.path / "k2");
  try {
    secrets::open(other, sealed, "stl", "bot_token");
    ADD_FAILURE() << "opened under another key";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find(key.id), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(other.id), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find(token), std::string::npos);
  }
  EXPECT_THROW(secrets::open(key, "xoxb-plain", "stl", "bot_token"), UserError);
  EXPECT_THROW(secrets::open(key, "v1." + key.id + ".!!!!", "stl", "bot_token"), UserError);
}

TEST(SecretBox, AKeyFileMustBeThirtyTwoBytesOnlyItsOwnerReads) {
  KeyDir dir;
  EXPECT_THROW(secrets::load_key(dir.path / "missing"), UserError);
  EXPECT_THROW(secrets::create_key(dir.path / "no-such-folder" / "k"), UserError);
  secrets::create_key(dir.path / "k");
  EXPECT_THROW(secrets::create_key(dir.path / "k"), UserError) << "never replaced";
  ::chmod((dir.path / "k").c_str(), 0640);
  EXPECT_THROW(secrets::load_key(dir.path / "k"), UserError);
  std::ofstream(dir.path / "short", std::ios::binary) << "sixteen bytes!!!";
  ::chmod((dir.path / "short").c_str(), 0600);
  EXPECT_THROW(secrets::load_key(dir.path / "short"), UserError);
}
