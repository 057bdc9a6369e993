// Harness: sweep files (parse_sweep_text, expand_grid, count_runs, parse_number_range;
// docs/fuzzing.md). Torch-free. Checked on a file that parses: inits non-empty and distinct,
// seeds in range, every setting has a value, count_runs = points x inits x seeds, and
// expand_grid lists exactly the points (expanded only when there are at most 20000 of them).
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "experiments/sweep_file.hpp"
#include "fuzz_common.hpp"

using initlab::fuzz::clean;
using initlab::fuzz::finding;
namespace lab = initlab::lab;

namespace {

std::uint64_t saturating(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return std::numeric_limits<std::uint64_t>::max();
  return a * b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 16) return -1;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (size <= 300)
    clean([&] {
      const auto values = lab::parse_number_range(text);
      if (values.empty() || values.size() > 10000) finding("parse_number_range gave " + std::to_string(values.size()) + " values");
    });
  lab::SweepFile sweep;
  if (!clean([&] { sweep = lab::parse_sweep_text(text, "fuzz.toml"); })) return 0;
  if (sweep.inits.empty()) finding("a sweep file without inits parsed");
  if (std::set<std::string>(sweep.inits.begin(), sweep.inits.end()).size() != sweep.inits.size()) finding("repeated inits parsed");
  if (sweep.seeds < 1 || sweep.seeds > 1000) finding("seeds = " + std::to_string(sweep.seeds) + " parsed");
  std::uint64_t points = 1;
  for (const auto& s : sweep.settings) {
    if (s.values.empty()) finding("setting '" + s.key + "' parsed with no value");
    points = saturating(points, s.values.size());
  }
  for (const auto& t : sweep.tune) {
    bool axis = false;
    for (const auto& s : sweep.settings) axis = axis || (s.key == t && s.values.size() >= 2);
    if (!axis) finding("tune key '" + t + "' is not an axis of two or more values");
  }
  const std::uint64_t runs = lab::count_runs(sweep);
  if (runs != saturating(points, saturating(sweep.inits.size(), static_cast<std::uint64_t>(sweep.seeds))))
    finding("count_runs disagrees with points x inits x seeds");
  if (points <= 20000) {
    std::vector<lab::GridPoint> grid;
    if (!clean([&] { grid = lab::expand_grid(sweep); })) finding("expand_grid refused a grid of " + std::to_string(points) + " points");
    if (grid.size() != points) finding("expand_grid listed " + std::to_string(grid.size()) + " of " + std::to_string(points) + " points");
    std::set<lab::GridPoint> distinct(grid.begin(), grid.end());
    bool repeated_values = false;
    for (const auto& s : sweep.settings)
      repeated_values = repeated_values || std::set<std::string>(s.values.begin(), s.values.end()).size() != s.values.size();
    if (!repeated_values && distinct.size() != grid.size()) finding("expand_grid listed a point twice");
  } else if (points > lab::kMaxGridPoints) {
    if (clean([&] { lab::expand_grid(sweep); })) finding("expand_grid listed more than kMaxGridPoints points");
  }
  return 0;
}
