// The rasterizer: drawing commands onto Cairo surfaces, text through Pango, and PNG encoding.
// The only file of render/ that knows Cairo and Pango.
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <zlib.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "detail/draw.hpp"
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
using Layout = std::unique_ptr<PangoLayout, GObjectDeleter>;

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
  ~Fonts() { cairo_font_options_destroy(options); }
  static Fonts& get() {
    thread_local Fonts fonts;
    return fonts;
  }
};

// A layout of text at `size` points in DejaVu Sans (fontconfig supplies other scripts and emoji).
Layout make_layout(const std::string& str, double size, bool bold, double max_width) {
  Layout layout(pango_layout_new(Fonts::get().context.get()));
  std::unique_ptr<PangoFontDescription, FontDescDeleter> desc(pango_font_description_from_string("DejaVu Sans"));
  pango_font_description_set_absolute_size(desc.get(), size * PANGO_SCALE);
  pango_font_description_set_weight(desc.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(layout.get(), desc.get());
  pango_layout_set_text(layout.get(), str.c_str(), static_cast<int>(str.size()));  // text, never markup
  if (max_width > 0) {
    pango_layout_set_width(layout.get(), static_cast<int>(max_width * PANGO_SCALE));
    pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
  }
  return layout;
}

void set_color(cairo_t* cr, const Color& c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

void draw(cairo_t* cr, const DrawList& ops) {
  pango_cairo_update_context(cr, Fonts::get().context.get());
  for (const auto& o : ops) {
    switch (o.type) {
      case Op::rect:
        cairo_rectangle(cr, o.x, o.y, o.w, o.h);
        if (o.fill.a > 0) {
          set_color(cr, o.fill);
          o.stroke_width > 0 ? cairo_fill_preserve(cr) : cairo_fill(cr);
        }
        if (o.stroke_width > 0) {
          set_color(cr, o.stroke);
          cairo_set_line_width(cr, o.stroke_width);
          cairo_stroke(cr);
        }
        cairo_new_path(cr);
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
          cairo_stroke(cr);
        }
        break;
      case Op::circle:
        cairo_arc(cr, o.x, o.y, o.w, 0, 2 * M_PI);
        set_color(cr, o.fill);
        cairo_fill_preserve(cr);
        if (o.stroke_width > 0) {
          set_color(cr, o.stroke);
          cairo_set_line_width(cr, o.stroke_width);
          cairo_stroke(cr);
        }
        cairo_new_path(cr);
        break;
      case Op::text: {
        auto layout = make_layout(o.str, o.size, o.bold, o.max_width);
        PangoRectangle logical;
        pango_layout_get_extents(layout.get(), nullptr, &logical);
        const double w = logical.width / double(PANGO_SCALE), h = logical.height / double(PANGO_SCALE);
        cairo_save(cr);
        cairo_translate(cr, o.x, o.y);
        if (o.rotate != 0) cairo_rotate(cr, -o.rotate * M_PI / 180);
        cairo_move_to(cr, -(o.halign + 1) / 2.0 * w, -(o.valign + 1) / 2.0 * h);
        set_color(cr, o.fill);
        pango_cairo_show_layout(cr, layout.get());
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

// ---------------------------------------------------------------------------------- PNG

void put32(std::string& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 255);
}

void chunk(std::string& out, const char* type, const std::string& data) {
  put32(out, static_cast<uint32_t>(data.size()));
  const size_t start = out.size();
  out.append(type, 4);
  out += data;
  put32(out, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(out.data() + start), static_cast<uInt>(out.size() - start))));
}

std::string deflate_bytes(const std::string& raw, int level, int strategy) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, 15, 9, strategy);
  std::string out(deflateBound(&z, raw.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Charts are mostly flat colour: when the image has at most 256 colours it is written as an
// indexed PNG (a third of the bytes to compress); otherwise as RGB with the Sub filter. zlib level
// chosen by measurement (bench/render_bench): fast, and smaller than matplotlib's files.
std::string encode_png(const unsigned char* data, int w, int h, int stride) {
  std::unordered_map<uint32_t, uint8_t> index;
  index.reserve(512);
  std::string plte;
  bool indexed = true;
  for (int y = 0; y < h && indexed; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
    uint32_t last = ~row[0];
    for (int x = 0; x < w; ++x) {
      const uint32_t px = row[x] & 0xFFFFFF;
      if (px == last) continue;
      last = px;
      if (index.find(px) != index.end()) continue;
      if (index.size() == 256) {
        indexed = false;
        break;
      }
      index.emplace(px, static_cast<uint8_t>(index.size()));
      plte += static_cast<char>((px >> 16) & 255);
      plte += static_cast<char>((px >> 8) & 255);
      plte += static_cast<char>(px & 255);
    }
  }
  std::string raw;
  if (indexed) {
    raw.resize(static_cast<size_t>(h) * (1 + static_cast<size_t>(w)));
    char* out = raw.data();
    for (int y = 0; y < h; ++y) {
      const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
      *out++ = 0;  // filter: none
      uint32_t last = ~row[0];
      uint8_t last_i = 0;
      for (int x = 0; x < w; ++x) {
        const uint32_t px = row[x] & 0xFFFFFF;
        if (px != last) {
          last = px;
          last_i = index[px];
        }
        *out++ = static_cast<char>(last_i);
      }
    }
  } else {
    const size_t line = 1 + 3 * static_cast<size_t>(w);
    raw.resize(static_cast<size_t>(h) * line);
    for (int y = 0; y < h; ++y) {
      const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
      char* out = raw.data() + static_cast<size_t>(y) * line;
      *out++ = 1;  // filter: sub
      uint32_t prev = 0;
      for (int x = 0; x < w; ++x) {
        const uint32_t px = row[x];
        *out++ = static_cast<char>(((px >> 16) - (prev >> 16)) & 255);
        *out++ = static_cast<char>(((px >> 8) - (prev >> 8)) & 255);
        *out++ = static_cast<char>((px - prev) & 255);
        prev = px;
      }
    }
  }
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  put32(ihdr, static_cast<uint32_t>(w));
  put32(ihdr, static_cast<uint32_t>(h));
  ihdr += static_cast<char>(8);                // bit depth
  ihdr += static_cast<char>(indexed ? 3 : 2);  // colour type: palette or RGB
  ihdr += std::string("\0\0\0", 3);            // compression, filter, interlace
  chunk(png, "IHDR", ihdr);
  if (indexed) chunk(png, "PLTE", plte);
  chunk(png, "IDAT", deflate_bytes(raw, indexed ? 6 : 4, Z_DEFAULT_STRATEGY));
  chunk(png, "IEND", "");
  return png;
}

}  // namespace

TextSize measure_text(const std::string& str, double size, bool bold) {
  auto layout = make_layout(str, size, bold, 0);
  PangoRectangle logical;
  pango_layout_get_extents(layout.get(), nullptr, &logical);
  return {logical.width / double(PANGO_SCALE), logical.height / double(PANGO_SCALE)};
}

}  // namespace detail

std::string render(const Chart& chart, Format format) {
  const detail::DrawList ops = detail::layout(chart);
  const double scale = chart.scale > 0 ? chart.scale : 1;
  const int w = static_cast<int>(std::ceil(ops.front().w * scale)), h = static_cast<int>(std::ceil(ops.front().h * scale));
  std::string out;
  detail::Surface surface;
  if (format == Format::png) surface.reset(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h));
  else if (format == Format::svg) surface.reset(cairo_svg_surface_create_for_stream(detail::append, &out, w, h));
  else surface.reset(cairo_pdf_surface_create_for_stream(detail::append, &out, w, h));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
    throw std::runtime_error(std::string("cairo: cannot create surface: ") + cairo_status_to_string(cairo_surface_status(surface.get())));
  {
    detail::Cairo cr(cairo_create(surface.get()));
    cairo_scale(cr.get(), scale, scale);
    detail::draw(cr.get(), ops);
  }
  if (format == Format::png) {
    cairo_surface_flush(surface.get());
    return detail::encode_png(cairo_image_surface_get_data(surface.get()), w, h, cairo_image_surface_get_stride(surface.get()));
  }
  cairo_surface_finish(surface.get());
  return out;
}

}  // namespace paxstats::render
