// libFuzzer: Slack text to HTML (the outbox page, issue 29). Any text and any names: no crash, no
// throw, and nothing a user wrote opens a tag of its own.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "paxstats/reports/slack_html.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string all(reinterpret_cast<const char*>(data), size);
  // The input is the message, then optionally "\x1f" and a display name for <@U1>.
  const size_t cut = all.find('\x1f');
  const std::string text = all.substr(0, cut), name = cut == std::string::npos ? "" : all.substr(cut + 1);
  const std::string html = paxstats::reports::slack_to_html(text, {{"U1", name}, {"C1", name}});
  // Every '<' the output holds opens one of the converter's own tags.
  for (size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    const std::string rest = html.substr(at, 14);
    bool ours = false;
    for (const char* tag : {"<b>", "</b>", "<i>", "</i>", "<s>", "</s>", "<code>", "</code>", "<br>", "<span class=\"",
                            "</span>", "<a href=\"", "</a>"})
      ours = ours || rest.rfind(tag, 0) == 0;
    if (!ours) std::abort();
  }
  return 0;
}
