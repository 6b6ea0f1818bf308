// The derived half of a RegionWriter: beatdowns, attendance and parse issues, as the parser
// reads them from the stored messages. Only what changed is written: each beatdown carries a
// fingerprint of its rows (beatdowns.derived_hash, region migration 0011), so a reparse that
// finds what is stored writes nothing, and one that finds a few changes writes those few.
#include <map>
#include <set>

#include "detail/database_impl.hpp"
#include "detail/region_writer_impl.hpp"
#include "paxstats/db/raw_store.hpp"
#include "paxstats/hash.hpp"
#include "detail/region_schema.hpp"

namespace paxstats::db {
namespace {

using detail::StepTimer;
using detail::text_array;
using Field = std::optional<std::string>;
using Key = std::pair<std::string, std::string>;  // a message: (channel_id, ts)

using detail::null_if_empty;

// The filter that picks messages the parser must see: cheap, and never misses a backblast.
constexpr const char* kMayBeBackblast =
    "(m.text ILIKE '%blast%' OR m.raw ? 'metadata' OR (m.raw ? 'blocks' AND (m.raw->>'blocks') ILIKE '%blast%'))";

// The derived tables, and what a bulk write takes off them while it runs: each one's foreign
// keys and secondary indexes, read from the catalog (the migrations stay their one definition)
// and put back afterwards, built once over all rows instead of row by row.
struct Rebuild {
  std::vector<std::string> drop, create;
};

Rebuild rebuild_of(pqxx::work& tx, const std::string& schema) {
  Rebuild r;
  const std::string tables = "ARRAY['beatdowns', 'attendance', 'parse_issues']";
  for (const auto& row : tx.exec_params(
           "SELECT format('ALTER TABLE %I.%I DROP CONSTRAINT %I', n.nspname, c.relname, k.conname), "
           "       format('ALTER TABLE %I.%I ADD CONSTRAINT %I ', n.nspname, c.relname, k.conname) || "
           "pg_get_constraintdef(k.oid) "
           "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = $1 AND k.contype = 'f' AND c.relname = ANY (" +
               tables +
               ") "
               "ORDER BY array_position(" +
               tables + ", c.relname::text), k.conname",
           schema)) {
    r.drop.push_back(row[0].c_str());
    r.create.push_back(row[1].c_str());
  }
  for (const auto& row : tx.exec_params(
           "SELECT format('DROP INDEX %I.%I', n.nspname, i.relname), pg_get_indexdef(x.indexrelid) "
           "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid "
           "JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = $1 AND c.relname = ANY (" +
               tables +
               ") AND NOT x.indisprimary "
               "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) ORDER BY i.relname",
           schema)) {
    r.drop.push_back(row[0].c_str());
    r.create.push_back(row[1].c_str());
  }
  return r;
}

// The fingerprint of one message's derived rows: its beatdown, attendees and parse issues, each
// field with its length (or a mark for none), so that different rows never hash alike by
// running together. Bump kFingerprintVersion when the rows a record becomes change shape: every
// stored beatdown is then rewritten once.
constexpr std::string_view kFingerprintVersion = "paxstats derived rows 1";

class Fingerprint {
 public:
  Fingerprint() : h_(fnv1a(kFingerprintVersion)) {}
  Fingerprint& operator<<(std::string_view s) {
    const auto n = std::to_string(s.size());
    h_ = fnv1a(s, fnv1a(":", fnv1a(n, h_)));
    return *this;
  }
  Fingerprint& operator<<(const std::string& s) { return *this << std::string_view(s); }
  Fingerprint& operator<<(const std::optional<std::string>& s) { return s ? *this << *s : *this << kNone; }
  Fingerprint& operator<<(const std::optional<int>& v) { return v ? *this << *v : *this << kNone; }
  Fingerprint& operator<<(int v) { return *this << std::to_string(v); }
  Fingerprint& operator<<(const std::vector<std::string>& v) {
    *this << static_cast<int>(v.size());
    for (const auto& s : v) *this << s;
    return *this;
  }
  // As PostgreSQL's bigint holds it.
  std::int64_t value() const { return static_cast<std::int64_t>(h_); }

 private:
  static constexpr std::string_view kNone = "\xff none";  // no field of a record is these bytes
  std::uint64_t h_;
};

std::int64_t fingerprint(const BeatdownRecord& b, const MessageIssues* issues) {
  Fingerprint f;
  f << b.channel_id << b.ts << b.ao_channel_id << b.ao_name << b.bd_date << b.q_user_id << b.q_name << b.coq_user_ids
    << b.coq_names << b.pax_count << b.derived_count << b.fng_count << b.fng_names << b.title << b.parse_status
    << null_if_empty(b.edited_ts) << static_cast<int>(b.attendees.size());
  for (const auto& a : b.attendees) f << a.user_id << a.name << to_string(a.role);
  const size_t n = issues ? issues->issues.size() : 0;
  f << static_cast<int>(n);
  for (size_t i = 0; i < n; ++i) {
    const auto& x = issues->issues[i];
    f << to_string(x.severity) << x.field << x.reason << x.line;
  }
  return f.value();
}

}  // namespace

void RegionWriter::for_each_message_to_derive(bool everything, const std::function<void(const StoredMessage&)>& fn) {
  impl_->close_stream();
  everything = everything || impl_->direct;  // direct mode tracks no keys: the region was empty
  StepTimer step("derive: read and parse candidates");
  impl_->everything = everything;
  // Everything (a reparse): no other writer may change a message between this read and the
  // commit, or its beatdown would be written as the message read before the change. The lock
  // waits for writers under way (an event, a sync page) and holds new ones until the commit;
  // readers go on. Other derivations need none: they derive what they merged, whose rows their
  // merge holds.
  if (everything) impl_->tx.exec("LOCK TABLE " + impl_->t("messages") + " IN SHARE MODE");
  const std::string from =
      everything ? impl_->t("messages") + " m" : impl_->t("messages") + " m JOIN derive_keys k USING (channel_id, ts)";
  auto rows = impl_->tx.exec(
      "SELECT m.channel_id, m.ts, m.text, coalesce(m.subtype, ''), coalesce(m.edited_ts, ''), m.deleted, "
      "coalesce((m.raw->'blocks')::text, ''), coalesce((m.raw->'metadata')::text, '') FROM " +
      from + " WHERE " + kMayBeBackblast + " ORDER BY m.channel_id, m.ts");
  StoredMessage s;
  for (const auto& row : rows) {
    s.channel_id = row[0].c_str();
    s.ts = row[1].c_str();
    s.text = row[2].c_str();
    s.subtype = row[3].c_str();
    s.edited_ts = row[4].c_str();
    s.deleted = row[5].as<bool>();
    s.blocks = row[6].c_str();
    s.metadata = row[7].c_str();
    fn(s);
  }
}

std::optional<std::set<Key>> RegionWriter::derivation_scope() {
  if (impl_->everything || impl_->direct) return std::nullopt;
  std::set<Key> out;
  for (const auto& r : impl_->tx.exec("SELECT channel_id, ts FROM derive_keys"))
    out.emplace(r[0].c_str(), r[1].c_str());
  return out;
}

long RegionWriter::replace_derived(const std::vector<BeatdownRecord>& beatdowns,
                                   const std::vector<MessageIssues>& issues) {
  impl_->close_stream();
  StepTimer step("derive: write");
  auto& tx = impl_->tx;
  const bool whole = impl_->everything;
  const std::string scope = whole ? "" : " JOIN derive_keys k USING (channel_id, ts)";

  // What is stored for the messages derived: each beatdown's fingerprint (none: written before
  // fingerprints, or by hand), and the messages with parse issues but no beatdown.
  std::map<Key, std::optional<std::int64_t>> stored;
  for (const auto& r : tx.exec("SELECT channel_id, ts, derived_hash FROM " + impl_->t("beatdowns") + scope))
    stored.emplace(Key{r[0].c_str(), r[1].c_str()}, r[2].is_null() || impl_->rewrite_all
                                                        ? std::nullopt
                                                        : std::optional<std::int64_t>(r[2].as<std::int64_t>()));
  std::set<Key> gone;  // messages whose stored rows go (changed, or no longer derived)
  for (const auto& r : tx.exec("SELECT DISTINCT channel_id, ts FROM " + impl_->t("parse_issues") + " p" + scope +
                               " WHERE NOT EXISTS (SELECT 1 FROM " + impl_->t("beatdowns") +
                               " b WHERE b.channel_id = p.channel_id AND b.ts = p.ts)"))
    gone.emplace(r[0].c_str(), r[1].c_str());

  // What the parser made of them, against it.
  std::map<Key, const MessageIssues*> issues_of;
  for (const auto& m : issues) issues_of[{m.channel_id, m.ts}] = &m;
  std::vector<std::pair<const BeatdownRecord*, std::int64_t>> write;  // with its fingerprint
  std::set<Key> derived;
  for (const auto& b : beatdowns) {
    Key key{b.channel_id, b.ts};
    const auto i = issues_of.find(key);
    const std::int64_t f = fingerprint(b, i == issues_of.end() ? nullptr : i->second);
    const auto s = stored.find(key);
    if (s == stored.end() || s->second != f) write.emplace_back(&b, f);
    if (s != stored.end() && s->second != f) gone.insert(key);
    derived.insert(std::move(key));
  }
  for (const auto& [key, f] : stored)
    if (!derived.count(key)) gone.insert(key);
  std::vector<const MessageIssues*> loose;  // issues of a message with no beatdown: always written
  for (const auto& m : issues)
    if (!derived.count({m.channel_id, m.ts})) loose.push_back(&m);
  if (write.empty() && gone.empty() && loose.empty()) {  // as stored: nothing to write
    tx.exec("TRUNCATE derive_keys");
    return 0;
  }

  // Many changes (a first import, a parser that reads things differently): everything is written
  // again in bulk. The foreign keys and secondary indexes come off for the COPY (row-by-row key
  // checks took 6 of a reparse's 8 s) and go back on after it, each validated or built in one
  // pass. A few changes: the changed rows are replaced in place. Either way in this transaction:
  // a reader sees the old rows or the new ones.
  const bool bulk = whole && (write.size() + gone.size()) * 5 > beatdowns.size() + stored.size();
  long changed = static_cast<long>(gone.size());
  for (const auto& [b, f] : write) changed += !gone.count({b->channel_id, b->ts});
  changed += static_cast<long>(loose.size());
  Rebuild rebuild;
  if (bulk) {
    write.clear();
    for (const auto& b : beatdowns) {
      const auto i = issues_of.find({b.channel_id, b.ts});
      write.emplace_back(&b, fingerprint(b, i == issues_of.end() ? nullptr : i->second));
    }
    rebuild = rebuild_of(tx, impl_->region);
    for (const auto& sql : rebuild.drop) tx.exec(sql);
    tx.exec("TRUNCATE " + impl_->t("attendance") + ", " + impl_->t("parse_issues") + ", " + impl_->t("beatdowns"));
  } else if (!gone.empty()) {
    tx.exec("TRUNCATE derive_keys");
    {
      pqxx::stream_to s(tx, "derive_keys");
      for (const auto& key : gone) s << key;
      s.complete();
    }
    // Attendance first and explicitly: the same statements whatever keys are on.
    for (const char* table : {"attendance", "parse_issues", "beatdowns"})
      tx.exec("DELETE FROM " + impl_->t(table) +
              " x USING derive_keys k WHERE x.channel_id = k.channel_id AND x.ts = k.ts");
  }
  if (!write.empty()) {
    pqxx::stream_to s(
        tx, impl_->t("beatdowns"),
        std::vector<std::string>{"channel_id", "ts", "ao_channel_id", "ao_name", "bd_date", "q_user_id", "q_name",
                                 "coq_user_ids", "coq_names", "pax_count", "derived_count", "fng_count", "fng_names",
                                 "title", "parse_status", "edited_ts", "derived_hash"});
    for (const auto& [b, f] : write)
      s << std::make_tuple(b->channel_id, b->ts, b->ao_channel_id, b->ao_name, b->bd_date, b->q_user_id, b->q_name,
                           text_array(b->coq_user_ids), text_array(b->coq_names), b->pax_count, b->derived_count,
                           b->fng_count, text_array(b->fng_names), b->title, b->parse_status,
                           null_if_empty(b->edited_ts), f);
    s.complete();
    // A Q said the people named are the count (db/backblast_fixes): so it stays, version after version.
    tx.exec("UPDATE " + impl_->t("beatdowns") + " b SET pax_count = b.derived_count FROM " + impl_->t("count_choices") +
            " c WHERE c.use_names AND c.channel_id = b.channel_id AND c.ts = b.ts "
            "AND b.pax_count IS DISTINCT FROM b.derived_count");
  }
  if (!write.empty()) {
    pqxx::stream_to s(tx, impl_->t("attendance"),
                      std::vector<std::string>{"channel_id", "ts", "user_id", "name", "role"});
    for (const auto& [b, f] : write)
      for (const auto& a : b->attendees)
        s << std::make_tuple(b->channel_id, b->ts, a.user_id, a.name, std::string(to_string(a.role)));
    s.complete();
  }
  std::vector<const MessageIssues*> issues_written = loose;
  for (const auto& [b, f] : write)
    if (const auto i = issues_of.find({b->channel_id, b->ts}); i != issues_of.end())
      issues_written.push_back(i->second);
  if (!issues_written.empty()) {
    pqxx::stream_to s(tx, impl_->t("parse_issues"),
                      std::vector<std::string>{"channel_id", "ts", "severity", "field", "reason", "line"});
    for (const auto* m : issues_written)
      for (const auto& i : m->issues)
        s << std::make_tuple(m->channel_id, m->ts, std::string(to_string(i.severity)), i.field, i.reason,
                             i.line ? std::optional<int>(i.line) : std::nullopt);
    s.complete();
  }
  {
    StepTimer keys("derive: indexes and keys back");
    for (const auto& sql : rebuild.create) tx.exec(sql);
  }
  tx.exec("TRUNCATE derive_keys");
  // After a bulk write the planner's statistics are stale (autovacuum gets there later): without
  // them it estimates a year of posts at a few rows and the report queries take nested loops.
  if (bulk || write.size() >= 500) {
    StepTimer analyze("derive: analyze");
    for (const char* table : {"beatdowns", "attendance", "users", "channels"}) tx.exec("ANALYZE " + impl_->t(table));
  }
  return changed;
}

void RegionWriter::rewrite_all() { impl_->rewrite_all = true; }

void RegionWriter::mark_backblast_channels() {
  impl_->close_stream();
  // Looked for first: an UPDATE of no row still moves the posts version (a statement trigger).
  const std::string where = " WHERE NOT is_backblast_channel AND EXISTS (SELECT 1 FROM " + impl_->t("beatdowns") +
                            " b WHERE b.ao_channel_id = c.channel_id)";
  if (impl_->tx.exec("SELECT 1 FROM " + impl_->t("channels") + " c" + where + " LIMIT 1").empty()) return;
  impl_->tx.exec("UPDATE " + impl_->t("channels") + " c SET is_backblast_channel = true" + where);
}

}  // namespace paxstats::db
