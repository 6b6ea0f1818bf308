// A planned run written to a folder: the charts, deliveries.json and index.html.
#include <atomic>
#include <fstream>
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

std::filesystem::path write_outbox_folder(const MonthlyPlan& plan, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UserError("cannot create " + dir.string() + ": " + ec.message());
  // Render on every core; each chart is independent.
  std::vector<std::string> alt(plan.deliveries.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::string failure;
  std::mutex mu;
  auto work = [&] {
    for (size_t i; (i = next++) < plan.deliveries.size();) {
      try {
        const auto& d = plan.deliveries[i];
        const std::string png = render::render(d.chart);
        alt[i] = render::alt_text(d.chart);
        std::ofstream out(dir / d.file, std::ios::binary | std::ios::trunc);
        out << png;
        if (!out) throw UserError("cannot write " + (dir / d.file).string());
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        failed = true;
        failure = e.what();
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  if (failed) throw UserError(failure);

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
