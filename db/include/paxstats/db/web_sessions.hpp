#pragma once
// The dashboard's sign-ins and sessions (control tables web_logins, web_sessions). Callers pass
// hashes (SHA-256, hex) of the state and the session id: neither secret is ever stored.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "paxstats/db/database.hpp"

namespace paxstats::db::web {

// What a one-use state was begun for: a sign-in (/login) or an install (/slack/install). A
// callback takes only a state of its own kind.
enum class LoginPurpose { sign_in, install };

// A sign-in under way: stored at /login, taken (once) by the callback. Expired sign-ins and
// sessions are removed first. Returns false (and stores nothing) when `client` (a hash of the
// visitor's address) has `max_per_client` sign-ins under way already.
bool begin_login(Database& db, std::string_view state_hash, std::string_view nonce, std::string_view next_path,
                 std::chrono::seconds ttl, std::string_view client = "", int max_per_client = 20,
                 LoginPurpose purpose = LoginPurpose::sign_in);
struct Login {
  std::string nonce, next_path;
};
// Takes the sign-in of this state: nullopt when there is none (forged, used before, expired).
// It is deleted either way, so a state is good for one callback.
std::optional<Login> take_login(Database& db, std::string_view state_hash,
                                LoginPurpose purpose = LoginPurpose::sign_in);

struct Session {
  std::string team_id, user_id, name, csrf;
  bool workspace_admin = false;
};
void create_session(Database& db, std::string_view id_hash, const Session& session, std::chrono::seconds ttl);
// The session of this id while it has not expired.
std::optional<Session> find_session(Database& db, std::string_view id_hash);
void end_session(Database& db, std::string_view id_hash);
// Deletes expired sessions and sign-ins; returns how many rows went.
int purge_expired(Database& db);

}  // namespace paxstats::db::web
