#pragma once
// Folders paxstats writes for people to open (the dashboard's static export, a run's --outbox,
// the dataset export): every file name joined to its folder and checked to stay inside it, and
// a folder replaced only when paxstats made it.
#include <filesystem>
#include <string>
#include <string_view>

namespace paxstats::files {

// The name of the file in every folder paxstats writes: its mark that the folder is paxstats's
// to replace.
inline constexpr std::string_view kMarker = ".paxstats-output";

// `name` (a relative path such as "pax/U0123.html") joined to `dir`. Throws UserError when the
// name is empty, absolute, holds a NUL or a ".." part, or would lead outside `dir` in any way:
// names built from ids in the data never reach another folder.
std::filesystem::path inside(const std::filesystem::path& dir, std::string_view name);

// The folder a command was told to write, made absolute and normal ("DIR/" and "DIR" alike).
// Throws UserError (exit 2) for a folder paxstats must not replace or fill: the file-system root,
// the current directory or one that holds it, a file, or an existing folder that holds
// something and no marker (paxstats did not make it).
std::filesystem::path checked_output_dir(const std::filesystem::path& dir, std::string_view flag);

// Writes the marker into `dir`, so a later run may replace or refill it.
void mark(const std::filesystem::path& dir, std::string_view what);

// A folder written as a whole: files go into work(), a fresh sibling folder; commit() puts it in
// place of the old one (which checked_output_dir allowed), so the folder is never half-written
// and nothing of an earlier run is left beside the new one. Without commit() the work is removed.
class ReplacedFolder {
 public:
  ReplacedFolder(const std::filesystem::path& dir, std::string_view flag, std::string_view what);
  ~ReplacedFolder();
  ReplacedFolder(const ReplacedFolder&) = delete;
  ReplacedFolder& operator=(const ReplacedFolder&) = delete;

  const std::filesystem::path& work() const { return work_; }
  const std::filesystem::path& target() const { return target_; }
  // A file of the folder being written (checked as inside() checks).
  std::filesystem::path file(std::string_view name) const { return inside(work_, name); }
  void commit();

 private:
  std::filesystem::path target_, work_;
  bool committed_ = false;
};

}  // namespace paxstats::files
