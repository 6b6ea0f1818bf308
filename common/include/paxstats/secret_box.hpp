#pragma once
// Secrets at rest (a region's bot token): sealed with AES-256-GCM under a key kept outside the
// database, in a file of 32 random bytes only its owner can read (PAXSTATS_SECRET_KEY_FILE;
// `paxstats key create` writes one). A sealed value names its key ("v1.<key id>.<base64 of
// nonce, ciphertext and tag>"), so a key can be rotated (`paxstats key rotate`), and is bound to
// where it is stored (region and name, as GCM's additional data): a value copied to another
// region's row does not open.
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace paxstats::secrets {

struct Key {
  std::string id;  // the first 8 hex digits of the key's SHA-256: names it in sealed values
  std::array<unsigned char, 32> bytes{};
};

// Reads a key file: exactly 32 bytes, readable by its owner only. UserError naming the file and
// what to do otherwise.
Key load_key(const std::filesystem::path& file);
// The key PAXSTATS_SECRET_KEY_FILE names, or nullopt when the variable is unset or empty.
std::optional<Key> key_from_env();
// Writes a new key (32 random bytes from OpenSSL) to `file`, mode 0600; refuses to replace one.
Key create_key(const std::filesystem::path& file);

// `plain` sealed for the row (region, name). Never throws for any input.
std::string seal(const Key& key, std::string_view plain, std::string_view region, std::string_view name);
// The plain value back. UserError when it was sealed under another key (naming both ids), or it
// is not a sealed value, or it was changed or moved to another row.
std::string open(const Key& key, std::string_view sealed, std::string_view region, std::string_view name);
// The id of the key a value was sealed under ("" when it is not a sealed value).
std::string key_id_of(std::string_view sealed);

}  // namespace paxstats::secrets
