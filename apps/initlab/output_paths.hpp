// Output paths on the command line: never empty, never one of the command's inputs (a report
// written over its own results database destroys the results).
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

namespace initlab::cli {

// A CLI11 check: the value is a non-empty path ("--db ''" would otherwise mean SQLite's
// temporary database, which vanishes at exit) of at most PATH_MAX characters.
CLI::Validator non_empty_path();
// non_empty_path() for a file the command writes: not a folder, and its folder exists (checked
// when the flag is read, before any work: `sweep --db /missing/x.db` must not plan and train first).
CLI::Validator output_path();

// Throws Error when `out` (given with `flag`) is the same file as one of `inputs` (a label and a
// path each; a database's -wal / -shm / -journal files count as the database). Symlinks and
// hard links are seen through; files that do not exist yet are compared by canonical path.
void refuse_overwriting_input(const std::string& flag, const std::string& out,
                              const std::vector<std::pair<std::string, std::string>>& inputs);

}  // namespace initlab::cli
