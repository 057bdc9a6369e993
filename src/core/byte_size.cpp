#include "initlab/byte_size.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "initlab/error.hpp"

namespace initlab {

std::uint64_t parse_byte_size(std::string_view text, std::string_view flag) {
  const auto refuse = [&] {
    const std::string shown(text.substr(0, 40));
    return Error((flag.empty() ? std::string() : std::string(flag) + " ") + "'" + shown + (text.size() > 40 ? "...'" : "'") +
                 " is not a size; expected a number with a unit B, K, M, G or T (powers of 1024), e.g. 512M or 16G");
  };
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc()) throw refuse();
  std::string unit(ptr, text.data() + text.size());
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() == 3 && unit.ends_with("IB")) unit.resize(1);
  else if (unit.size() == 2 && unit.back() == 'B') unit.resize(1);
  static constexpr std::string_view kUnits = "BKMGT";
  const std::size_t power = unit.size() == 1 ? kUnits.find(unit[0]) : std::string_view::npos;
  if (power == std::string_view::npos) throw refuse();
  const double bytes = value * std::pow(1024.0, static_cast<double>(power));
  if (!(bytes >= 1) || !(bytes < 1.8e19)) throw refuse();
  return static_cast<std::uint64_t>(bytes);
}

std::string bytes_text(double bytes) {
  static const char* const kNames[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) bytes /= 1024, ++u;
  char buf[48];
  if (u == 0) std::snprintf(buf, sizeof buf, "%.0f bytes", bytes);
  else std::snprintf(buf, sizeof buf, "%.3g %s", bytes, kNames[u]);
  return buf;
}

namespace {

// A "Key:   1234 kB" line of a /proc file, in bytes; 0 when it is not there.
std::uint64_t proc_bytes(const char* path, const std::string& wanted) {
  std::ifstream in(path);
  for (std::string key; in >> key;) {
    std::uint64_t kib = 0;
    if (key == wanted && in >> kib) return kib * 1024;
    in.ignore(1 << 10, '\n');
  }
  return 0;
}

}  // namespace

std::uint64_t available_memory() {
  std::uint64_t bytes = proc_bytes("/proc/meminfo", "MemAvailable:");
  if (bytes == 0) {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    bytes = pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) : std::uint64_t{4} << 30;
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    // The address space left under the limit: what the process has mapped already (its libraries,
    // LibTorch's among them) counts against it.
    const std::uint64_t mapped = proc_bytes("/proc/self/status", "VmSize:");
    const std::uint64_t left = limit.rlim_cur > mapped ? limit.rlim_cur - mapped : 0;
    bytes = std::min<std::uint64_t>(bytes, left);
  }
  return bytes;
}

}  // namespace initlab
