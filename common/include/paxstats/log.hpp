#pragma once
#include <string>
#include <string_view>

// One line per event on stderr. Every line passes through redact() on the way out, so a token
// that slipped into a message (an error echoing a URL, a header) is never printed.
namespace paxstats::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

// Lines below this level are dropped. Default: info, or $PAXSTATS_LOG_LEVEL (debug|info|warn|error).
void set_level(Level level);
Level level();

void write(Level level, std::string_view message);
inline void debug(std::string_view m) { write(Level::debug, m); }
inline void info(std::string_view m) { write(Level::info, m); }
inline void warn(std::string_view m) { write(Level::warn, m); }
inline void error(std::string_view m) { write(Level::error, m); }

// Masks secrets in text: Slack tokens (xoxb-…, xoxp-…, xoxa-…, xoxe-…, xapp-…), "Bearer …"
// credentials, and passwords in URLs or key=value connection strings. The first few characters
// of a token stay, so people can tell which token was meant.
std::string redact(std::string_view text);

}  // namespace paxstats::log
