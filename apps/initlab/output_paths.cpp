#include "output_paths.hpp"

#include <climits>
#include <filesystem>
#include <system_error>

#include "initlab/error.hpp"

namespace initlab::cli {
namespace {

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  if (std::filesystem::exists(a, ec) && std::filesystem::exists(b, ec)) {
    const bool same = std::filesystem::equivalent(a, b, ec);
    if (!ec) return same;
  }
  const auto ca = std::filesystem::weakly_canonical(a, ec);
  if (ec) return a.lexically_normal() == b.lexically_normal();
  const auto cb = std::filesystem::weakly_canonical(b, ec);
  if (ec) return a.lexically_normal() == b.lexically_normal();
  return ca == cb;
}

std::string path_problem(const std::string& value) {
  if (value.empty()) return "an empty path; expected a file name";
  if (value.size() > PATH_MAX)  // and no error message echoes it whole
    return "a path of " + std::to_string(value.size()) + " characters ('" + value.substr(0, 40) + "...'); expected at most " +
           std::to_string(PATH_MAX);
  return "";
}

}  // namespace

CLI::Validator non_empty_path() {
  return CLI::Validator([](std::string& value) { return path_problem(value); }, "PATH");
}

CLI::Validator output_path() {
  return CLI::Validator(
      [](std::string& value) {
        if (std::string problem = path_problem(value); !problem.empty()) return problem;
        const std::filesystem::path path(value);
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) return "'" + value + "' is a folder; expected a file name";
        const std::filesystem::path folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
        if (!std::filesystem::exists(folder, ec)) return "'" + value + "': the folder '" + folder.string() + "' does not exist";
        if (!std::filesystem::is_directory(folder, ec)) return "'" + value + "': '" + folder.string() + "' is not a folder";
        return std::string();
      },
      "PATH");
}

void refuse_overwriting_input(const std::string& flag, const std::string& out,
                              const std::vector<std::pair<std::string, std::string>>& inputs) {
  if (out.empty()) throw Error(flag + " is an empty path; expected a file name");
  for (const auto& [label, input] : inputs) {
    if (input.empty()) continue;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      if (same_file(out, input + suffix))
        throw Error(flag + " '" + out + "' is the " + label + " '" + input + suffix +
                    "'; writing there would destroy it: choose another output file");
  }
}

}  // namespace initlab::cli
