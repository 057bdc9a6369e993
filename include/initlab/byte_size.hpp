// Sizes of memory as people write them on the command line and read them in messages: one
// syntax for every --max-memory, one formatter, and what this machine can give a process now.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace initlab {

// "512K", "64M", "16G", "1.5T", "100B" (powers of 1024; "MB" and "MiB" read the same as "M").
// A bare number is refused (it was GB on some commands and bytes on others): the unit is
// required. Throws Error "<flag> '<text>' is not a size; expected ..." naming `flag` (if any).
std::uint64_t parse_byte_size(std::string_view text, std::string_view flag);

// "3.81 MiB", "1.5 GiB", "900 bytes" (powers of 1024, three significant digits).
std::string bytes_text(double bytes);

// Bytes this process can allocate now: the kernel's MemAvailable (else all physical memory),
// and no more than what an address-space limit (ulimit -v) leaves after what is mapped already.
std::uint64_t available_memory();

}  // namespace initlab
