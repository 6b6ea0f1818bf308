#include "paxstats/slack/export.hpp"

#include <zip.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "paxstats/error.hpp"
#include "paxstats/slack/json_limits.hpp"

namespace fs = std::filesystem;

namespace paxstats::slack {
namespace {

// The memory budget of one export file: it is read whole, then parsed element by element. A
// day file of a real export is a few MB; 256 MiB keeps an import under 500 MB of memory even
// for a zip bomb (a small zip claiming a huge entry is refused before it is inflated).
constexpr uint64_t kMaxEntryBytes = 256ull << 20;

bool is_day_file(const std::string& name) {
  // YYYY-MM-DD.json
  if (name.size() != 15 || name.substr(10) != ".json") return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return false;
  return name[4] == '-' && name[7] == '-';
}

void check_name(const fs::path& archive, const std::string& name) {
  const bool absolute = !name.empty() && (name[0] == '/' || name[0] == '\\' || (name.size() > 1 && name[1] == ':'));
  bool dotdot = false;
  std::string part;
  std::istringstream in(name);
  while (std::getline(in, part, '/'))
    if (part == "..") dotdot = true;
  if (absolute || dotdot || name.find('\\') != std::string::npos)
    throw UserError(archive.string() + ": entry \"" + name +
                    "\" points outside the export (an absolute path or \"..\"). This archive is not a Slack export, or "
                    "it was crafted to write elsewhere (zip-slip); paxstats refuses to read it.");
}

// Drops a single top folder shared by every entry ("export/channels.json" → "channels.json").
std::string common_prefix(const std::vector<std::string>& names) {
  std::string top;
  for (const auto& n : names) {
    auto slash = n.find('/');
    if (slash == std::string::npos) return "";
    std::string first = n.substr(0, slash + 1);
    if (top.empty())
      top = first;
    else if (top != first)
      return "";
  }
  // Only when the lists are not themselves at the top.
  for (const char* list : {"channels.json", "users.json", "groups.json", "dms.json", "mpims.json"})
    if (std::find(names.begin(), names.end(), top + list) != names.end()) return top;
  return "";
}

[[noreturn]] void too_large_entry(const std::string& where, uint64_t bytes) {
  throw UserError(where + " is " + std::to_string(bytes >> 20) + " MiB uncompressed: more than the " +
                  std::to_string(kMaxEntryBytes >> 20) +
                  " MiB paxstats reads of one export file (a Slack day file is a "
                  "few MB). The archive is damaged or not a Slack export.");
}

class FolderArchive final : public ExportArchive {
 public:
  explicit FolderArchive(const fs::path& dir) {
    path_ = dir;
    std::error_code ec;
    const fs::path root = fs::canonical(dir, ec);
    if (ec) throw UserError(dir.string() + ": cannot read the folder (" + ec.message() + ")");
    std::vector<std::string> names;
    // A channel folder that is a link (to a folder inside the export) is read like any other: its
    // messages would otherwise be left out without a word. Files reached through it are still
    // checked to stay inside the export.
    auto it = fs::recursive_directory_iterator(dir, fs::directory_options::follow_directory_symlink, ec);
    if (ec) throw UserError(dir.string() + ": cannot read the folder (" + ec.message() + ")");
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) throw UserError(dir.string() + ": cannot read the folder (" + ec.message() + ")");
      if (it.depth() > 2) {
        it.disable_recursion_pending();
        continue;
      }
      const std::string rel = it->path().lexically_relative(dir).generic_string();
      std::error_code ec2;
      if (!it->is_regular_file(ec2)) {
        // A link that loops, or points nowhere, is no Slack file: say which entry it is.
        if (it->is_symlink(ec2) && !fs::exists(it->path(), ec2))
          throw UserError(dir.string() + ": \"" + rel +
                          "\" is a link that leads nowhere (or in a loop); remove it "
                          "and import again.");
        continue;
      }
      const fs::path real = fs::canonical(it->path(), ec2);
      if (ec2 || real.string().rfind(root.string() + "/", 0) != 0)
        throw UserError(dir.string() + ": \"" + rel +
                        "\" is a link to a file outside the export folder; paxstats reads "
                        "only files inside it.");
      names.push_back(rel);
    }
    std::sort(names.begin(), names.end());
    prefix_ = common_prefix(names);
    for (auto& n : names)
      if (n.rfind(prefix_, 0) == 0) entries_.push_back(n.substr(prefix_.size()));
  }
  std::string read(const std::string& entry) const override {
    const fs::path p = path_ / (prefix_ + entry);
    if (size(entry) > kMaxEntryBytes) too_large_entry(where(entry), size(entry));
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) throw UserError("cannot read " + p.string());
    return ss.str();
  }
  uint64_t size(const std::string& entry) const override {
    std::error_code ec;
    const auto n = fs::file_size(path_ / (prefix_ + entry), ec);
    return ec ? 0 : n;
  }
};

class ZipArchive final : public ExportArchive {
 public:
  explicit ZipArchive(const fs::path& file) {
    path_ = file;
    int err = 0;
    zip_.reset(zip_open(file.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err));
    if (!zip_) {
      zip_error_t ze;
      zip_error_init_with_code(&ze, err);
      std::string why = zip_error_strerror(&ze);
      zip_error_fini(&ze);
      throw UserError(file.string() + " is not a readable zip archive (" + why +
                      "). The download may be incomplete: download the export from Slack again, or unzip it and "
                      "import the folder.");
    }
    const zip_int64_t n = zip_get_num_entries(zip_.get(), 0);
    std::vector<std::string> names;
    for (zip_int64_t i = 0; i < n; ++i) {
      const char* name = zip_get_name(zip_.get(), static_cast<zip_uint64_t>(i), 0);
      if (!name) continue;
      std::string s(name);
      check_name(file, s);
      if (s.empty() || s.back() == '/') continue;  // folders
      if (s.rfind("__MACOSX/", 0) == 0) continue;  // resource forks added by macOS zip
      index_[s] = static_cast<zip_uint64_t>(i);
      names.push_back(s);
    }
    std::sort(names.begin(), names.end());
    prefix_ = common_prefix(names);
    for (auto& s : names)
      if (s.rfind(prefix_, 0) == 0) entries_.push_back(s.substr(prefix_.size()));
  }

  std::string read(const std::string& entry) const override {
    const auto idx = index_.at(prefix_ + entry);
    const uint64_t bytes = size(entry);
    if (bytes > kMaxEntryBytes) too_large_entry(where(entry), bytes);
    zip_file_t* f = zip_fopen_index(zip_.get(), idx, 0);
    if (!f) throw UserError(where(entry) + ": cannot open (" + zip_strerror(zip_.get()) + "); the archive is damaged.");
    std::string out(bytes, '\0');
    zip_int64_t got = zip_fread(f, out.data(), bytes);
    std::string why = got < 0 ? zip_file_strerror(f) : "";
    zip_fclose(f);
    if (got < 0 || static_cast<uint64_t>(got) != bytes)
      throw UserError(where(entry) + ": cannot read (" + (why.empty() ? "short read" : why) +
                      "); the archive is damaged or truncated. Download the export again.");
    return out;
  }
  uint64_t size(const std::string& entry) const override {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_.get(), index_.at(prefix_ + entry), 0, &st) != 0) return 0;
    return st.size;
  }

 private:
  struct ZipCloser {
    void operator()(zip_t* z) const { zip_discard(z); }
  };
  std::unique_ptr<zip_t, ZipCloser> zip_;  // closed however the constructor or the archive ends
  std::map<std::string, zip_uint64_t> index_;
};

std::string list_kind(const std::string& file) {
  if (file == "channels.json") return "channel";
  if (file == "groups.json") return "group";
  if (file == "mpims.json") return "mpim";
  return "dm";
}

}  // namespace

std::unique_ptr<ExportArchive> ExportArchive::open(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw UserError(path.string() + " does not exist. Give the Slack export's .zip file or its unpacked folder.");
  if (fs::is_directory(path, ec)) return std::make_unique<FolderArchive>(path);
  return std::make_unique<ZipArchive>(path);
}

bool ExportArchive::has(const std::string& entry) const {
  return std::binary_search(entries_.begin(), entries_.end(), entry);
}

std::string ExportArchive::where(const std::string& entry) const {
  return path_.filename().string() + ":" + prefix_ + entry;
}

namespace {

// A parse error at byte `at` of the entry, as "file:line:column: what … what to do".
[[noreturn]] void entry_error(const ExportArchive& archive, const std::string& entry, const std::string& bytes,
                              size_t at, const std::string& what) {
  at = std::min(at, bytes.size());
  const size_t line = 1 + static_cast<size_t>(std::count(bytes.begin(), bytes.begin() + static_cast<long>(at), '\n'));
  const size_t line_start = at == 0 ? std::string::npos : bytes.rfind('\n', at - 1);
  const size_t column = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
  const bool utf8 = what.find("UTF-8") != std::string::npos || what.find("utf-8") != std::string::npos;
  throw UserError(archive.where(entry) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                  (utf8 ? "invalid UTF-8 (the file is damaged or not from Slack)" : "malformed JSON") + " (" + what +
                  "). Re-download the export, or import with --skip-bad-files to leave this file out.");
}

// Calls fn(start, end, line) for each element of a top-level JSON array, in order, as it finds
// it (no list of ranges: a 200 MB file of "1,1,1,…" costs no extra memory). Returns false when
// the text is not such an array (the caller then parses it whole for a precise error). Throws
// JsonTooDeep when an element nests deeper than kMaxJsonDepth.
bool split_array(std::string_view s, const std::function<void(size_t, size_t, size_t)>& fn) {
  size_t i = 0, line = 1;
  auto ws = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) line += s[i++] == '\n';
  };
  if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // a byte-order mark
  ws();
  if (i >= s.size() || s[i] != '[') return false;
  ++i;
  ws();
  if (i < s.size() && s[i] == ']') return true;
  for (;;) {
    ws();
    const size_t start = i, start_line = line;
    JsonNesting n;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      if (c == '\n') ++line;
      // The element ends at a comma or the array's ']' outside any string and nesting.
      if (!n.in_string() && n.depth() == 0 && (c == ',' || c == ']' || c == '}')) break;
      if (n.feed(c) == JsonNesting::Step::open && n.depth() > kMaxJsonDepth) throw JsonTooDeep(i);
    }
    if (i >= s.size() || n.in_string()) return false;
    size_t end = i;
    while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\n' || s[end - 1] == '\r' || s[end - 1] == '\t')) --end;
    if (end == start) return false;
    fn(start, end, start_line);
    if (s[i] == ']') return true;
    ++i;  // the comma
  }
}

[[noreturn]] void too_deep(const ExportArchive& archive, const std::string& entry, const std::string& bytes,
                           size_t at) {
  const size_t line = 1 + static_cast<size_t>(std::count(bytes.begin(), bytes.begin() + static_cast<long>(at), '\n'));
  throw UserError(archive.where(entry) + ":" + std::to_string(line) + ": JSON nested more than " +
                  std::to_string(kMaxJsonDepth) +
                  " levels deep; Slack's exports are shallow, so the file is damaged or "
                  "crafted. Import with --skip-bad-files to leave it out.");
}

}  // namespace

void for_each_element(const ExportArchive& archive, const std::string& entry,
                      const std::function<void(const nlohmann::json&, std::string_view, size_t)>& fn) {
  const std::string bytes = archive.read(entry);
  bool array = false;
  try {
    array = split_array(bytes, [&](size_t start, size_t end, size_t line) {
      const std::string_view raw(bytes.data() + start, end - start);
      nlohmann::json element;
      try {
        element = nlohmann::json::parse(raw);
      } catch (const nlohmann::json::exception& e) {  // parse errors, and number overflow (1e999)
        const auto* pe = dynamic_cast<const nlohmann::json::parse_error*>(&e);
        entry_error(archive, entry, bytes, start + (pe && pe->byte ? pe->byte - 1 : 0), e.what());
      }
      fn(element, raw, line);
    });
  } catch (const JsonTooDeep& d) {
    too_deep(archive, entry, bytes, d.offset);
  }
  if (!array) {
    if (auto at = json_too_deep(bytes)) too_deep(archive, entry, bytes, *at);
    const auto whole = nlohmann::json::parse(bytes, nullptr, false);
    if (!whole.is_discarded() && !whole.is_array())
      throw UserError(archive.where(entry) + ": expected a JSON array of messages");
    parse_entry(archive, entry);  // throws the precise error
    throw UserError(archive.where(entry) + ": not a JSON array");
  }
}

nlohmann::json parse_entry(const ExportArchive& archive, const std::string& entry) {
  const std::string bytes = archive.read(entry);
  if (auto at = json_too_deep(bytes)) too_deep(archive, entry, bytes, *at);
  try {
    return nlohmann::json::parse(bytes);
  } catch (const nlohmann::json::exception& e) {
    const auto* pe = dynamic_cast<const nlohmann::json::parse_error*>(&e);
    entry_error(archive, entry, bytes, pe && pe->byte ? pe->byte - 1 : 0, e.what());
  }
}

ExportIndex index_export(const ExportArchive& archive) {
  ExportIndex index;
  bool any_list = false;
  std::map<std::string, size_t> by_folder;  // folder name → conversation
  std::set<std::string> ids;
  for (const char* file : {"channels.json", "groups.json", "mpims.json", "dms.json"}) {
    if (!archive.has(file)) continue;
    any_list = true;
    const auto list = parse_entry(archive, file);
    if (!list.is_array()) throw UserError(archive.where(file) + ": expected a JSON array of conversations");
    for (const auto& c : list) {
      if (!c.is_object() || !c.contains("id") || !c["id"].is_string())
        throw UserError(archive.where(file) + ": a conversation without an \"id\": " + c.dump().substr(0, 200));
      ExportConversation conv;
      conv.id = c["id"].get<std::string>();
      if (!ids.insert(conv.id).second) {
        index.notes.push_back(archive.where(file) + ": conversation " + conv.id +
                              " is listed twice (or in two lists); its first entry is used");
        continue;
      }
      conv.kind = list_kind(file);
      conv.name = c.contains("name") && c["name"].is_string() ? c["name"].get<std::string>() : conv.id;
      conv.info = c;
      for (const auto& folder : {conv.name, conv.id}) by_folder.emplace(folder, index.conversations.size());
      index.conversations.push_back(std::move(conv));
    }
  }
  if (!any_list)
    throw UserError(archive.path().string() +
                    " holds no channels.json, groups.json, dms.json or mpims.json: it is not a Slack export. In Slack, "
                    "export from Settings & administration → Workspace settings → Import/Export Data.");
  for (const char* file : {"users.json", "org_users.json"}) {
    if (!archive.has(file)) continue;
    const auto users = parse_entry(archive, file);
    if (!users.is_array()) throw UserError(archive.where(file) + ": expected a JSON array of users");
    std::set<std::string> seen;
    for (const auto& u : users)
      if (u.is_object() && u.contains("id") && u["id"].is_string()) {
        if (seen.insert(u["id"].get<std::string>()).second)
          index.users.push_back(u);
        else
          index.notes.push_back(archive.where(file) + ": user " + u["id"].get<std::string>() +
                                " is listed twice; its first entry is used");
      }
    break;
  }
  std::set<std::string> stray;
  for (const auto& e : archive.entries()) {
    auto slash = e.find('/');
    if (slash == std::string::npos || e.find('/', slash + 1) != std::string::npos) continue;
    const std::string folder = e.substr(0, slash), file = e.substr(slash + 1);
    if (!is_day_file(file)) continue;
    auto it = by_folder.find(folder);
    if (it == by_folder.end())
      stray.insert(folder);
    else
      index.conversations[it->second].day_files.push_back(e);
  }
  index.stray_folders.assign(stray.begin(), stray.end());
  for (auto& c : index.conversations) std::sort(c.day_files.begin(), c.day_files.end());
  return index;
}

}  // namespace paxstats::slack
