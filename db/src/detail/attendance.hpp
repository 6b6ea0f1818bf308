#pragma once
// Internal to db/: who attended which beatdown, in memory, for the dashboard's PAX pages. A PAX
// page listed all of a person's beatdowns with who led each and how many came (600 rows for a
// regular: 22 ms of PostgreSQL a page), and joined their beatdowns back to everyone at them for
// "who they met" (13 ms): most of a page's time, on a server of two cores shared by sixteen
// readers. The posts are read once per version of the region's posts cache (the reader's RowMemo),
// 270k rows in 0.4 s, and each page then walks a few thousand integers. The figures are the
// statements' they replace (tests/web/dashboard_test.cpp holds them equal for every person).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "paxstats/db/dashboard.hpp"

namespace paxstats::db::detail {

class Attendance {
 public:
  static Attendance read(const report::Reader& read);

  // The person's record from their posts (PaxProfile's posts, Qs, Co-Qs, AOs, first and last
  // post and Q, FNGs at the beatdowns they led, weeks and years; the name and user id their posts
  // give, which a Slack user's own name replaces). False when they have no post.
  bool record(std::string_view person, dashboard::PaxProfile& p) const;

  // met, led and the bestie of `person` (PaxProfile's): everyone else at their beatdowns (a
  // person named twice at one counts twice), those at the ones they led, and the one there most
  // often (ties: the smallest name, then the smallest person id, compared byte by byte).
  void meet(std::string_view person, dashboard::PaxProfile& p) const;

  // The person's beatdowns (at one AO, when given), newest first, at most `limit`:
  // dashboard::beatdowns for one person.
  std::vector<dashboard::BeatdownRow> beatdowns_of(std::string_view person, const std::optional<std::string>& ao,
                                                   int limit) const;

 private:
  struct Row {
    std::int32_t person, user_id, name, role, beatdown, ao, fngs;
  };
  struct Beatdown {
    std::int32_t first_row = 0;  // its rows are [first_row, the next one's first_row)
    std::string date, ao_id, ao_name, q_names, title, channel_id, ts;
    int posts = 0, fngs = 0;
  };
  std::int32_t intern(std::string_view v);
  std::string_view text(std::int32_t i) const { return i < 0 ? std::string_view() : std::string_view(strings_[i]); }

  std::vector<std::string> strings_;                   // people, user ids, names and roles, each once
  std::unordered_map<std::string, std::int32_t> ids_;  // and their numbers
  std::vector<Row> rows_;                              // the posts, a beatdown's together
  std::vector<Beatdown> beatdowns_;                    // in (channel_id, ts) order, and one past the end
  std::vector<std::vector<std::int32_t>> own_;         // each person's rows, by the person's number
  std::int32_t q_ = -1, coq_ = -1;                     // the roles that lead
};

// The region's attendance, kept while its posts cache stands (read now when none stands).
std::shared_ptr<const Attendance> attendance(const report::Reader& read);

}  // namespace paxstats::db::detail
