#pragma once
// Internal to serve/: the buttons the bot's messages carry (Block Kit), in one place. Their
// action ids are what jobs/interaction.cpp answers.
#include <nlohmann/json.hpp>
#include <string>

namespace paxstats::serve {

inline nlohmann::json text_block(const std::string& mrkdwn) {
  return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", mrkdwn.substr(0, 2900)}}}};
}

inline nlohmann::json button(const std::string& action_id, const std::string& label, const std::string& value) {
  return {{"type", "button"},
          {"action_id", action_id},
          {"value", value},
          {"text", {{"type", "plain_text"}, {"text", label}}}};
}

// "Stop paxstats DMs" (opt_out) and "Turn DMs back on" (opt_in).
inline nlohmann::json opt_out_button() { return button("opt_out", "Stop paxstats DMs", "opt_out"); }
inline nlohmann::json opt_in_button() { return button("opt_in", "Turn DMs back on", "opt_in"); }

// A DM's text with one row of buttons under it.
inline nlohmann::json with_buttons(const std::string& text, nlohmann::json buttons) {
  return nlohmann::json::array({text_block(text), {{"type", "actions"}, {"elements", std::move(buttons)}}});
}

}  // namespace paxstats::serve
