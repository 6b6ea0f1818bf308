#pragma once
// Internal to export/: a value as a dataset file writes it.
#include <cstdint>
#include <string>
#include <string_view>

namespace paxstats::dataset {

// A field as PostgreSQL's COPY … (FORMAT csv) writes it: quoted when empty (an empty string is
// not NULL, which is nothing) or when it holds a comma, a quote or a line break; quotes doubled.
// A text a spreadsheet would run as a formula gets a ' before it (paxstats::formula_like).
void append_copy_csv(std::string& out, std::string_view v);

// A timestamptz (microseconds since 2000-01-01 UTC) as the export writes it: 2026-10-01T14:03:00Z
// (to the second, as to_char's HH24:MI:SS).
void append_iso(std::string& out, std::int64_t micros);

}  // namespace paxstats::dataset
