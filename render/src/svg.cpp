// The SVG writer: drawing commands as SVG shapes, text as <text> at the positions Pango lays it
// out (text_box). Cairo's SVG surface wrote every glyph as a path and every number through
// printf: an AO page of charts was 170 KB and most of its time. This writes the same drawing in
// a tenth of the bytes, and its words stay words (found by the browser's search, read aloud).
#include <algorithm>
#include <charconv>
#include <cmath>

#include "detail/draw.hpp"

namespace paxstats::render::detail {
namespace {

// A number as SVG reads it: at most two decimals, no trailing zeros, never "-0".
void number(std::string& out, double v) {
  if (!std::isfinite(v)) v = 0;
  v = std::round(v * 100) / 100;
  if (v == 0) v = 0;  // -0 → 0
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 2);
  if (ec != std::errc()) {
    out += '0';
    return;
  }
  std::string_view s(buf, static_cast<size_t>(end - buf));
  while (s.back() == '0') s.remove_suffix(1);
  if (s.back() == '.') s.remove_suffix(1);
  out += s;
}

void attribute(std::string& out, std::string_view name, double v) {
  out += ' ';
  out += name;
  out += "=\"";
  number(out, v);
  out += '"';
}

// Text for XML: escaped once; bytes that are not UTF-8 become U+FFFD and control characters
// XML 1.0 cannot hold are dropped, so a hostile name never breaks the document around it.
void escaped(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;  // in text too: a name reads the same escaped once anywhere
        case '\'': out += "&#39;"; break;
        default:
          if (c >= 0x20 || c == '\t' || c == '\n') out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    // A well-formed sequence (no overlong forms, no surrogates, at most U+10FFFF) passes whole.
    const size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    bool ok = n > 0 && c <= 0xF4 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && n >= 3) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
          (c == 0xF4 && c1 >= 0x90))
        ok = false;
    }
    if (ok) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
}

// Hangul syllables, jamo and compatibility jamo.
bool hangul(char32_t c) {
  return (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F) || (c >= 0xAC00 && c <= 0xD7AF);
}

// Text, its Hangul in a face that has the syllables. DejaVu Sans has the jamo but not the
// syllables, and a browser told to use it draws "호랑이" as its first jamo alone (Chromium shapes
// the syllables decomposed); Pango, for the PNG, falls back per character and never asks.
void hangul_aware(std::string& out, std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    // The next run: characters of one kind (a byte that is not UTF-8 counts as not Hangul).
    auto kind_at = [&](size_t at, size_t& len) {
      const auto c = static_cast<unsigned char>(s[at]);
      len = 1;
      if (c == 0xE1 || c == 0xE3 || (c >= 0xEA && c <= 0xED)) {
        if (at + 3 <= s.size()) {
          const char32_t cp =
              (char32_t(c & 0x0F) << 12) | (char32_t(s[at + 1] & 0x3F) << 6) | char32_t(s[at + 2] & 0x3F);
          if (hangul(cp) && (s[at + 1] & 0xC0) == 0x80 && (s[at + 2] & 0xC0) == 0x80) {
            len = 3;
            return true;
          }
        }
      }
      return false;
    };
    size_t len = 0;
    const bool k = kind_at(i, len);
    size_t end = i + len;
    while (end < s.size()) {
      size_t l = 0;
      if (kind_at(end, l) != k) break;
      end += l;
    }
    if (k) out += "<tspan font-family=\"'Noto Sans CJK KR', 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif\">";
    escaped(out, s.substr(i, end - i));
    if (k) out += "</tspan>";
    i = end;
  }
}

void paint(std::string& out, std::string_view name, const Color& c) {
  static constexpr char digits[] = "0123456789abcdef";
  out += ' ';
  out += name;
  out += "=\"#";
  for (double v : {c.r, c.g, c.b}) {
    const int b = std::clamp(static_cast<int>(std::lround(v * 255)), 0, 255);
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  out += '"';
  if (c.a < 1) {
    out += ' ';
    out += name;
    attribute(out, "-opacity", std::max(0.0, c.a));
  }
}

void fill_and_stroke(std::string& out, const Op& o) {
  if (o.fill.a > 0)
    paint(out, "fill", o.fill);
  else
    out += " fill=\"none\"";
  if (o.stroke_width > 0) {
    paint(out, "stroke", o.stroke);
    attribute(out, "stroke-width", o.stroke_width);
  }
}

void points(std::string& out, const Op& o) {
  out += " points=\"";
  for (size_t i = 0; i < o.points.size(); ++i) {
    if (i) out += ' ';
    number(out, o.points[i].first);
    out += ',';
    number(out, o.points[i].second);
  }
  out += '"';
}

// A text op: each line a <text>. A single line is anchored where the layout anchors it (its
// start, middle or end), so a viewer without DejaVu Sans still lines up right-aligned numbers.
void text(std::string& out, const Op& o) {
  if (o.str.empty()) return;
  const TextBox box = text_box(o.str, o.size, o.bold, o.max_width, o.lines);
  const double left = -(o.halign + 1) / 2.0 * box.size.width, top = -(o.valign + 1) / 2.0 * box.size.height;
  const bool turned = o.rotate != 0;
  double ox = o.x, oy = o.y;
  if (turned) {
    out += "<g transform=\"translate(";
    number(out, o.x);
    out += ' ';
    number(out, o.y);
    out += ") rotate(";
    number(out, -o.rotate);
    out += ")\">";
    ox = oy = 0;
  }
  for (const auto& line : box.lines) {
    if (line.text.empty()) continue;
    double x = ox + left + line.x;
    const char* anchor = nullptr;
    if (box.lines.size() == 1 && o.halign >= 0) {
      x += o.halign == 0 ? line.width / 2 : line.width;
      anchor = o.halign == 0 ? "middle" : "end";
    }
    out += "<text";
    attribute(out, "x", x);
    attribute(out, "y", oy + top + line.baseline);
    if (anchor) {
      out += " text-anchor=\"";
      out += anchor;
      out += '"';
    }
    attribute(out, "font-size", o.size);
    if (o.bold) out += " font-weight=\"bold\"";
    paint(out, "fill", o.fill);
    out += '>';
    hangul_aware(out, line.text);
    out += "</text>";
  }
  if (turned) out += "</g>";
}

}  // namespace

std::string write_svg(const DrawList& ops, double scale, const SvgOptions& options) {
  const double w = ops.front().w, h = ops.front().h;
  std::string out;
  out.reserve(256 + ops.size() * 120);
  if (options.standalone) out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\"";
  if (options.standalone) {
    attribute(out, "width", std::ceil(w * scale - 1e-9));
    attribute(out, "height", std::ceil(h * scale - 1e-9));
  }
  out += " viewBox=\"0 0 ";
  number(out, w);
  out += ' ';
  number(out, h);
  out += '"';
  if (!options.standalone) {
    out += " width=\"100%\" role=\"img\" aria-label=\"";
    escaped(out, options.aria_label);
    out += '"';
  }
  out += ">\n";
  // As on the raster: the whole canvas is background, and nothing else reaches its outermost
  // pixel (at the image's scale).
  const std::string clip = options.id_prefix + "edge";
  out += "<defs><clipPath id=\"";
  escaped(out, clip);
  out += "\"><rect";
  attribute(out, "x", 1 / scale);
  attribute(out, "y", 1 / scale);
  attribute(out, "width", w - 2 / scale);
  attribute(out, "height", h - 2 / scale);
  out += "/></clipPath></defs>\n<rect";
  attribute(out, "width", w);
  attribute(out, "height", h);
  paint(out, "fill", ops.front().fill);
  out += "/>\n<g clip-path=\"url(#";
  escaped(out, clip);
  out +=
      ")\" font-family=\"'DejaVu Sans', Verdana, sans-serif\" text-rendering=\"geometricPrecision\" "
      "style=\"white-space:pre\">\n";
  for (size_t i = 1; i < ops.size(); ++i) {
    const Op& o = ops[i];
    switch (o.type) {
      case Op::rect: {
        const double x = o.w < 0 ? o.x + o.w : o.x, y = o.h < 0 ? o.y + o.h : o.y;
        out += "<rect";
        attribute(out, "x", x);
        attribute(out, "y", y);
        attribute(out, "width", std::fabs(o.w));
        attribute(out, "height", std::fabs(o.h));
        fill_and_stroke(out, o);
        out += "/>";
        break;
      }
      case Op::line: {
        // The raster's crisp lines: on the pixel grid, half a point off for odd widths.
        const double off = std::fmod(o.stroke_width, 2.0) == 1.0 ? 0.5 : 0;
        out += "<line";
        attribute(out, "x1", std::round(o.x) + off);
        attribute(out, "y1", std::round(o.y) + off);
        attribute(out, "x2", std::round(o.w) + off);
        attribute(out, "y2", std::round(o.h) + off);
        paint(out, "stroke", o.stroke);
        attribute(out, "stroke-width", o.stroke_width);
        if (o.dashed) out += " stroke-dasharray=\"4 3\"";
        out += "/>";
        break;
      }
      case Op::polyline:
        if (o.points.empty()) break;
        out += "<polyline";
        points(out, o);
        out += " fill=\"none\" stroke-linejoin=\"round\"";
        paint(out, "stroke", o.stroke);
        attribute(out, "stroke-width", o.stroke_width);
        if (o.dashed) out += " stroke-dasharray=\"5 3\"";
        out += "/>";
        break;
      case Op::polygon:
        if (o.points.empty()) break;
        out += "<polygon";
        points(out, o);
        paint(out, "fill", o.fill);
        out += "/>";
        break;
      case Op::circle:
        out += "<circle";
        attribute(out, "cx", o.x);
        attribute(out, "cy", o.y);
        attribute(out, "r", o.w);
        fill_and_stroke(out, o);
        out += "/>";
        break;
      case Op::text: text(out, o); break;
    }
    out += '\n';
  }
  out += "</g>\n</svg>\n";
  return out;
}

}  // namespace paxstats::render::detail
