// paxstats key: the key that seals secrets at rest (a region's bot token). `key create FILE`
// writes one; `key rotate --from OLD_FILE` re-seals every stored secret from the old key to the
// one PAXSTATS_SECRET_KEY_FILE names, in one statement.
#include <iostream>

#include "commands.hpp"
#include "paxstats/db/secrets.hpp"
#include "paxstats/error.hpp"
#include "paxstats/secret_box.hpp"

namespace paxstats::app {

void add_key_commands(CLI::App& root, Context& ctx) {
  auto* key = root.add_subcommand("key", "The key that seals stored secrets (bot tokens): create one, change keys");
  key->require_subcommand(1);

  auto file = std::make_shared<std::string>();
  auto* create =
      key->add_subcommand("create",
                          "Write a new key (32 random bytes, mode 0600) to FILE; never replaces one. Then set "
                          "PAXSTATS_SECRET_KEY_FILE=FILE for every paxstats that reads the database");
  create
      ->add_option("FILE", *file,
                   "Where to write the key (keep it off the database's disk and out of backups "
                   "kept with it)")
      ->required();
  create->callback([&ctx, file] {
    ctx.action = [file] {
      const auto k = secrets::create_key(*file);
      std::cout << "wrote key " << k.id << " to " << *file << " (mode 0600)\n"
                << "next: export PAXSTATS_SECRET_KEY_FILE=" << *file
                << ", then paxstats region token SLUG to store a region's bot token\n";
      return 0;
    };
  });

  auto from = std::make_shared<std::string>();
  auto* rotate = key->add_subcommand(
      "rotate",
      "Re-seal every stored secret from the key in --from to the key PAXSTATS_SECRET_KEY_FILE names, all "
      "in one statement (keep the old key until this has run)");
  rotate->add_option("--from", *from, "The old key's file")->required();
  rotate->callback([&ctx, from] {
    ctx.action = [&ctx, from] {
      const auto now = secrets::key_from_env();
      if (!now)
        throw UserError(
            "PAXSTATS_SECRET_KEY_FILE is not set: point it at the new key (paxstats key create FILE), and "
            "pass the old one with --from");
      const auto old = secrets::load_key(*from);
      db::Database conn(database_url(ctx));
      std::vector<std::pair<db::SealedSecret, std::string>> changes;
      size_t already = 0;
      for (const auto& s : db::all_secrets(conn)) {
        const std::string id = secrets::key_id_of(s.sealed), name(db::to_string(s.name));
        if (id == now->id) {
          ++already;
          continue;
        }
        if (id != old.id)
          throw UserError("region " + s.region + "'s " + name + " is sealed under key " + id +
                          ", neither the old key (" + old.id + ") nor the new one (" + now->id +
                          "): nothing was re-sealed");
        changes.emplace_back(s, secrets::seal(*now, secrets::open(old, s.sealed, s.region, name), s.region, name));
      }
      db::reseal_secrets(conn, changes);
      std::cout << "re-sealed " << changes.size() << " secret(s) from key " << old.id << " to key " << now->id;
      if (already) std::cout << " (" << already << " already under the new key)";
      std::cout << "\n";
      return 0;
    };
  });
}

}  // namespace paxstats::app
