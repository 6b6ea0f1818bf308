#pragma once
// Internal: name banks for the generated region. F3 names are nicknames; real workspaces hold
// accents, Korean, emoji and the odd hostile string, so these do too.
#include <string>
#include <vector>

namespace paxstats::mining::gen {

// Names safe to type untagged in a backblast: no commas, parentheses, '@', '&', '<', '>', and
// no word "and" (the parser splits untagged lists on those).
inline const std::vector<std::string> kSafeNames = {
    "Gilmore",        "Doppler",       "Slice",      "Stinger",    "Atlas",         "Bloomer",
    "Crack",          "Snickle",       "Mongo",      "Brisket",    "Tater Tot",     "Green Thumb",
    "Captain Crunch", "Iron Mike",     "Lockjaw",    "Buttercup",  "Ziploc",        "Gumby",
    "Hoss",           "Paperboy",      "Big Sky",    "Señor Frío", "Jalapeño",      "Crème Brûlée",
    "Björk",          "Café Racer",    "Zoë",        "Piñata",     "Übermensch",    "호랑이",
    "불고기",         "김치",          "곰",         "Taco 🌮",  "Sparky 🔥",      "🦅 Eagle",
    "Wrong Way",      "Sunday School", "Ice Box",    "Moonpie",    "Dozer",         "Torque",
    "Pothole",        "Wiki",          "Skidmark",   "Hot Pocket", "Spreadsheet",   "Nacho Libre",
    "Pony Express",   "Half Pint",     "Speed Bump", "Wet Willy",  "Goose",         "Maverick",
    "Iceman",         "Kneecap",       "Bushwood",   "Caddyshack", "Mr. Belvedere", "Wingnut",
    "Tin Cup",        "Rerun",         "Cheddar",    "Muffin Top", "Bedrock",       "Barney",
    "Fred",           "Gazoo",         "Noodle",     "Pinwheel",   "Slim Jim",      "Deadbolt",
    "Ringo",          "Cricket",       "Gopher",     "Dr. Pepper", "Scooter",       "Radar",
    "Hawkeye",        "Klinger",       "Trapper",    "Hot Lips",   "Frank",         "Potter",
    "Mulcahy",        "Chuckles",      "Sprout",     "Fuzzy",      "Tumbleweed",    "Gravel",
    "Pebbles",        "Boulder",       "Quarry",     "Granite",    "Flint",         "Shale",
    "Sandstone",      "Obsidian",      "Quartz",     "Jasper",     "Onyx",          "Opal",
    "Topaz",          "Garnet",        "Zircon",     "Beryl",      "Mica",          "Talc",
    "Gypsum",         "Cobalt",        "Nickel",     "Dime",       "Quarter",       "Penny",
    "Buckshot",       "Birdshot",      "Slingshot",  "Trebuchet",  "Catapult",      "Ballista",
    "Longbow",        "Crossbow",      "Musket",     "Flintlock",  "Blunderbuss",   "Cannonball",
    "Powder Keg",     "Fuse",          "Detonator",  "Dynamite",   "Nitro",         "Boomer",
    "Thunder",        "Lightning",     "Drizzle",    "Monsoon",    "Typhoon",       "Squall",
    "Gale",           "Zephyr",        "Sirocco",    "Chinook",    "Mistral",       "Haboob",
    "Derecho",        "Nor'easter",    "Whiteout",   "Slush",      "Sleet",         "Hail Mary",
};

// Pieces to build more safe names when a region is larger than the bank.
inline const std::vector<std::string> kFirstParts = {
    "Iron",  "Rusty",  "Silent", "Lucky",  "Dusty", "Big",   "Little", "Mad",    "Old",    "Red",   "Blue",
    "Wild",  "Lazy",   "Crazy",  "Sneaky", "Salty", "Sweet", "Sour",   "Spicy",  "Frosty", "Muddy", "Rocky",
    "Sandy", "Stormy", "Windy",  "Sunny",  "Shady", "Happy", "Grumpy", "Sleepy", "Jumpy",  "Bumpy", "Lumpy"};
inline const std::vector<std::string> kSecondParts = {
    "Bear",     "Moose",  "Goat",   "Badger", "Beaver",  "Otter",   "Falcon", "Hawk",   "Viper",  "Cobra",   "Mule",
    "Bison",    "Camel",  "Llama",  "Walrus", "Narwhal", "Pelican", "Gator",  "Turtle", "Possum", "Raccoon", "Squirrel",
    "Chipmunk", "Ferret", "Weasel", "Marmot", "Lemming", "Gecko",   "Iguana", "Toad",   "Newt"};

// Display names that break naive code: quotes, markup, SQL, HTML. Only ever mentioned by id.
inline const std::vector<std::string> kHostileNames = {"Robert'); DROP TABLE users;--",
                                                       "<script>alert('pax')</script>",
                                                       "Ampersand & Sons",
                                                       "*Bold* _Move_",
                                                       "Back\\slash \"Quote\"",
                                                       "Comma, Jr.",
                                                       "O'Malley (the elder)",
                                                       "Tab\tCharacter"};

inline const std::vector<std::string> kRealFirst = {"John",  "Mike",  "Dave",    "Chris", "Matt",     "Andrés",
                                                    "José",  "Minho", "Jae-won", "Søren", "François", "Brian",
                                                    "Kevin", "Tom",   "Jim",     "Steve", "Paul"};
inline const std::vector<std::string> kRealLast = {"Smith",  "Johnson", "Müller", "García",   "Kim",   "Lee",
                                                   "Park",   "O'Brien", "Nguyen", "Kowalski", "Brown", "Davis",
                                                   "Miller", "Wilson",  "Moore",  "Taylor"};

inline const std::vector<std::string> kAoPlaces = {
    "The Forge",  "Iron Mountain", "The Yard",    "Bleach",    "The Grind",    "Rebel Yell", "Stonehenge",
    "The Depot",  "Gridiron",      "The Quarry",  "Swamp Fox", "Lighthouse",   "The Pit",    "High Noon",
    "Old Glory",  "Crossroads",    "Thunderdome", "Foundry",   "The Gauntlet", "Battleship", "Coop",
    "Dark Horse", "The Hill",      "Redwood",     "Ironclad",  "Outpost",      "Bunker",     "Proving Ground"};

inline const std::vector<std::string> kTitles = {
    "Murph in the rain", "Coupons and Catapults", "The Deck of Doom",   "Dora 1-2-3",         "Hill sprints",
    "Merkin madness",    "11s on the hill",       "Bear crawl bonanza", "Blimps and Burpees", "The Grinder",
    "Partner up",        "Ring of Fire",          "Stairway to heaven", "Mosey marathon",     "Ladder day",
    "Q school",          "Sandbag Saturday",      "Lunges & Lunges",    "Cinco de Merkin",    "Tabata Tuesday",
    "Wheel of Pain"};

inline const std::vector<std::string> kMoleskin = {
    "WARMUP: SSH x 20, Imperial Walkers x 15, Windmills x 10, Moroccan Night Clubs x 15",
    "THE THANG: Dora 1-2-3 with partner: 100 merkins, 200 squats, 300 LBCs",
    "THE THANG: 11s between the light poles: burpees and jump squats",
    "THE THANG: 4 corners, 10 reps each, mosey between. Repeato until time",
    "MARY: Flutters x 20, Box cutters x 15, Freddie Mercury x 20",
    "COT: Count-O-Rama, Name-O-Rama, announcements, prayers for the injured",
    "ANNOUNCEMENTS: 2nd F at the brewery Friday. Convergence next Saturday!",
    "Humidity at 98% and the PAX still showed up. Proud to lead this group.",
    "Great work by everyone today, the hill won but we'll be back.",
    "Mumblechatter was strong & the pace was stronger.",
};

inline const std::vector<std::string> kChatter = {"Who's in for coffeeteria after?",
                                                  "Great work this morning men!",
                                                  "Prayers for the family.",
                                                  "Anyone have a spare ruck I can borrow?",
                                                  "Don't forget the convergence on Saturday.",
                                                  "Check out this article on recovery",
                                                  "Happy birthday brother! :tada:",
                                                  "Q sign-ups are open for next month",
                                                  "Weather looks rough tomorrow, we're on regardless",
                                                  "Who left the coupons at the AO?",
                                                  "2nd F at the brewery Friday 6pm",
                                                  "Welcome to the new guys!",
                                                  "Sore today. Worth it.",
                                                  "Can someone cover my Q on Thursday?",
                                                  "Shovel flag is in my truck",
                                                  "T-claps to all the PAX"};

inline const std::vector<std::string> kEmoji = {"muscle", "fire", "+1",           "clap",
                                                "pray",   "100",  "raised_hands", "sweat_smile"};

}  // namespace paxstats::mining::gen
