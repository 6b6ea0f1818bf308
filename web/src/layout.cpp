// The document around every page, its stylesheet (screen and print) and its small script
// (sorting and filtering tables; the pages work without it).
#include "site.hpp"

namespace paxstats::web::detail {

std::string layout(const Page& page, const Viewer& viewer, const Links& links, const std::string& region_name,
                   const std::string& slug, const std::string& login_next) {
  std::string h =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
      esc(page.title) + (region_name.empty() ? "" : " · " + esc(region_name)) +
      " · paxstats</title><link rel=\"stylesheet\" href=\"" + esc(links.asset("dashboard.css")) + "\"><script src=\"" +
      esc(links.asset("dashboard.js")) + "\" defer></script></head><body>";
  h += "<header class=\"top\"><a class=\"brand\" href=\"" + esc(links.home()) + "\">paxstats</a>";
  if (!slug.empty()) {
    h += "<nav class=\"sections\" aria-label=\"Region\"><a href=\"" + esc(links.region()) + "\">" + esc(region_name) +
         "</a><a href=\"" + esc(links.community()) + "\">Community</a>";
    if (viewer.admin && !links.static_site())
      h += "<a href=\"" + esc(links.kotter()) + "\">Kotter</a><a href=\"" + esc(links.admin()) + "\">Admin</a>";
    h += "</nav>";
    if (!links.static_site())
      h += "<form class=\"search\" role=\"search\" method=\"get\" action=\"" + esc(links.search()) +
           "\"><input type=\"search\" name=\"q\" placeholder=\"Find a PAX…\" aria-label=\"Find a PAX by name\">"
           "<button type=\"submit\">Search</button></form>";
  }
  if (!links.static_site()) {
    h += "<div class=\"who\">";
    if (viewer.signed_in)
      h += "<span>" + esc(viewer.name) + (viewer.admin ? " (admin)" : "") +
           "</span><form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"" +
           esc(viewer.csrf) + "\"><button type=\"submit\" class=\"link\">Sign out</button></form>";
    else
      h += "<a class=\"signin\" href=\"/login?next=" + esc(login_next) + "\">Sign in with Slack</a>";
    h += "</div>";
  }
  h += "</header><main>";
  if (!page.crumbs.empty()) {
    h += "<nav class=\"crumbs\" aria-label=\"Breadcrumb\">";
    for (const auto& [text, href] : page.crumbs) h += "<a href=\"" + esc(href) + "\">" + esc(text) + "</a> › ";
    h += "</nav>";
  }
  h += "<h1>" + esc(page.title) + "</h1>" + page.html + "</main>";
  h += "<footer>paxstats · numbers from the region's backblasts and messages, counted as the README's \"How paxstats "
       "counts\" says</footer></body></html>";
  return h;
}

const std::string& stylesheet() {
  static const std::string css = R"css(
:root{--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa;--card:#fff;--accent:#0969da}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
header.top{display:flex;flex-wrap:wrap;gap:.5em 1.5em;align-items:center;background:#1f2328;color:#fff;padding:.7em 1.5em}
header.top a{color:#fff;text-decoration:none}
.brand{font-weight:700;font-size:1.15em;letter-spacing:.02em}
nav.sections{display:flex;gap:1em}nav.sections a{opacity:.9}nav.sections a:hover{opacity:1;text-decoration:underline}
form.search{display:flex;gap:.3em}form.search input{padding:.3em .5em;border-radius:6px;border:1px solid #57606a;min-width:12em}
form.search button,.who button{padding:.3em .7em;border-radius:6px;border:1px solid #8c959f;background:#30363d;color:#fff;cursor:pointer}
.who{margin-left:auto;display:flex;gap:.6em;align-items:center}.who form{margin:0}
.who button.link{background:none;border:none;color:#c9d1d9;text-decoration:underline;padding:0}
.signin{background:#4a154b;padding:.35em .8em;border-radius:6px;font-weight:600}
main{max-width:1200px;margin:0 auto;padding:1em 1.5em 3em}
h1{font-size:1.6em;margin:.3em 0 .6em}h2{font-size:1.25em;margin:1.6em 0 .5em;border-bottom:1px solid var(--line);padding-bottom:.25em}
h3{font-size:1.05em;margin:0}
.crumbs{color:var(--muted);font-size:.9em}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.8em;margin:.6em 0 1.2em}
.figure{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.7em .9em}
.figure .value{font-size:1.5em;font-weight:650;font-variant-numeric:tabular-nums;white-space:nowrap}.figure .value.long{font-size:1.15em;line-height:1.75}.figure .label{color:var(--muted);font-size:.88em}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(460px,100%),1fr));gap:1em;align-items:start}
.charts.one{grid-template-columns:minmax(0,860px)}
figure.chart{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:.6em}
figure.chart svg{display:block;width:100%;height:auto;max-width:100%}
figcaption{color:var(--muted);font-size:.9em;margin-top:.4em}
section.table{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.7em .9em;margin:1em 0}
.table-head{display:flex;gap:1em;align-items:center;margin-bottom:.5em}.table-head h3{flex:1}
.filter{padding:.25em .5em;border:1px solid var(--line);border-radius:6px}
.csv{font-size:.85em;border:1px solid var(--line);border-radius:6px;padding:.15em .5em;text-decoration:none}
.scroll{overflow-x:auto;max-height:38em;overflow-y:auto}
table.data{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
table.data th,table.data td{text-align:left;padding:.3em .6em;border-bottom:1px solid #eaeef2;vertical-align:top}
table.data th{position:sticky;top:0;background:#f6f8fa;font-weight:600;cursor:pointer;white-space:nowrap}
table.data th[aria-sort=ascending]::after{content:" ▲"}table.data th[aria-sort=descending]::after{content:" ▼"}
table.data .n{text-align:right}
.periods{display:flex;flex-wrap:wrap;gap:.4em;margin:.3em 0 1em}.periods a{border:1px solid var(--line);border-radius:14px;padding:.1em .7em;text-decoration:none;background:#fff}
.periods a.on{background:var(--accent);color:#fff;border-color:var(--accent)}
.notice{background:#fff8c5;border:1px solid #d4a72c;border-radius:8px;padding:.6em 1em}
.ok{background:#dafbe1;border:1px solid #4ac26b;border-radius:8px;padding:.6em 1em}
.empty{color:var(--muted)}
ul.achievements{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.5em}
ul.achievements li{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.4em .7em}
ul.achievements b{display:block}
ul.regions{list-style:none;padding:0}ul.regions li{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.8em 1em;margin:.5em 0}
span.share{display:inline-block;width:60px;height:8px;background:#eaeef2;border-radius:4px;vertical-align:middle}span.share span{display:block;height:8px;background:#1a7f37;border-radius:4px}
a.button{display:inline-block;padding:.5em 1em;border-radius:6px;background:#4a154b;color:#fff;font-weight:600;text-decoration:none;margin:.3em 0}
form.settings select{max-width:100%;min-height:30px}form.settings button{padding:.4em 1em;border-radius:6px;border:1px solid var(--line);background:#f6f8fa;cursor:pointer}
form.inline{display:inline-block;margin:2px 0}form.inline button{min-height:26px;min-width:26px;padding:.2em .7em;border-radius:6px;border:1px solid var(--line);background:#f6f8fa;cursor:pointer}
code,.line{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em;background:#eaeef2;border-radius:4px;padding:0 .3em;white-space:pre-wrap}
footer{color:var(--muted);font-size:.85em;text-align:center;padding:1em}
@media (max-width:600px){
 header.top{padding:.6em .8em;gap:.4em 1em}main{padding:.8em .7em 2em}
 form.search input{min-width:0;width:8em}.who{margin-left:0}
 .figures{grid-template-columns:repeat(2,minmax(0,1fr))}.table-head{flex-wrap:wrap}
 figure.chart{padding:.3em}
}
@media print{
 header.top,form.search,.filter,.csv,form.inline,.periods,footer{display:none!important}
 body{background:#fff;font-size:11pt}main{max-width:none;padding:0}
 .scroll{max-height:none;overflow:visible}table.data th{position:static}
 figure.chart,section.table,.figure{break-inside:avoid;border-color:#999}
 .charts{display:block}figure.chart{margin:0 0 1em}
 a{color:inherit;text-decoration:none}
}
)css";
  return css;
}

const std::string& script() {
  static const std::string js = R"js(
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener("click", function () {
        var numeric = th.classList.contains("n");
        var dir = th.getAttribute("aria-sort") === "descending" ? 1 : -1;
        if (!numeric && !th.hasAttribute("aria-sort")) dir = 1;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col] ? a.cells[col].textContent : "", y = b.cells[col] ? b.cells[col].textContent : "";
          if (numeric) {
            x = parseFloat(x.replace(/,/g, "")) || 0; y = parseFloat(y.replace(/,/g, "")) || 0;
            return (x - y) * dir;
          }
          return x.localeCompare(y) * dir;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  document.querySelectorAll("input.filter").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table) return;
    input.addEventListener("input", function () {
      var text = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (r) {
        r.hidden = text !== "" && r.textContent.toLowerCase().indexOf(text) < 0;
      });
    });
  });
});
)js";
  return js;
}

}  // namespace paxstats::web::detail
