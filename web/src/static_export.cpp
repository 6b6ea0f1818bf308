// paxstats dashboard export: the public pages as files — index.html (the region), community.html,
// ao/CHANNEL.html, pax/USER.html, each table's CSV beside its page, assets/ — with relative
// links, as an anonymous visitor sees them. Written into a fresh folder beside DIR, then moved
// into place, so DIR is never half-written; DIR is replaced only when paxstats made it.
#include <date/tz.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "paxstats/db/dashboard.hpp"
#include "paxstats/db/regions.hpp"
#include "paxstats/db/report_queries.hpp"
#include "paxstats/error.hpp"
#include "paxstats/output_folder.hpp"
#include "paxstats/web/dashboard.hpp"
#include "site.hpp"

namespace paxstats::web {

using namespace detail;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) throw UserError("cannot write " + path.string() + ": is the disk full, or the folder read-only?");
}

}  // namespace

int export_static(db::Database& db, std::string_view slug, const fs::path& dir, BusinessClock business_now) {
  const auto region = db::get_region(db, slug);
  if (region.dashboard == db::DashboardAccess::off)
    throw UserError("region " + region.slug + "'s dashboard is off (paxstats region set " + region.slug +
                    " dashboard=public): nothing to export");
  if (!business_now) business_now = business_clock_from_env();
  const auto now = business_now();
  const auto local = date::floor<date::days>(date::make_zoned(region.tz, now).get_local_time());
  const date::sys_days today{local.time_since_epoch()};
  // Only a folder paxstats made (or a new or empty one) is replaced, and every file's name,
  // built from ids in the data, is checked to stay inside it.
  files::ReplacedFolder folder(dir, "--out", "dashboard export of " + region.slug);
  Viewer anonymous;
  db::RowMemo memo;  // the region-wide rows every page asks for, read once
  const db::dashboard::PostsCache posts(db, region.slug, &memo);
  int pages = 0;
  // The people who get a page: links to anyone else are plain names, never to a missing file.
  auto written = std::make_shared<std::set<std::string>>();
  const auto people = posts.reader().people();
  for (const auto& p : people)
    if (!p.user_id.empty()) written->insert(p.user_id);
  auto emit = [&](const std::string& file, int depth, const std::function<Page(PageContext&)>& build) {
    Links links(region.slug, true, depth);
    links.only_pax_pages(written);
    PageContext cx{db, region, anonymous, links, today, now, {}, "", file, 0};
    const ReadingThrough reading(cx, posts);
    const Page page = build(cx);
    if (page.status != 200) return;
    write_file(folder.file(file), layout(page, anonymous, links, region.name, region.slug, ""));
    const fs::path sub = fs::path(file).parent_path();
    const std::string stem = fs::path(file).stem().string();
    for (const auto& t : page.tables) write_file(folder.file((sub / (stem + "." + t.id + ".csv")).string()), to_csv(t));
    ++pages;
  };
  write_file(folder.file("assets/dashboard.css"), stylesheet());
  write_file(folder.file("assets/dashboard.js"), script());
  emit("index.html", 0, [](PageContext& cx) { return region_page(cx); });
  emit("community.html", 0, [](PageContext& cx) { return community_page(cx); });
  for (const auto& ao : db::dashboard::ao_list(posts.reader(), calendar::all_days()))
    emit("ao/" + ao.ao_id + ".html", 1, [&](PageContext& cx) { return ao_page(cx, ao.ao_id); });
  for (const auto& p : people)
    if (!p.user_id.empty())
      emit("pax/" + p.user_id + ".html", 1, [&](PageContext& cx) { return pax_page(cx, p.user_id); });
  folder.commit();
  return pages;
}

}  // namespace paxstats::web
