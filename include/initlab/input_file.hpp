// Files initlab reads (data, sweep files, results databases, TorchScript models) are regular files,
// and data folders are folders.
// Anything else is refused in one line before it is opened: opening a pipe with no writer (a FIFO,
// /dev/stdin, `<(...)`) blocks forever, and a device such as /dev/zero never ends.
#pragma once
#include <filesystem>
#include <string>
#include <system_error>

#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"

namespace initlab {

// Throws Error "WHAT 'PATH' does not exist" / "... is a folder; expected a file" / "... is not a
// regular file (a pipe, device or socket); expected a file" / "... cannot be read: REASON" (a
// symbolic-link loop, a permission on a folder above) / "WHAT: an empty path; expected a file name".
// `what` names the input ("model file", "CSV file"); symbolic links are followed; the path is quoted
// as a short excerpt.
inline void require_input_file(const std::filesystem::path& path, const std::string& what) {
  const std::string named = what + " '" + excerpt(path.string()) + "'";
  if (path.empty()) throw Error(what + ": an empty path; expected a file name");
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) throw Error(named + " does not exist");
  if (ec) throw Error(named + " cannot be read: " + ec.message());
  if (status.type() == std::filesystem::file_type::directory) throw Error(named + " is a folder; expected a file");
  if (status.type() != std::filesystem::file_type::regular)
    throw Error(named + " is not a regular file (a pipe, device or socket); expected a file");
}

// The same for a folder of data: "WHAT 'PATH' does not exist" / "... is not a folder" / "... cannot be
// read: REASON" (a name longer than the file system allows, a symbolic-link loop).
inline void require_input_folder(const std::filesystem::path& path, const std::string& what) {
  const std::string named = what + " '" + excerpt(path.string()) + "'";
  if (path.empty()) throw Error(what + ": an empty path; expected a folder");
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) throw Error(named + " does not exist");
  if (ec) throw Error(named + " cannot be read: " + ec.message());
  if (status.type() != std::filesystem::file_type::directory) throw Error(named + " is not a folder");
}

}  // namespace initlab
