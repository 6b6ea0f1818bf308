#include "paxstats/db/web_sessions.hpp"

#include "paxstats/db/sql.hpp"

namespace paxstats::db::web {

namespace {
std::string purpose_name(LoginPurpose p) { return p == LoginPurpose::install ? "install" : "sign_in"; }
}  // namespace

bool begin_login(Database& db, std::string_view state_hash, std::string_view nonce, std::string_view next_path,
                 std::chrono::seconds ttl, std::string_view client, int max_per_client, LoginPurpose purpose) {
  purge_expired(db);
  // One statement: the count and the insert see the same rows (two requests at once may both
  // pass the limit by one; it bounds the table, which is all it is for).
  const auto r =
      sql::query(db,
                 "INSERT INTO paxstats.web_logins (state_hash, nonce, next_path, expires_at, client, purpose) "
                 "SELECT $1, $2, $3, now() + make_interval(secs => $4::int), $5, $7 "
                 "WHERE $5 = '' OR (SELECT count(*) FROM paxstats.web_logins WHERE client = $5) < $6::int RETURNING 1",
                 {std::string(state_hash), std::string(nonce), std::string(next_path), std::to_string(ttl.count()),
                  std::string(client), std::to_string(max_per_client), purpose_name(purpose)});
  return !r.empty();
}

std::optional<Login> take_login(Database& db, std::string_view state_hash, LoginPurpose purpose) {
  // Deleted whatever it was begun for: a state shown to the wrong callback is spent too.
  const auto r = sql::query(db,
                            "DELETE FROM paxstats.web_logins WHERE state_hash = $1 "
                            "RETURNING nonce, next_path, expires_at > now() AND purpose = $2",
                            {std::string(state_hash), purpose_name(purpose)});
  if (r.empty() || r[0][2] != "t") return std::nullopt;
  return Login{*r[0][0], *r[0][1]};
}

void create_session(Database& db, std::string_view id_hash, const Session& s, std::chrono::seconds ttl) {
  sql::query(db,
             "INSERT INTO paxstats.web_sessions (id_hash, team_id, user_id, name, workspace_admin, csrf, expires_at) "
             "VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7::int))",
             {std::string(id_hash), s.team_id, s.user_id, s.name, s.workspace_admin ? "true" : "false", s.csrf,
              std::to_string(ttl.count())});
}

std::optional<Session> find_session(Database& db, std::string_view id_hash) {
  const auto r = sql::query(db,
                            "SELECT team_id, user_id, name, csrf, workspace_admin FROM paxstats.web_sessions "
                            "WHERE id_hash = $1 AND expires_at > now()",
                            {std::string(id_hash)});
  if (r.empty()) return std::nullopt;
  return Session{*r[0][0], *r[0][1], *r[0][2], *r[0][3], r[0][4] == "t"};
}

void end_session(Database& db, std::string_view id_hash) {
  sql::query(db, "DELETE FROM paxstats.web_sessions WHERE id_hash = $1", {std::string(id_hash)});
}

int purge_expired(Database& db) {
  const auto a = sql::query(db, "DELETE FROM paxstats.web_sessions WHERE expires_at <= now() RETURNING 1");
  const auto b = sql::query(db, "DELETE FROM paxstats.web_logins WHERE expires_at <= now() RETURNING 1");
  return static_cast<int>(a.size() + b.size());
}

}  // namespace paxstats::db::web
