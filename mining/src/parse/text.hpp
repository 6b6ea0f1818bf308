#pragma once
// Internal to the backblast parser: normalising text (case, spaces, Slack markup and escapes, emoji, lines).
// Scanning over string_views, never throwing on hostile input.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace paxstats::mining::parse {

using json = nlohmann::json;
using sv = std::string_view;

// A string member of a JSON object, or "" when it is absent or of another type (never throws).
inline std::string string_field(const json& o, const char* key) {
  if (!o.is_object()) return {};
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

inline bool starts_with_ci(sv s, sv prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != prefix[i]) return false;
  return true;
}

inline bool equals_ci(sv a, sv b) { return a.size() == b.size() && starts_with_ci(a, b); }

inline std::string lower_copy(sv s) {
  std::string out(s);
  for (auto& c : out) c = lower(c);
  return out;
}

// Length of a leading U+00A0 (no-break space), which Slack clients insert.
inline size_t nbsp_len(sv s) {
  return (s.size() >= 2 && static_cast<unsigned char>(s[0]) == 0xC2 && static_cast<unsigned char>(s[1]) == 0xA0) ? 2
                                                                                                                 : 0;
}

inline sv trim(sv s) {
  for (;;) {
    if (!s.empty() && is_space(s.front()))
      s.remove_prefix(1);
    else if (size_t n = nbsp_len(s))
      s.remove_prefix(n);
    else
      break;
  }
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  while (s.size() >= 2 && static_cast<unsigned char>(s[s.size() - 2]) == 0xC2 &&
         static_cast<unsigned char>(s.back()) == 0xA0)
    s.remove_suffix(2);
  return s;
}

// Trims whitespace and Slack markup (*bold*, _italic_, ~strike~) and trailing punctuation.
inline sv trim_markup(sv s) {
  for (bool changed = true; changed;) {
    changed = false;
    sv t = trim(s);
    while (!t.empty() && (t.front() == '*' || t.front() == '_' || t.front() == '~' || t.front() == '`'))
      t.remove_prefix(1), changed = true;
    while (!t.empty() && (t.back() == '*' || t.back() == '_' || t.back() == '~' || t.back() == '`' || t.back() == '.' ||
                          t.back() == ':' || t.back() == ','))
      t.remove_suffix(1), changed = true;
    s = t;
  }
  return s;
}

// Decodes Slack's three escapes (&amp; last, as Slack documents).
inline std::string unescape(sv s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      if (s.substr(i, 4) == "&lt;") {
        out += '<';
        i += 3;
        continue;
      }
      if (s.substr(i, 4) == "&gt;") {
        out += '>';
        i += 3;
        continue;
      }
      if (s.substr(i, 5) == "&amp;") {
        out += '&';
        i += 4;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// Collapses runs of whitespace into one space.
inline std::string squeeze(sv s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_space(c))
      space = !out.empty();
    else {
      if (space) out += ' ';
      out += c;
      space = false;
    }
  }
  return out;
}

// Length of one leading emoji (a :shortcode: or a pictographic code point with its modifiers).
inline size_t leading_emoji(sv s) {
  if (s.size() > 2 && s[0] == ':') {
    size_t i = 1;
    while (i < s.size() && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '+')) ++i;
    if (i > 1 && i < s.size() && s[i] == ':') return i + 1;
    return 0;
  }
  size_t i = 0;
  for (;;) {
    if (i >= s.size()) break;
    const auto b = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    size_t len = 0;
    if (b >= 0xF0 && i + 3 < s.size()) {
      cp = ((b & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
           ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) | (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
      len = 4;
    } else if (b >= 0xE0 && i + 2 < s.size()) {
      cp = ((b & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
      len = 3;
    } else {
      break;
    }
    const bool pictographic = (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
                              (cp >= 0x2B00 && cp <= 0x2BFF) || (cp >= 0x2190 && cp <= 0x21FF) ||
                              (cp >= 0x2300 && cp <= 0x23FF) || (cp >= 0x1F1E6 && cp <= 0x1F1FF);
    const bool joiner = cp == 0x200D || cp == 0xFE0F || (cp >= 0x1F3FB && cp <= 0x1F3FF) || cp == 0x20E3;
    if (pictographic || (i > 0 && joiner))
      i += len;
    else
      break;
  }
  return i;
}

// The text without its emoji (:shortcodes: and pictographs), wherever they stand.
inline std::string without_emoji(sv s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (size_t n = leading_emoji(s.substr(i)))
      i += n;
    else
      out += s[i++];
  }
  return out;
}

// Strips what may precede a label or header: spaces, bullets, quote marks, markup, an emoji.
inline sv clean_start(sv s) {
  for (bool changed = true; changed;) {
    changed = false;
    const size_t before = s.size();
    while (!s.empty() && (is_space(s.front()) || s.front() == '*' || s.front() == '_' || s.front() == '~' ||
                          s.front() == '>' || s.front() == '`'))
      s.remove_prefix(1);
    if (size_t n = nbsp_len(s)) s.remove_prefix(n);
    if (s.size() >= 2 && (s[0] == '-' || s[0] == '+') && is_space(s[1])) s.remove_prefix(2);
    if (!s.empty() && static_cast<unsigned char>(s[0]) >= 0xC2) {  // bullets and emoji are not ASCII
      for (sv bullet : {sv("•"), sv("◦"), sv("▪"), sv("·"), sv("‣"), sv("●"), sv("–"), sv("—")})
        if (s.substr(0, bullet.size()) == bullet) s.remove_prefix(bullet.size());
      if (size_t n = leading_emoji(s)) s.remove_prefix(n);
    } else if (!s.empty() && s[0] == ':') {
      if (size_t n = leading_emoji(s)) s.remove_prefix(n);  // ":fire:"
    }
    changed = s.size() != before;
  }
  return s;
}

// Strips spaces and one list bullet ("- ", "• ", "* "…) from a line start, but not an emoji,
// which may begin a name ("🦅 Eagle").
inline sv strip_bullet(sv s) {
  s = trim(s);
  if (s.size() >= 2 && (s[0] == '-' || s[0] == '+' || s[0] == '*') && is_space(s[1])) return trim(s.substr(2));
  for (sv bullet : {sv("•"), sv("◦"), sv("▪"), sv("·"), sv("‣"), sv("●"), sv("–"), sv("—")})
    if (s.substr(0, bullet.size()) == bullet) return trim(s.substr(bullet.size()));
  return s;
}

inline std::vector<sv> split_lines(sv text) {
  std::vector<sv> lines;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || text[i] == '\n') {
      lines.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  return lines;
}

}  // namespace paxstats::mining::parse
