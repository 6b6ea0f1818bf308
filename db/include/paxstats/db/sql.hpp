#pragma once
// Raw SQL on a connection. For db/'s own sources, tests, benchmarks and administration only:
// mining, reports, slack and the service use db/'s typed functions, and do not include this.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "paxstats/db/database.hpp"

namespace paxstats::db {

// One row of a generic query: each column as text, NULL as nullopt.
using Row = std::vector<std::optional<std::string>>;
using Params = std::vector<std::optional<std::string>>;

namespace sql {

// Runs one parameterised statement ($1, $2, … bound to params; never interpolated) and returns
// every row. One statement is atomic by itself: it runs in autocommit.
std::vector<Row> query(Database& db, std::string_view sql, const Params& params = {});

// The first column of the first row, or nullopt when there is no row or it is NULL.
std::optional<std::string> value(Database& db, std::string_view sql, const Params& params = {});

// Runs a script of one or more statements (no parameters) in one transaction.
void script(Database& db, std::string_view sql);

// Runs one statement outside any transaction (CREATE DATABASE, DROP DATABASE, VACUUM).
void autocommit(Database& db, std::string_view sql);

}  // namespace sql
}  // namespace paxstats::db
