// Folders paxstats writes for people: names kept inside, and only paxstats's own folders replaced.
#include "paxstats/output_folder.hpp"

#include <fstream>

#include "paxstats/error.hpp"

namespace paxstats::files {

namespace fs = std::filesystem;

namespace {

// A name shown in a message: printable, and not a screen long.
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 120)) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c;
  return out + (s.size() > 120 ? "…" : "");
}

// dir, absolute and normal, with no trailing separator ("out/" → ".../out").
fs::path normal(const fs::path& dir) {
  fs::path p = fs::absolute(dir).lexically_normal();
  if (p.has_relative_path() && p.filename().empty()) p = p.parent_path();
  return p;
}

// True when `outer` is `inner` or one of its parents.
bool holds(const fs::path& outer, const fs::path& inner) {
  auto o = outer.begin(), i = inner.begin();
  for (; o != outer.end(); ++o, ++i)
    if (i == inner.end() || *o != *i) return false;
  return true;
}

}  // namespace

fs::path inside(const fs::path& dir, std::string_view name) {
  auto refuse = [&](const char* why) -> fs::path {
    throw UserError("refusing to write \"" + shown(name) + "\" in " + dir.string() + ": " + why +
                    ". The name comes from the data; check the region's channel and user ids.");
  };
  if (name.empty()) return refuse("the name is empty");
  if (name.find('\0') != std::string_view::npos) return refuse("the name holds a NUL character");
  const fs::path rel(name);
  if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory())
    return refuse("the name is an absolute path");
  for (const auto& part : rel)
    if (part == ".." || part == ".") return refuse("the name has a \"..\" or \".\" part");
  const fs::path joined = (dir / rel).lexically_normal();
  if (!holds(dir.lexically_normal(), joined) || joined == dir.lexically_normal())
    return refuse("the name leads outside the folder");
  return joined;
}

fs::path checked_output_dir(const fs::path& dir, std::string_view flag) {
  const fs::path target = normal(dir);
  const std::string say = std::string(flag) + " " + dir.string();
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec).lexically_normal();
  if (!target.has_relative_path())
    throw UserError(say + " is the file-system root: give a folder of its own, e.g. " + std::string(flag) + " ./site");
  if (!ec && holds(target, cwd))
    throw UserError(say + " is the current folder or holds it: give a folder of its own, e.g. " + std::string(flag) +
                    " ./site");
  if (fs::exists(target, ec) && !fs::is_directory(target, ec)) throw UserError(say + " is a file: give a folder");
  if (fs::is_directory(target, ec) && !fs::is_empty(target, ec) && !fs::exists(target / kMarker, ec))
    throw UserError(say + " already holds files paxstats did not write (no " + std::string(kMarker) +
                    " in it): nothing was changed. Give a new or empty folder, or one paxstats wrote before.");
  return target;
}

void mark(const fs::path& dir, std::string_view what) {
  std::ofstream out(dir / kMarker, std::ios::trunc);
  out << "Written by paxstats (" << what << "). paxstats replaces this folder when asked to write it again.\n";
  if (!out) throw UserError("cannot write " + (dir / kMarker).string() + ": is the folder read-only?");
}

ReplacedFolder::ReplacedFolder(const fs::path& dir, std::string_view flag, std::string_view what)
    : target_(checked_output_dir(dir, flag)),
      work_(target_.parent_path() / (target_.filename().string() + ".partial")) {
  std::error_code ec;
  if (fs::exists(work_, ec) && !fs::exists(work_ / kMarker, ec) && !fs::is_empty(work_, ec))
    throw UserError(work_.string() + " exists and is not paxstats's: remove it or write elsewhere");
  fs::remove_all(work_, ec);
  fs::create_directories(work_, ec);
  if (ec) throw UserError("cannot create " + work_.string() + ": " + ec.message());
  mark(work_, what);
}

ReplacedFolder::~ReplacedFolder() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(work_, ec);
}

void ReplacedFolder::commit() {
  std::error_code ec;
  fs::remove_all(target_, ec);  // checked_output_dir: absent, empty, or paxstats's own
  if (ec) throw UserError("cannot replace " + target_.string() + ": " + ec.message());
  fs::rename(work_, target_, ec);
  if (ec) throw UserError("cannot put " + work_.string() + " in place of " + target_.string() + ": " + ec.message());
  committed_ = true;
}

}  // namespace paxstats::files
