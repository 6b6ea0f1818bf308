// The rasterizer: drawing commands onto Cairo surfaces, text through Pango; PNG bytes come from png.cpp.
// The only file of render/ that knows Cairo and Pango.
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "detail/draw.hpp"
#include "paxstats/render/png.hpp"
#include "paxstats/render/render.hpp"

namespace paxstats::render {
namespace detail {
namespace {

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct GObjectDeleter {
  void operator()(void* o) const { g_object_unref(o); }
};
struct FontDescDeleter {
  void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};
using Surface = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using Cairo = std::unique_ptr<cairo_t, CairoDeleter>;

// One Pango context per thread (Pango objects are not shared across threads). Hinting is off so
// text measures the same at every scale and the layout holds at 1× and 2×.
struct Fonts {
  std::unique_ptr<PangoFontMap, GObjectDeleter> map{pango_cairo_font_map_new()};
  std::unique_ptr<PangoContext, GObjectDeleter> context{pango_font_map_create_context(map.get())};
  cairo_font_options_t* options = cairo_font_options_create();
  Fonts() {
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(context.get(), options);
    pango_cairo_context_set_resolution(context.get(), 72);
  }
  std::unique_ptr<PangoLayout, GObjectDeleter> scratch;
  std::unordered_map<int, std::unique_ptr<PangoFontDescription, FontDescDeleter>> descriptions;
  ~Fonts() { cairo_font_options_destroy(options); }
  static Fonts& get() {
    thread_local Fonts fonts;
    return fonts;
  }
};

// The thread's reusable layout, set up for text at `size` points in DejaVu Sans (fontconfig
// supplies other scripts and emoji). Valid until the next call on this thread. Creating a
// PangoLayout and parsing a font description per text cost a third of a chart's time.
PangoLayout* make_layout(const std::string& str, double size, bool bold, double max_width, int lines) {
  Fonts& f = Fonts::get();
  if (!f.scratch) f.scratch.reset(pango_layout_new(f.context.get()));
  const int key = static_cast<int>(std::lround(size * 20)) * 2 + (bold ? 1 : 0);
  auto it = f.descriptions.find(key);
  if (it == f.descriptions.end()) {
    std::unique_ptr<PangoFontDescription, FontDescDeleter> desc(pango_font_description_from_string("DejaVu Sans"));
    pango_font_description_set_absolute_size(desc.get(), size * PANGO_SCALE);
    pango_font_description_set_weight(desc.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    it = f.descriptions.emplace(key, std::move(desc)).first;
  }
  PangoLayout* layout = f.scratch.get();
  pango_layout_set_font_description(layout, it->second.get());
  pango_layout_set_text(layout, str.c_str(), static_cast<int>(str.size()));  // text, never markup
  pango_layout_set_width(layout, max_width > 0 ? static_cast<int>(max_width * PANGO_SCALE) : -1);
  pango_layout_set_ellipsize(layout, max_width > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  // Wrapped text: at most `lines` lines (a negative height counts lines), the last ellipsized.
  pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_height(layout, max_width > 0 && lines > 1 ? -lines : -1);
  return layout;
}

void set_color(cairo_t* cr, const Color& c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

// Fills the current path with o.fill (when visible), outlines it with o.stroke (when it has a
// width), and clears it.
void fill_and_stroke(cairo_t* cr, const Op& o) {
  if (o.fill.a > 0) {
    set_color(cr, o.fill);
    cairo_fill_preserve(cr);
  }
  if (o.stroke_width > 0) {
    set_color(cr, o.stroke);
    cairo_set_line_width(cr, o.stroke_width);
    cairo_stroke_preserve(cr);
  }
  cairo_new_path(cr);
}

void draw(cairo_t* cr, const DrawList& ops) {
  pango_cairo_update_context(cr, Fonts::get().context.get());
  // Measurements after this drawing must not inherit its transform (a 2× scale, say).
  struct ResetMatrix {
    ~ResetMatrix() {
      pango_context_set_matrix(Fonts::get().context.get(), nullptr);
      if (Fonts::get().scratch) pango_layout_context_changed(Fonts::get().scratch.get());
    }
  } reset;
  for (const auto& o : ops) {
    switch (o.type) {
      case Op::rect:
        cairo_rectangle(cr, o.x, o.y, o.w, o.h);
        fill_and_stroke(cr, o);
        break;
      case Op::line: {
        // Crisp 1-point lines: centre them on the pixel grid.
        const double off = std::fmod(o.stroke_width, 2.0) == 1.0 ? 0.5 : 0;
        cairo_move_to(cr, std::round(o.x) + off, std::round(o.y) + off);
        cairo_line_to(cr, std::round(o.w) + off, std::round(o.h) + off);
        set_color(cr, o.stroke);
        cairo_set_line_width(cr, o.stroke_width);
        if (o.dashed) {
          const double dash[] = {4, 3};
          cairo_set_dash(cr, dash, 2, 0);
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0);
        break;
      }
      case Op::polyline:
      case Op::polygon:
        if (o.points.empty()) break;
        cairo_move_to(cr, o.points[0].first, o.points[0].second);
        for (size_t i = 1; i < o.points.size(); ++i) cairo_line_to(cr, o.points[i].first, o.points[i].second);
        if (o.type == Op::polygon) {
          cairo_close_path(cr);
          set_color(cr, o.fill);
          cairo_fill(cr);
        } else {
          cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
          set_color(cr, o.stroke);
          cairo_set_line_width(cr, o.stroke_width);
          if (o.dashed) {
            const double dash[] = {5, 3};
            cairo_set_dash(cr, dash, 2, 0);
          }
          cairo_stroke(cr);
          cairo_set_dash(cr, nullptr, 0, 0);
        }
        break;
      case Op::circle:
        cairo_arc(cr, o.x, o.y, o.w, 0, 2 * M_PI);
        fill_and_stroke(cr, o);
        break;
      case Op::text: {
        PangoLayout* layout = make_layout(o.str, o.size, o.bold, o.max_width, o.lines);
        pango_layout_context_changed(layout);  // the Cairo context's transform may differ from the last text's
        PangoRectangle logical;
        pango_layout_get_extents(layout, nullptr, &logical);
        const double w = logical.width / double(PANGO_SCALE), h = logical.height / double(PANGO_SCALE);
        cairo_save(cr);
        cairo_translate(cr, o.x, o.y);
        if (o.rotate != 0) cairo_rotate(cr, -o.rotate * M_PI / 180);
        cairo_move_to(cr, -(o.halign + 1) / 2.0 * w, -(o.valign + 1) / 2.0 * h);
        set_color(cr, o.fill);
        pango_cairo_show_layout(cr, layout);
        cairo_restore(cr);
        break;
      }
    }
  }
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

TextSize measure_text(const std::string& str, double size, bool bold, double max_width, int lines) {
  PangoLayout* layout = make_layout(str, size, bold, max_width, lines);
  PangoRectangle logical;
  pango_layout_get_extents(layout, nullptr, &logical);
  return {logical.width / double(PANGO_SCALE), logical.height / double(PANGO_SCALE)};
}

TextBox text_box(const std::string& given, double size, bool bold, double max_width, int lines) {
  // Pango lays out valid UTF-8 only (it mends the rest on its own copy, where the line offsets
  // below would point): mend it here the same way, bad bytes as U+FFFD.
  std::string mended;
  if (!g_utf8_validate(given.data(), static_cast<gssize>(given.size()), nullptr)) {
    gchar* valid = g_utf8_make_valid(given.data(), static_cast<gssize>(given.size()));
    mended = valid;
    g_free(valid);
  }
  const std::string& str = mended.empty() ? given : mended;
  PangoLayout* layout = make_layout(str, size, bold, max_width, lines);
  PangoRectangle logical;
  pango_layout_get_extents(layout, nullptr, &logical);
  TextBox box;
  box.size = {logical.width / double(PANGO_SCALE), logical.height / double(PANGO_SCALE)};
  const bool ellipsized = pango_layout_is_ellipsized(layout);
  PangoLayoutIter* it = pango_layout_get_iter(layout);
  do {
    const PangoLayoutLine* line = pango_layout_iter_get_line_readonly(it);
    PangoRectangle extents;
    pango_layout_iter_get_line_extents(it, nullptr, &extents);
    const auto start = static_cast<size_t>(std::clamp(line->start_index, 0, static_cast<int>(str.size())));
    const auto length = static_cast<size_t>(std::max(line->length, 0));
    box.lines.push_back({str.substr(start, length), extents.x / double(PANGO_SCALE),
                         pango_layout_iter_get_baseline(it) / double(PANGO_SCALE),
                         extents.width / double(PANGO_SCALE)});
    if (ellipsized && !pango_layout_iter_at_last_line(it)) continue;
    if (ellipsized) box.lines.back().text = str.substr(start);  // the last line holds the rest, cut below
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
  for (auto& l : box.lines)  // paragraph ends are breaks, not characters
    while (!l.text.empty() && (l.text.back() == '\n' || l.text.back() == '\r')) l.text.pop_back();
  if (!ellipsized || box.lines.empty()) return box;
  // The last line as Pango cuts it at its end: the longest start of it (whole characters, no
  // trailing space) that fits max_width with "…" after it.
  std::string& last = box.lines.back().text;
  std::vector<size_t> ends;  // the end of each whole character
  for (size_t i = 1; i <= last.size(); ++i)
    if (i == last.size() || (static_cast<unsigned char>(last[i]) & 0xC0) != 0x80) ends.push_back(i);
  auto cut = [&](size_t end) {
    std::string s = last.substr(0, end);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
    return s + "\u2026";
  };
  size_t lo = 0, hi = ends.size();  // ends[0 .. lo) fit; the answer is in [lo, hi]
  while (lo < hi) {
    const size_t mid = (lo + hi + 1) / 2;
    if (measure_text(cut(ends[mid - 1]), size, bold).width <= max_width + 1e-6)
      lo = mid;
    else
      hi = mid - 1;
  }
  last = cut(lo == 0 ? 0 : ends[lo - 1]);
  return box;
}

}  // namespace detail

std::string render(const Chart& chart, Format format) {
  const detail::DrawList ops = detail::layout(chart);
  const double scale = chart.scale > 0 ? chart.scale : 1;
  const int w = static_cast<int>(std::ceil(ops.front().w * scale - 1e-9)),
            h = static_cast<int>(std::ceil(ops.front().h * scale - 1e-9));
  std::string out;
  detail::Surface surface;
  if (format == Format::png) {
    // The thread's image surface, reused while the size stays the same (1.2 MB at 640×480).
    thread_local detail::Surface image;
    if (!image || cairo_image_surface_get_width(image.get()) != w || cairo_image_surface_get_height(image.get()) != h)
      image.reset(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h));
    surface.reset(cairo_surface_reference(image.get()));
  } else if (format == Format::svg)
    return detail::write_svg(ops, scale, {});
  else
    surface.reset(cairo_pdf_surface_create_for_stream(detail::append, &out, w, h));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error(std::string("cairo: cannot create surface: ") +
                             cairo_status_to_string(cairo_surface_status(surface.get())));
  {
    detail::Cairo cr(cairo_create(surface.get()));
    // The whole surface is background first (the thread's image is reused), and nothing is drawn
    // on its outermost pixels: a layout slip can never leave a line along an edge.
    detail::set_color(cr.get(), ops.front().fill);
    cairo_paint(cr.get());
    cairo_rectangle(cr.get(), 1, 1, w - 2, h - 2);
    cairo_clip(cr.get());
    cairo_scale(cr.get(), scale, scale);
    detail::draw(cr.get(), ops);
  }
  if (format == Format::png) {
    cairo_surface_flush(surface.get());
    return encode_png(reinterpret_cast<const uint32_t*>(cairo_image_surface_get_data(surface.get())), w, h,
                      cairo_image_surface_get_stride(surface.get()));
  }
  cairo_surface_finish(surface.get());
  return out;
}

}  // namespace paxstats::render
