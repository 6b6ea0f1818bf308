// paxstats render --spec FILE -o OUT
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "paxstats/error.hpp"
#include "paxstats/render/render.hpp"

namespace paxstats::app {
namespace {

render::Format format_of(const std::filesystem::path& p) {
  const auto ext = p.extension().string();
  if (ext == ".png") return render::Format::png;
  if (ext == ".svg") return render::Format::svg;
  if (ext == ".pdf") return render::Format::pdf;
  throw UserError("-o " + p.string() +
                  ": the file name must end in .png, .svg or .pdf (or give a folder for several specs)");
}

void write(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out) throw UserError("cannot write " + p.string());
}

}  // namespace

void add_render_command(CLI::App& root, Context& ctx) {
  struct Args {
    std::string spec, out, format = "png";
    bool alt = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = root.add_subcommand("render", "Draw chart spec(s) (JSON, see render/README.md) to PNG, SVG or PDF");
  cmd->add_option("--spec", a->spec, "A JSON file holding one chart spec or a list of them")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--out", a->out, "Output file (.png/.svg/.pdf) for one spec, or a folder for a list")->required();
  cmd->add_option("--format", a->format, "Format of the files written into a folder: png, svg or pdf")
      ->capture_default_str();
  cmd->add_flag("--alt", a->alt, "Also print each chart's alt text");
  cmd->callback([&ctx, a] {
    ctx.action = [a] {
      std::ifstream in(a->spec);
      const auto spec = nlohmann::json::parse(in, nullptr, false);
      if (spec.is_discarded()) throw UserError(a->spec + " is not valid JSON");
      if (spec.is_array()) {
        const std::filesystem::path dir = a->out;
        if (dir.has_extension())
          throw UserError(a->spec + " holds " + std::to_string(spec.size()) +
                          " charts: -o must name a folder for them, not \"" + a->out +
                          "\" (use --format to choose png, svg or pdf)");
        std::filesystem::create_directories(dir);
        const auto fmt = format_of("x." + a->format);
        for (size_t i = 0; i < spec.size(); ++i) {
          render::Chart chart;
          try {
            chart = render::chart_from_json(spec[i]);
          } catch (const UserError& e) {
            throw UserError(a->spec + " [" + std::to_string(i) + "]: " + e.what());
          }
          const auto file = dir / ("chart-" + std::to_string(i + 1) + "." + a->format);
          write(file, render::render(chart, fmt));
          std::cout << file.string() << "\n";
          if (a->alt) std::cout << "  alt: " << render::alt_text(chart) << "\n";
        }
      } else {
        render::Chart chart;
        try {
          chart = render::chart_from_json(spec);
        } catch (const UserError& e) {
          throw UserError(a->spec + ": " + e.what());
        }
        write(a->out, render::render(chart, format_of(a->out)));
        std::cout << a->out << "\n";
        if (a->alt) std::cout << "  alt: " << render::alt_text(chart) << "\n";
      }
      return 0;
    };
  });
}

}  // namespace paxstats::app
