// CLI11 checks shared by several commands' options.
#pragma once
#include <CLI/CLI.hpp>

namespace initlab::cli {

// --seed: a decimal integer from 0 to 2^64 - 1, rewritten in canonical decimal (CLI11 alone reads
// -1 and 2^64 as 2^64 - 1, and 010 as 8).
CLI::Validator seed_value();

// --limit N (train, compare, coordcheck): a number of training samples >= 0 (0: all); a negative
// one is refused, not read as "everything".
CLI::Validator sample_limit();

// A 64-bit count (--batch): CLI11 alone reads a number past 2^63 - 1 as 2^63 - 1; here it is refused
// naming the limit. Range checks of what a count may be stay with the command.
CLI::Validator int64_text();

// --max-memory SIZE (every command that allocates by a user's numbers): 512M, 16G, 1.5T
// (initlab/byte_size.hpp), rewritten as a count of bytes.
CLI::Validator byte_size();

}  // namespace initlab::cli
