#include "records.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "paxstats/error.hpp"

namespace paxstats::mining::detail {

using json = nlohmann::json;
constexpr size_t kMaxMessageBytes = 4u << 20;  // Slack caps text at 40,000 characters; 4 MiB is no message

std::string str(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<long long> number(const json& o, const char* key, const std::string& where) {
  // Unix times and byte sizes: far below 1e15. Anything larger is no Slack value (and would not
  // fit PostgreSQL's timestamps or overflow a cast).
  constexpr double kLimit = 1e15;
  auto it = o.find(key);
  if (it == o.end() || it->is_null()) return std::nullopt;
  auto refuse = [&](const std::string& v) -> std::optional<long long> {
    const std::string id = o.contains("id") && o["id"].is_string() ? " " + o["id"].get<std::string>() : "";
    throw UserError(where + ":" + id + " \"" + key + "\" is " + v.substr(0, 40) +
                    ", not a number Slack writes there; the file is damaged or not from Slack.");
  };
  if (it->is_number_unsigned()) {
    const auto v = it->get<unsigned long long>();
    if (v > static_cast<unsigned long long>(kLimit)) return refuse(it->dump());
    return static_cast<long long>(v);
  }
  if (it->is_number_integer()) {
    const auto v = it->get<long long>();
    if (v > kLimit || v < -kLimit) return refuse(it->dump());
    return v;
  }
  if (it->is_number()) {
    const double v = it->get<double>();
    if (!(v <= kLimit && v >= -kLimit)) return refuse(it->dump());
    return static_cast<long long>(v);
  }
  if (it->is_string()) {
    const std::string s = it->get<std::string>();
    long long v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size()) {
      if (v > kLimit || v < -kLimit) return refuse(s);
      return v;
    }
  }
  return std::nullopt;
}

namespace {
// "1700000000.000100": seconds (at most 12 digits: past the year 30000) and an optional fraction
// of at most 6 digits.
bool valid_ts(const std::string& ts) {
  const size_t dot = ts.find('.');
  const size_t whole = dot == std::string::npos ? ts.size() : dot;
  if (whole == 0 || whole > 12) return false;
  if (dot != std::string::npos && (dot + 1 == ts.size() || ts.size() - dot - 1 > 6)) return false;
  for (size_t i = 0; i < ts.size(); ++i)
    if (i != dot && !std::isdigit(static_cast<unsigned char>(ts[i]))) return false;
  return true;
}

// True when compact JSON text holds a \u0000 escape (a NUL in some string), which PostgreSQL's
// jsonb and text refuse.
bool has_nul_escape(std::string_view json_text) {
  for (size_t at = json_text.find("\\u0000"); at != std::string_view::npos; at = json_text.find("\\u0000", at + 1)) {
    size_t backslashes = 0;
    while (at > backslashes && json_text[at - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return true;  // the escape itself, not an escaped backslash before "u0000"
  }
  return false;
}
}  // namespace

namespace {
// A Slack id: one of the kind's letters, then capitals and digits (U0123ABCD, C0123ABCD). Ids name
// files (the dashboard's pax/U….html), so anything else is refused where it comes in.
void check_slack_id(const std::string& id, std::string_view kinds, const char* what, const std::string& where) {
  bool ok = id.size() >= 3 && id.size() <= 40 && kinds.find(id[0]) != std::string_view::npos;
  for (size_t i = 1; ok && i < id.size(); ++i) ok = (id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9');
  if (ok) return;
  std::string shown;
  for (char c : id.substr(0, 60)) shown += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  throw UserError(where + ": the " + what + " id \"" + shown + "\" is no Slack id (" + std::string(what) + " ids are " +
                  std::string(kinds.substr(0, 1)) +
                  "… in capitals and digits); the file is damaged or not from Slack, and nothing was imported.");
}
}  // namespace

db::UserRecord user_record(const json& u, const std::string& where) {
  db::UserRecord r;
  r.id = str(u, "id");
  check_slack_id(r.id, "UWB", "user", where);
  const json profile = u.contains("profile") && u["profile"].is_object() ? u["profile"] : json::object();
  r.display_name = str(profile, "display_name");
  r.real_name = str(u, "real_name").empty() ? str(profile, "real_name") : str(u, "real_name");
  r.user_name = !r.display_name.empty() ? r.display_name : !r.real_name.empty() ? r.real_name : str(u, "name");
  if (r.user_name.empty()) r.user_name = r.id;
  r.email = str(profile, "email");
  r.tz = str(u, "tz");
  r.is_bot = u.value("is_bot", false) || u.value("is_app_user", false) || r.id == "USLACKBOT";
  r.deleted = u.value("deleted", false);
  r.updated = number(u, "updated", where);
  r.raw = u.dump();
  return r;
}

db::ChannelRecord channel_record(const json& c, bool is_private, const std::string& where) {
  db::ChannelRecord r;
  r.id = str(c, "id");
  check_slack_id(r.id, "CGD", "channel", where);
  r.name = str(c, "name").empty() ? r.id : str(c, "name");
  r.is_archived = c.value("is_archived", false);
  r.is_private = is_private || c.value("is_private", false);
  r.created = number(c, "created", where);
  r.raw = c.dump();
  return r;
}

namespace {
// The same rule as SQL's slack_mentions (region migrations 0008 and 0015): the regular expression
// <@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?> matched left to right, each match resuming after the last.
std::vector<std::string> mentions_in(std::string_view text) {
  std::vector<std::string> out;
  size_t at = text.find("<@");
  while (at != std::string_view::npos) {
    const size_t i = at + 2;
    size_t end = i + 1;
    size_t next = at + 2;  // where to look again: after this match, else after this "<@"
    if (i < text.size() && (text[i] == 'U' || text[i] == 'W')) {
      while (end < text.size() && ((text[end] >= 'A' && text[end] <= 'Z') || (text[end] >= '0' && text[end] <= '9')))
        ++end;
      if (end - i >= 3 && end - i <= 21 && end < text.size()) {
        size_t close = std::string_view::npos;
        if (text[end] == '>')
          close = end;
        else if (text[end] == '|')
          close = text.find('>', end);
        if (close != std::string_view::npos) {
          out.emplace_back(text.substr(i, end - i));
          next = close + 1;
        }
      }
    }
    at = text.find("<@", next);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The same rule as SQL's slack_reaction_total (region migration 0008).
int reaction_total(const json& m) {
  auto it = m.find("reactions");
  if (it == m.end() || !it->is_array()) return 0;
  double total = 0;
  for (const auto& x : *it) {
    if (!x.is_object() || !x.contains("name") || !x["name"].is_string()) continue;
    if (auto c = x.find("count"); c != x.end() && c->is_number())
      total += static_cast<double>(std::llround(std::clamp(c->get<double>(), 0.0, 1000000.0)));
    else if (auto u = x.find("users"); u != x.end() && u->is_array())
      total += static_cast<double>(u->size());
  }
  return static_cast<int>(std::clamp(total, 0.0, 2e9));
}

// The same rule as SQL's slack_reaction_list (region migration 0013): "name/users/count" entries
// in Slack's order joined by ";", the users (string entries only, as listed) joined by ","; the
// count as slack_reaction_total reads it. "" when there is no reaction.
std::string reaction_list(const json& m) {
  auto it = m.find("reactions");
  if (it == m.end() || !it->is_array()) return {};
  std::string out;
  for (const auto& x : *it) {
    if (!x.is_object() || !x.contains("name") || !x["name"].is_string()) continue;
    if (!out.empty()) out += ';';
    out += x["name"].get_ref<const std::string&>();
    out += '/';
    long long count = 0;
    const auto users = x.find("users");
    const bool listed = users != x.end() && users->is_array();
    bool first = true;
    if (listed)
      for (const auto& u : *users)
        if (u.is_string()) {
          if (!first) out += ',';
          out += u.get_ref<const std::string&>();
          first = false;
        }
    if (auto c = x.find("count"); c != x.end() && c->is_number())
      count = std::llround(std::clamp(c->get<double>(), 0.0, 1000000.0));
    else if (listed)
      count = static_cast<long long>(users->size());
    out += '/' + std::to_string(count);
  }
  return out;
}
}  // namespace

db::MessageRecord message_record(const std::string& channel, const json& m, const std::string& where) {
  if (!m.is_object()) throw UserError(where + ": a message that is not a JSON object: " + m.dump().substr(0, 120));
  db::MessageRecord r;
  r.channel_id = channel;
  r.ts = str(m, "ts");
  if (!valid_ts(r.ts))
    throw UserError(where + ": a message whose \"ts\" (" + m.value("ts", json()).dump().substr(0, 40) +
                    ") is not a Slack timestamp like 1700000000.000100");
  // Compact JSON: PostgreSQL stores it as jsonb either way, and parses compact text ~10% faster
  // (measured: 243k messages in 4.6 s against 4.8-5.7 s for the pretty-printed bytes).
  r.raw = m.dump();
  if (r.raw.size() > kMaxMessageBytes)
    throw UserError(where + ": message " + r.ts + " is " + std::to_string(r.raw.size() >> 20) +
                    " MiB; Slack messages hold at most 40,000 characters, so the file is damaged or not from Slack.");
  if (has_nul_escape(r.raw))
    throw UserError(where + ": message " + r.ts +
                    " holds a NUL character (\\u0000), which no Slack message has and "
                    "PostgreSQL cannot store; the file is damaged. Import with --skip-bad-files to leave it out.");
  r.thread_ts = str(m, "thread_ts");
  r.user_id = str(m, "user");
  r.bot_id = str(m, "bot_id");
  r.subtype = str(m, "subtype");
  r.text = str(m, "text");
  if (m.contains("edited") && m["edited"].is_object()) r.edited_ts = str(m["edited"], "ts");
  r.deleted = r.subtype == "tombstone";
  r.reply_count = static_cast<int>(std::clamp<long long>(number(m, "reply_count", where).value_or(0), 0, 1000000));
  if (auto it = m.find("reactions"); it != m.end() && it->is_array())
    for (const auto& x : *it) {
      if (!x.is_object() || !x.contains("name") || !x["name"].is_string()) continue;
      std::set<std::string> seen;
      for (const auto& u : x.value("users", json::array()))
        if (u.is_string() && seen.insert(u.get<std::string>()).second)
          r.reactions.emplace_back(x["name"], u.get<std::string>());
    }
  auto add_file = [&](const json& f) {
    if (!f.is_object() || !f.contains("id") || !f["id"].is_string()) return;
    r.files.push_back({str(f, "id"), str(f, "name"), str(f, "title"), str(f, "mimetype"), str(f, "filetype"),
                       str(f, "url_private"), number(f, "size", where), f.dump()});
  };
  if (auto it = m.find("files"); it != m.end() && it->is_array())
    for (const auto& f : *it) add_file(f);
  if (auto it = m.find("file"); it != m.end()) add_file(*it);  // legacy exports: one file per message
  r.mentions = mentions_in(r.text);
  r.reaction_count = reaction_total(m);
  r.reaction_list = reaction_list(m);
  return r;
}

size_t footprint(const db::MessageRecord& m) {
  size_t n = sizeof m;
  for (const std::string* f :
       {&m.channel_id, &m.ts, &m.thread_ts, &m.user_id, &m.bot_id, &m.subtype, &m.text, &m.edited_ts, &m.raw})
    n += f->capacity();
  n += m.reaction_list.capacity();
  for (const auto& [emoji, user] : m.reactions) n += sizeof emoji * 2 + emoji.capacity() + user.capacity();
  for (const auto& id : m.mentions) n += sizeof id + id.capacity();
  for (const auto& f : m.files)
    n += sizeof f + f.raw.capacity() + f.name.capacity() + f.title.capacity() + f.url_private.capacity();
  return n;
}

}  // namespace paxstats::mining::detail
