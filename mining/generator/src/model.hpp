#pragma once
// Internal to the generator: the simulated region, and one beatdown's plan before it is written.
#include <date/date.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rng.hpp"

namespace paxstats::mining::gen {

using json = nlohmann::ordered_json;
using Day = date::sys_days;  // a local calendar day of the region, as days since epoch

enum class Habit { regular, occasional, dropout, fng };

struct User {
  std::string id, handle, display, real;
  bool is_bot = false, deleted = false;
  bool safe_name = false;  // display name may be typed untagged in a post
  Habit habit = Habit::regular;
  int home_ao = 0;
  Day join{}, leave{};    // attends only on days in [join, leave]
  bool fng_done = false;  // first beatdown happened (was an FNG there)
  double p_home = 0, p_visit = 0;
  std::string bot_id;  // for bot users
};

struct Ao {
  std::string id, channel, place;  // channel "ao-the-forge", place "The Forge"
  bool days[7] = {};               // by weekday, Sunday = 0
  Day start{}, end{};
  bool archived = false;
};

// One attendee as planned: a Slack user or a non-Slack PAX (name only).
struct Person {
  int user = -1;     // index into users, or -1
  std::string name;  // display name (users) or the non-Slack name
  bool fng = false;  // first beatdown
  bool safe = true;  // may be typed untagged
};

struct Plan {
  int ao = 0;
  Day day{};
  Person q;
  std::vector<Person> coqs;
  std::vector<Person> pax;  // everyone else, FNGs included
  std::string title;
  std::vector<std::string> moleskin;  // lines in Slack text form (&amp; &lt; &gt; escaped)
};

// What a format produced: the message text and extra message fields, and the truth.
struct Rendered {
  std::string format;
  std::string text = {};
  json extra = json::object();  // blocks, metadata, bot fields, merged into the message
  bool by_bot = false;          // posted by an app on the Q's behalf
  bool has_date = true;         // the post states its date (else: the posting date counts)
  bool in_ao_channel = true;    // false: posted in the 1st-F channel, AO named in the post
  json truth = {};              // the beatdown as a correct parser must read it (no channel/ts yet)
};

struct World {
  std::vector<User> users;
  std::vector<Ao> aos;
  std::string firstf_id = "";
  const User& user(int i) const { return users[static_cast<size_t>(i)]; }
};

// Chooses a format for the plan (by date and chance) and writes the post and its truth.
Rendered render_backblast(const World& world, Plan& plan, Rng& rng, const std::string& slackblast_bot,
                          const std::string& f3nation_bot);

// Escapes & < > as Slack does in message text.
std::string escape_text(const std::string& s);

// Formats a local day as text in one of the styles Qs write dates in.
std::string format_date(Day day, int style);

}  // namespace paxstats::mining::gen
