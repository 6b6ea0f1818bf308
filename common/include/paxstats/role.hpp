#pragma once
// How a person took part in a beatdown: one vocabulary from the parser to the attendance table.
#include <optional>
#include <string_view>

namespace paxstats {

enum class Role { q, coq, pax, fng };

// "q", "coq", "pax", "fng" (as stored and shown), and back.
constexpr std::string_view to_string(Role r) {
  switch (r) {
    case Role::q: return "q";
    case Role::coq: return "coq";
    case Role::fng: return "fng";
    case Role::pax: break;
  }
  return "pax";
}
constexpr std::optional<Role> parse_role(std::string_view s) {
  for (Role r : {Role::q, Role::coq, Role::pax, Role::fng})
    if (to_string(r) == s) return r;
  return std::nullopt;
}

}  // namespace paxstats
