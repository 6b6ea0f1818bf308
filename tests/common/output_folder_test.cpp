// Issue 29: every file paxstats writes for people is joined to its folder and stays inside it,
// and a folder is replaced only when paxstats made it; never the root, the current folder or a
// folder of someone else's files.
#include "paxstats/output_folder.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "paxstats/error.hpp"
#include "postgres_env.hpp"

using namespace paxstats;
namespace fs = std::filesystem;

namespace {
void touch(const fs::path& p, const std::string& text = "x") {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}
std::string read(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

TEST(OutputFolder, NamesFromTheDataStayInsideTheirFolder) {
  const fs::path dir = "/srv/site";
  EXPECT_EQ(files::inside(dir, "pax/U0123ABCD.html"), fs::path("/srv/site/pax/U0123ABCD.html"));
  for (const char* bad :
       {"../../etc/pwned/ao1.html", "ao/../../x.html", "/etc/passwd", "", "ao/./x", "..", "ao/..", "pax/../../site2/x"})
    EXPECT_THROW(files::inside(dir, bad), UserError) << bad;
  EXPECT_THROW(files::inside(dir, std::string("ao/x\0y.html", 11)), UserError);
}

TEST(OutputFolder, OnlyAFolderPaxstatsMadeIsReplaced) {
  test::TempDir t;
  const fs::path mine = t.path() / "mine";
  touch(mine / "notes.txt", "someone's notes");
  // A folder of someone else's files, named with or without a trailing slash: refused, untouched.
  for (const std::string& name : {mine.string(), mine.string() + "/", mine.string() + "/."}) {
    EXPECT_THROW(files::ReplacedFolder(name, "--out", "test"), UserError) << name;
    EXPECT_EQ(read(mine / "notes.txt"), "someone's notes");
  }
  // The current folder and the root: refused whatever they hold.
  const fs::path before = fs::current_path();
  fs::current_path(t.path());
  EXPECT_THROW(files::checked_output_dir(".", "--out"), UserError);
  EXPECT_THROW(files::checked_output_dir("./", "--out"), UserError);
  EXPECT_THROW(files::checked_output_dir("..", "--out"), UserError);
  fs::current_path(before);
  EXPECT_THROW(files::checked_output_dir("/", "--out"), UserError);
  // A new folder is written whole; a second run replaces it, leaving nothing of the first.
  const fs::path site = t.path() / "site";
  {
    files::ReplacedFolder f(site.string() + "/", "--out", "test");
    touch(f.file("old.png"));
    f.commit();
  }
  EXPECT_TRUE(fs::exists(site / "old.png"));
  EXPECT_TRUE(fs::exists(site / files::kMarker));
  {
    files::ReplacedFolder f(site, "--out", "test");
    touch(f.file("new.png"));
    f.commit();
  }
  EXPECT_FALSE(fs::exists(site / "old.png"));
  EXPECT_TRUE(fs::exists(site / "new.png"));
  // Without commit the work goes and the folder stays as it was.
  { files::ReplacedFolder f(site, "--out", "test"); }
  EXPECT_TRUE(fs::exists(site / "new.png"));
  EXPECT_FALSE(fs::exists(t.path() / "site.partial"));
  // An empty folder is anyone's to fill.
  fs::create_directories(t.path() / "empty");
  EXPECT_NO_THROW(files::checked_output_dir(t.path() / "empty", "--out"));
}
