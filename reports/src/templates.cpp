// The message templates: built in (generated from templates/*.mustache) or a region's own.
#include "templates.hpp"

#include <filesystem>
#include <fstream>
#include <span>

#include "paxstats/embedded_file.hpp"
#include "paxstats/error.hpp"
#include "paxstats/slack/text.hpp"

namespace paxstats::reports {

std::span<const EmbeddedFile> embedded_templates();  // generated from templates/*.mustache

namespace detail {

// A template's text: the region's override file when it has one, else the built-in one.
std::string template_text(const std::optional<std::string>& dir, const std::string& name) {
  if (dir) {
    const auto file = std::filesystem::path(*dir) / (name + ".mustache");
    if (std::filesystem::exists(file)) {
      std::ifstream in(file, std::ios::binary);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) throw UserError("cannot read template " + file.string());
      kainjow::mustache::mustache check{text};
      if (!check.is_valid())
        throw UserError("template " + file.string() + " is not valid mustache: " + check.error_message() +
                        ". Fix it or remove it to use the built-in text.");
      return text;
    }
  }
  for (const auto& t : embedded_templates())
    if (t.name == name + ".mustache") return std::string(t.bytes);
  throw std::logic_error("no template " + name);
}

std::string render_template(const std::string& text, const kainjow::mustache::data& values) {
  kainjow::mustache::mustache tmpl{text};
  tmpl.set_custom_escape([](const std::string& v) { return slack::escape_text(v); });
  std::string out = tmpl.render(values);
  // A section left out leaves its line empty: drop empty lines, so no gaps open in the message.
  for (size_t at; (at = out.find("\n\n")) != std::string::npos;) out.erase(at, 1);
  while (!out.empty() && out.front() == '\n') out.erase(0, 1);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  // Slack asks for message text under 4,000 characters: a long list is cut at a line (or a
  // name) and the chart, which has everyone, is pointed to.
  constexpr size_t limit = 3500;
  if (out.size() > limit) {
    size_t cut = out.rfind('\n', limit - 60);
    if (cut == std::string::npos || cut < limit / 2) cut = out.rfind(", ", limit - 60);
    if (cut == std::string::npos) cut = limit - 60;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
    out = out.substr(0, cut) + "\n… and more: everyone is in the chart.";
  }
  return out;
}

kainjow::mustache::data parse_problem_values(std::string_view poster, std::string_view channel,
                                             const std::vector<ParseIssue>& problems, std::string_view permalink) {
  kainjow::mustache::data d;
  d.set("poster", "<@" + std::string(poster) + ">");
  d.set("channel", "<#" + std::string(channel) + ">");
  kainjow::mustache::data list{kainjow::mustache::data::type::list};
  for (const auto& p : problems) {
    kainjow::mustache::data item;
    if (p.line > 0) item.set("line", std::to_string(p.line));
    item.set("field", p.field);
    item.set("reason", p.reason);
    list.push_back(item);
  }
  d.set("problems", list);
  if (!permalink.empty()) d.set("permalink", std::string(permalink));
  return d;
}

}  // namespace detail
}  // namespace paxstats::reports
