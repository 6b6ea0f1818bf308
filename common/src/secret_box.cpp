#include "paxstats/secret_box.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <vector>

#include "paxstats/error.hpp"

namespace paxstats::secrets {
namespace {

constexpr size_t kNonce = 12, kTag = 16;
constexpr std::string_view kVersion = "v1";

std::string id_of(const std::array<unsigned char, 32>& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(bytes.data(), bytes.size(), digest);
  char hex[9];
  std::snprintf(hex, sizeof hex, "%02x%02x%02x%02x", digest[0], digest[1], digest[2], digest[3]);
  return hex;
}

std::string additional_data(std::string_view region, std::string_view name) {
  return "paxstats/" + std::string(region) + "/" + std::string(name);
}

std::string base64(const std::vector<unsigned char>& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::vector<unsigned char>> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3);
  const int n =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --len;  // EVP_DecodeBlock keeps the padding's zeros
  out.resize(len);
  return out;
}

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

Key load_key(const std::filesystem::path& file) {
  const std::string where = "the secret key file " + file.string();
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0)
    throw UserError(where + " does not exist: create one with `paxstats key create " + file.string() +
                    "` (or point PAXSTATS_SECRET_KEY_FILE at the one the service uses)");
  if (!S_ISREG(st.st_mode)) throw UserError(where + " is not a file");
  if ((st.st_mode & 077) != 0)
    throw UserError(where + " can be read by others than its owner: chmod 600 " + file.string() +
                    " (a key anyone can read protects nothing)");
  std::ifstream in(file, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) throw UserError("cannot read " + where + ": check its permissions");
  if (data.size() != 32)
    throw UserError(where + " holds " + std::to_string(data.size()) +
                    " bytes, not the 32 random bytes of a key: is it the right file? `paxstats key create` writes one");
  Key k;
  std::copy(data.begin(), data.end(), k.bytes.begin());
  k.id = id_of(k.bytes);
  return k;
}

std::optional<Key> key_from_env() {
  const char* path = std::getenv("PAXSTATS_SECRET_KEY_FILE");
  if (!path || !*path) return std::nullopt;
  return load_key(path);
}

Key create_key(const std::filesystem::path& file) {
  Key k;
  if (RAND_bytes(k.bytes.data(), static_cast<int>(k.bytes.size())) != 1)
    throw std::runtime_error("OpenSSL could not give 32 random bytes");
  k.id = id_of(k.bytes);
  // O_EXCL: an existing key is never replaced (the values sealed under it would be lost).
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      throw UserError(file.string() +
                      " exists already: paxstats never replaces a key (the tokens sealed under it "
                      "would be lost). Choose another file, then `paxstats key rotate`");
    throw UserError("cannot create " + file.string() + ": does its folder exist, and may paxstats write there?");
  }
  const bool written = ::write(fd, k.bytes.data(), k.bytes.size()) == static_cast<ssize_t>(k.bytes.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) {
    std::filesystem::remove(file);
    throw UserError("cannot write " + file.string() + ": is the disk full?");
  }
  return k;
}

std::string seal(const Key& key, std::string_view plain, std::string_view region, std::string_view name) {
  std::vector<unsigned char> out(kNonce + plain.size() + kTag);
  if (RAND_bytes(out.data(), kNonce) != 1) throw std::runtime_error("OpenSSL could not give a nonce");
  const std::string aad = additional_data(region, name);
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes.data(), out.data()) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), out.data() + kNonce, &len, reinterpret_cast<const unsigned char*>(plain.data()),
                        static_cast<int>(plain.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonce + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, out.data() + kNonce + plain.size()) == 1;
  if (!ok) throw std::runtime_error("OpenSSL could not seal a value (AES-256-GCM)");
  return std::string(kVersion) + "." + key.id + "." + base64(out);
}

std::string key_id_of(std::string_view sealed) {
  if (!sealed.starts_with(std::string(kVersion) + ".") || sealed.size() < 12 || sealed[11] != '.') return {};
  return std::string(sealed.substr(3, 8));
}

std::string open(const Key& key, std::string_view sealed, std::string_view region, std::string_view name) {
  const std::string where = "the stored " + std::string(name) + " of region " + std::string(region);
  const std::string id = key_id_of(sealed);
  if (id.empty()) throw UserError(where + " is not a sealed value: store it again (paxstats region token)");
  if (id != key.id)
    throw UserError(where + " was sealed under key " + id + ", and PAXSTATS_SECRET_KEY_FILE holds key " + key.id +
                    ": point it at the right key, or `paxstats key rotate --from OLD_KEY_FILE` after a change of keys");
  const auto bytes = unbase64(sealed.substr(12));
  if (!bytes || bytes->size() < kNonce + kTag) throw UserError(where + " is damaged: store it again");
  const size_t n = bytes->size() - kNonce - kTag;
  std::string plain(n, '\0');
  const std::string aad = additional_data(region, name);
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  std::vector<unsigned char> tag(bytes->end() - kTag, bytes->end());
  const bool ok = ctx &&
                  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes.data(), bytes->data()) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                                    static_cast<int>(aad.size())) == 1 &&
                  EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                                    bytes->data() + kNonce, static_cast<int>(n)) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) == 1 &&
                  EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) == 1;
  if (!ok)
    throw UserError(where + " does not open under key " + key.id +
                    ": it was changed, or copied from another region or name. Store it again (paxstats region token)");
  return plain;
}

}  // namespace paxstats::secrets
