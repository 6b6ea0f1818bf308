#pragma once
#include <span>
#include <string_view>

namespace paxstats {

// A file compiled into the binary (SQL migrations, templates) by cmake/EmbedFiles.cmake.
// Both views point at static storage and live for the whole program.
struct EmbeddedFile {
  std::string_view name;  // basename, e.g. "0001_control.sql"
  std::string_view bytes;
};

}  // namespace paxstats
