#pragma once
// What the CLI prints reaches a terminal: names from Slack (a display name, a typed name, a
// channel) may hold escape sequences that move the cursor, retitle the window or hide text.
// Control characters (but line breaks and tabs) and C1 controls are shown as '?'.
#include <streambuf>
#include <string>
#include <string_view>

namespace paxstats::app {

// `s` with every control character but \n and \t as '?', and U+0080…U+009F (C1) as '?'.
inline std::string terminal_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
      out += '?';
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      out += '?';
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A stream buffer in front of another that passes text through terminal_safe: installed on
// std::cout and std::cerr by main(), so no command prints a raw escape sequence.
class TerminalSafeBuf : public std::streambuf {
 public:
  explicit TerminalSafeBuf(std::streambuf* next) : next_(next) {}

 protected:
  int_type overflow(int_type ch) override {
    if (traits_type::eq_int_type(ch, traits_type::eof())) return next_->pubsync() == 0 ? 0 : traits_type::eof();
    const auto c = static_cast<unsigned char>(ch);
    if (pending_c2_) {
      pending_c2_ = false;
      if (c >= 0x80 && c <= 0x9F) return next_->sputc('?');
      if (next_->sputc(static_cast<char>(0xC2)) == traits_type::eof()) return traits_type::eof();
    }
    if (c == 0xC2) {
      pending_c2_ = true;
      return ch;
    }
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return next_->sputc('?');
    return next_->sputc(static_cast<char>(c));
  }
  int sync() override {
    if (pending_c2_) {
      pending_c2_ = false;
      next_->sputc(static_cast<char>(0xC2));
    }
    return next_->pubsync();
  }

 private:
  std::streambuf* next_;
  bool pending_c2_ = false;
};

}  // namespace paxstats::app
