// A planned run written to a folder: the charts, deliveries.json and index.html.
#include <fstream>

#include "paxstats/error.hpp"
#include "paxstats/output_folder.hpp"
#include "paxstats/render/render.hpp"
#include "each_delivery.hpp"
#include "outbox_page.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::reports {

std::vector<RenderedChart> render_plan(const MonthlyPlan& plan, const Progress& progress, bool check_layout) {
  // Each chart is independent: one worker per core takes the next one.
  std::vector<RenderedChart> out(plan.deliveries.size());
  detail::each_delivery(plan, "render", progress, [&](size_t i) {
    const auto& d = plan.deliveries[i];
    if (!d.is_chart()) {
      out[i] = {d.attachment, "", {}};
      return;
    }
    out[i] = {render::render(d.chart), render::alt_text(d.chart), {}};
    if (check_layout) out[i].layout_problems = render::layout_problems(d.chart);
  });
  return out;
}

std::filesystem::path write_outbox_folder(const MonthlyPlan& plan, const std::filesystem::path& dir,
                                          const Progress& progress, std::vector<std::string>* problems) {
  // The folder as a whole: an earlier run's charts are not left beside these, and only a folder
  // paxstats made is replaced.
  files::ReplacedFolder folder(dir, "--outbox", "a planned run");
  const auto charts = render_plan(plan, progress, true);
  MonthlyPlan shown = plan;  // the page lists layout problems with the notes
  for (size_t i = 0; i < charts.size(); ++i)
    for (const auto& p : charts[i].layout_problems) {
      shown.notes.push_back("layout of " + plan.deliveries[i].file + ": " + p);
      if (problems) problems->push_back(plan.deliveries[i].file + ": " + p);
    }
  std::vector<std::string> alt;
  for (size_t i = 0; i < charts.size(); ++i) {
    const auto file = folder.file(plan.deliveries[i].file);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << charts[i].png;
    if (!out) throw UserError("cannot write " + file.string() + ": is the disk full or the folder read-only?");
    alt.push_back(charts[i].alt_txt);
  }

  nlohmann::json list = nlohmann::json::array();
  std::vector<detail::PageChart> page_charts;
  for (size_t i = 0; i < plan.deliveries.size(); ++i) {
    const auto& d = plan.deliveries[i];
    list.push_back({{"report", d.report},
                    {"recipient", d.recipient},
                    {"to_user", d.to_user},
                    {"file", d.file},
                    {"title", d.title},
                    {"comment", d.text()},
                    {"post", d.post},
                    {"thread_of", d.thread_of},
                    {"alt_txt", alt[i]}});
    if (!d.is_chart()) {
      page_charts.push_back({alt[i], 0, 0});  // a file, not an image
      continue;
    }
    const auto size = render::pixel_size(d.chart);
    const double scale = d.chart.scale > 0 ? d.chart.scale : 1;
    page_charts.push_back({alt[i], static_cast<int>(size.width / scale), static_cast<int>(size.height / scale)});
  }
  const std::string page = detail::outbox_page(shown, page_charts);
  std::ofstream(folder.file("deliveries.json")) << list.dump(2) << "\n";
  std::ofstream index(folder.file("index.html"));
  index << page << "\n";
  if (!index) throw UserError("cannot write " + folder.file("index.html").string() + ": is the disk full?");
  index.close();
  folder.commit();
  return folder.target() / "index.html";
}

}  // namespace paxstats::reports
