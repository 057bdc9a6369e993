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

// Why PATH cannot be read as a file (`folder` false) or a folder (`folder` true), or "" when it can:
// "does not exist" / "is a folder; expected a file" / "is not a regular file (a pipe, device or
// socket); expected a file" / "is not a folder" / "cannot be read: REASON" (a symbolic-link loop, a
// name longer than the file system allows, a permission on a folder above). Symbolic links are followed.
inline constexpr const char* kPathDoesNotExist = "does not exist";
inline std::string input_path_problem(const std::filesystem::path& path, bool folder) {
  std::error_code ec;
  const auto type = std::filesystem::status(path, ec).type();
  if (type == std::filesystem::file_type::not_found) return kPathDoesNotExist;
  if (ec) return "cannot be read: " + ec.message();
  if (folder) return type == std::filesystem::file_type::directory ? "" : "is not a folder";
  if (type == std::filesystem::file_type::directory) return "is a folder; expected a file";
  if (type != std::filesystem::file_type::regular) return "is not a regular file (a pipe, device or socket); expected a file";
  return "";
}

// Throws Error "WHAT 'PATH' PROBLEM" (input_path_problem) or "WHAT: an empty path; expected a file
// name" (a folder). `what` names the input ("model file", "CSV file"); the path is quoted as a short
// excerpt.
inline void require_input_path(const std::filesystem::path& path, const std::string& what, bool folder) {
  if (path.empty()) throw Error(what + ": an empty path; expected a " + (folder ? "folder" : "file name"));
  const std::string problem = input_path_problem(path, folder);
  if (!problem.empty()) throw Error(what + " '" + excerpt(path.string()) + "' " + problem);
}
inline void require_input_file(const std::filesystem::path& path, const std::string& what) { require_input_path(path, what, false); }
inline void require_input_folder(const std::filesystem::path& path, const std::string& what) { require_input_path(path, what, true); }

}  // namespace initlab
