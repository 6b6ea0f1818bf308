#pragma once
// Secrets at rest (control migration 0015): values sealed by paxstats::secrets (common/), stored
// and read here as the sealed text. Nothing here sees a plain value.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"

namespace paxstats::db {

// What a region may keep sealed.
// What a region may keep sealed: its bot token and, when the app rotates tokens, the refresh
// token that buys the next one.
enum class SecretName { bot_token, bot_refresh_token };
std::string_view to_string(SecretName name);

struct SealedSecret {
  std::string region;
  SecretName name = SecretName::bot_token;
  std::string sealed;  // "v1.<key id>.<base64>"
};

// Stores (or replaces) a region's sealed value; `expires_at` (epoch seconds) for a token that
// expires. UserError for an unknown region.
void store_secret(Database& db, std::string_view region, SecretName name, std::string_view sealed,
                  std::optional<long long> expires_at = std::nullopt);
// The sealed value, or nullopt when none is stored.
std::optional<std::string> sealed_secret(Database& db, std::string_view region, SecretName name);
// When the stored value expires (epoch seconds): nullopt when it does not, or none is stored.
std::optional<long long> secret_expires_at(Database& db, std::string_view region, SecretName name);
// Runs `f` holding the region's secrets lock (a session advisory lock, across processes): one
// refresh of a rotating token at a time; a second waits, then reads the refreshed one.
void with_secrets_locked(Database& db, std::string_view region, const std::function<void()>& f);
// Deletes it; whether there was one.
bool delete_secret(Database& db, std::string_view region, SecretName name);
// Every stored value (for a change of keys), by region and name.
std::vector<SealedSecret> all_secrets(Database& db);
// Replaces each `from` value with its `to` in one statement: all or none. UserError when one was
// changed or deleted meanwhile (nothing is replaced then).
void reseal_secrets(Database& db, const std::vector<std::pair<SealedSecret, std::string>>& from_to);

}  // namespace paxstats::db
