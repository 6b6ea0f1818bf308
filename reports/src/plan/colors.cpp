#include "colors.hpp"

#include <algorithm>

namespace paxstats::reports::detail {

std::vector<std::string> shown_aos(const std::map<std::string, int>& year, const std::map<std::string, int>& month,
                                   size_t shown) {
  std::vector<std::string> out;
  for (const auto& [ao, n] : year) out.push_back(ao);
  if (out.size() <= shown + 1) return out;
  auto of = [](const std::map<std::string, int>& m, const std::string& k) {
    const auto it = m.find(k);
    return it == m.end() ? 0 : it->second;
  };
  std::stable_sort(out.begin(), out.end(), [&](const std::string& a, const std::string& b) {
    return std::make_pair(of(month, a), of(year, a)) > std::make_pair(of(month, b), of(year, b));
  });
  out.resize(shown);
  return out;
}

std::map<std::string, int> ao_colors(const std::vector<db::report::PersonMonthAo>& year_posts, date::year_month month,
                                     size_t shown, int colors) {
  std::map<std::string, std::map<std::string, int>> by_person, month_of;  // person → AO → posts
  std::map<std::string, long> total;                                      // AO → posts
  for (const auto& r : year_posts) {
    by_person[r.person][r.ao_id] += r.posts;
    if (r.month == month) month_of[r.person][r.ao_id] += r.posts;
    total[r.ao_id] += r.posts;
  }
  // The AOs each person's chart draws by name.
  std::vector<std::vector<std::string>> charts;
  for (const auto& [person, aos] : by_person) {
    auto keys = shown_aos(aos, month_of[person], shown);
    if (keys.size() >= 2) charts.push_back(std::move(keys));
  }
  std::map<std::string, std::map<std::string, int>> together;  // AO → AO → charts with both
  for (const auto& keys : charts)
    for (size_t i = 0; i < keys.size(); ++i)
      for (size_t j = i + 1; j < keys.size(); ++j) {
        ++together[keys[i]][keys[j]];
        ++together[keys[j]][keys[i]];
      }
  std::vector<std::pair<std::string, long>> order(total.begin(), total.end());
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::map<std::string, int> out;
  std::vector<int> used(static_cast<size_t>(colors), 0);
  for (const auto& [ao, posts] : order) {
    std::vector<long> clash(static_cast<size_t>(colors), 0);
    for (const auto& [other, n] : together[ao])
      if (auto it = out.find(other); it != out.end()) clash[static_cast<size_t>(it->second)] += n;
    int best = 0;
    for (int k = 1; k < colors; ++k) {
      const auto K = static_cast<size_t>(k), B = static_cast<size_t>(best);
      if (clash[K] < clash[B] || (clash[K] == clash[B] && used[K] < used[B])) best = k;
    }
    out[ao] = best;
    ++used[static_cast<size_t>(best)];
  }
  return out;
}

}  // namespace paxstats::reports::detail
