// GEXF 1.3 (Gephi's own format) for the interaction network.
#include "paxstats/export/gexf.hpp"

#include "paxstats/html_escape.hpp"

namespace paxstats::dataset {
namespace {

// XML text, appended: escaped once (html_escape), and without the control characters XML 1.0
// cannot hold at all.
void append_xml(std::string& out, std::string_view s) {
  auto allowed = [](char c) { return static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r'; };
  for (size_t from = 0; from < s.size();) {
    size_t to = from;
    while (to < s.size() && allowed(s[to])) ++to;
    append_html_escaped(out, s.substr(from, to - from));
    from = to + 1;  // past the character left out
  }
}
std::string xml(std::string_view s) {
  std::string out;
  append_xml(out, s);
  return out;
}

}  // namespace

void write_gexf(const Network& net, const std::string& today, const std::string& description,
                const std::function<void(std::string_view)>& sink) {
  std::string out;
  auto flush = [&](bool force) {
    if (force || out.size() > (1u << 16)) {
      sink(out);
      out.clear();
    }
  };
  out +=
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<gexf xmlns=\"http://www.gexf.net/1.2draft\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd\" "
      "version=\"1.2\">\n";
  out += "  <meta lastmodifieddate=\"" + xml(today) + "\">\n    <creator>paxstats</creator>\n    <description>" +
         xml(description) + "</description>\n  </meta>\n";
  out +=
      "  <graph mode=\"static\" defaultedgetype=\"directed\">\n"
      "    <attributes class=\"node\">\n      <attribute id=\"messages\" title=\"messages\" type=\"long\"/>\n"
      "    </attributes>\n"
      "    <attributes class=\"edge\">\n      <attribute id=\"interaction\" title=\"interaction\" "
      "type=\"string\"/>\n    </attributes>\n";
  out += "    <nodes>\n";
  for (const auto& n : net.nodes) {
    out += "      <node id=\"";
    append_xml(out, n.id);
    out += "\" label=\"";
    append_xml(out, n.label);
    out += "\"><attvalues><attvalue for=\"messages\" value=\"";
    out += std::to_string(n.messages);
    out += "\"/></attvalues></node>\n";
    flush(false);
  }
  out += "    </nodes>\n    <edges>\n";
  size_t id = 0;
  for (const auto& e : net.edges) {
    out += "      <edge id=\"";
    out += std::to_string(id++);
    out += "\" source=\"";
    append_xml(out, net.nodes[e.source].id);
    out += "\" target=\"";
    append_xml(out, net.nodes[e.target].id);
    out += "\" weight=\"";
    out += std::to_string(e.weight);
    out += "\"><attvalues><attvalue for=\"interaction\" value=\"";
    out += to_string(e.kind);
    out += "\"/></attvalues></edge>\n";
    flush(false);
  }
  out += "    </edges>\n  </graph>\n</gexf>\n";
  flush(true);
}

}  // namespace paxstats::dataset
