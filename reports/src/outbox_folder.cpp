// A planned run written to a folder: the charts, deliveries.json and index.html.
#include <atomic>
#include <fstream>
#include <mutex>
#include <thread>

#include "paxstats/error.hpp"
#include "paxstats/render/render.hpp"
#include "paxstats/reports/monthly.hpp"

namespace paxstats::reports {
namespace {

std::string html(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

}  // namespace

std::vector<RenderedChart> render_plan(const MonthlyPlan& plan, const Progress& progress) {
  // Each chart is independent: one worker per core takes the next one.
  std::vector<RenderedChart> out(plan.deliveries.size());
  std::atomic<size_t> next{0};
  size_t done = 0;
  std::string failure;
  std::mutex mu;
  auto work = [&] {
    for (size_t i; (i = next++) < plan.deliveries.size();) {
      const auto& d = plan.deliveries[i];
      try {
        out[i] = {render::render(d.chart), render::alt_text(d.chart)};
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        if (failure.empty()) failure = "cannot draw " + d.file + " (" + d.report + "): " + e.what();
      }
      std::lock_guard lock(mu);
      ++done;
      if (progress) progress("render", done, out.size());
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  if (!failure.empty()) throw UserError(failure);
  return out;
}

std::filesystem::path write_outbox_folder(const MonthlyPlan& plan, const std::filesystem::path& dir, const Progress& progress) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UserError("cannot create " + dir.string() + ": " + ec.message());
  const auto charts = render_plan(plan, progress);
  std::vector<std::string> alt;
  for (size_t i = 0; i < charts.size(); ++i) {
    const auto file = dir / plan.deliveries[i].file;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << charts[i].png;
    if (!out) throw UserError("cannot write " + file.string() + ": is the disk full or the folder read-only?");
    alt.push_back(charts[i].alt_txt);
  }

  nlohmann::json list = nlohmann::json::array();
  std::string page = "<!doctype html><meta charset=utf-8><title>paxstats — " + html(plan.region) + " " + html(plan.month) +
                     "</title><style>body{font-family:sans-serif;margin:2em;background:#f6f8fa}figure{display:inline-block;"
                     "vertical-align:top;margin:1em;padding:1em;background:#fff;border:1px solid #ddd;max-width:660px}"
                     "img{max-width:640px}figcaption{font-size:14px;color:#333}code{color:#555}</style>"
                     "<h1>paxstats: " + html(plan.region) + ", " + html(plan.month) + "</h1><p>" +
                     std::to_string(plan.deliveries.size()) + " deliveries planned; nothing was sent.</p>";
  for (const auto& n : plan.notes) page += "<p>note: " + html(n) + "</p>";
  for (size_t i = 0; i < plan.deliveries.size(); ++i) {
    const auto& d = plan.deliveries[i];
    list.push_back({{"report", d.report}, {"recipient", d.recipient}, {"to_user", d.to_user}, {"file", d.file},
                    {"title", d.title}, {"comment", d.comment}, {"alt_txt", alt[i]}});
    page += "<figure><img src=\"" + html(d.file) + "\" alt=\"" + html(alt[i]) + "\"><figcaption><b>" + html(d.report) +
            "</b> → <code>" + html(d.recipient) + "</code>" + (d.to_user ? " (DM)" : "") + "<br>" + html(d.title) + "<br><i>" +
            html(d.comment) + "</i></figcaption></figure>";
  }
  std::ofstream(dir / "deliveries.json") << list.dump(2) << "\n";
  std::ofstream(dir / "index.html") << page << "\n";
  return dir / "index.html";
}

}  // namespace paxstats::reports
