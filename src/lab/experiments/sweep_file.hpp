// Sweep files: `initlab sweep FILE.toml` reads a grid of training runs from one flat TOML table
// (Hydra multirun / W&B sweeps: the grid is data). This parses and checks the file, keeps every
// value as a canonical string, and expands the grid; it trains nothing and needs no LibTorch.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace initlab::lab {

enum class SweepValueType { string, number, integer, boolean, string_list };

// One key a sweep file may hold. `axis`: a list of values makes it a grid axis. Integer keys
// accept min..max (for other types both are 0).
struct SweepKey {
  const char* name;
  SweepValueType type;
  bool axis;
  const char* help;
  std::int64_t min = 0;
  std::int64_t max = 0;
};
// Every key, in the order help text and "expected one of" list them.
const std::vector<SweepKey>& sweep_keys();

// A grid-able key as the file gives it: one value is fixed, several are a grid axis. Values are
// canonical strings: numbers as initlab::number_text writes them, integers in decimal, booleans
// "true"/"false", strings as given. `line`: the key's line (1-based).
struct SweepSetting {
  std::string key;
  std::vector<std::string> values;
  int line = 0;
};

struct SweepFile {
  std::string path;                    // as given; only for messages
  std::string name;                    // the `name` key; empty when absent
  std::vector<SweepSetting> settings;  // every grid-able key given, in file order
  std::vector<std::string> overrides;  // PATTERN=SPEC, applied to every run
  std::vector<std::string> inits;      // the compared inits (required, non-empty, distinct)
  int inits_line = 0;
  int seeds = 1;                       // seeds per (grid point, init), 1..1000
  std::uint64_t first_seed = 0;        // runs use first_seed, first_seed + 1, ...
  int monitor_every = 0;               // > 0: the training monitor every K steps
  std::vector<std::string> tune;       // grid keys chosen per init (each an axis of >= 2 values)
};

// Throws initlab::Error "PATH:LINE: ..." naming the offending key or value's line; a TOML syntax
// error as "PATH:LINE:COL: <toml++'s description>"; a missing `inits` as "PATH: 'inits' is required".
SweepFile parse_sweep_text(std::string_view text, const std::string& path);
// Reads the file (at most 1 MiB); a missing or unreadable file is an Error naming it.
SweepFile parse_sweep_file(const std::string& path);

// (key, value) for every setting, in file order.
using GridPoint = std::vector<std::pair<std::string, std::string>>;
// The cartesian product of the settings, the first key varying slowest; one empty point when the
// file sets no grid key. Throws when the grid has more than kMaxGridPoints points.
constexpr std::uint64_t kMaxGridPoints = 1'000'000;  // a plan to be listed and stored, not a search space
std::vector<GridPoint> expand_grid(const SweepFile& sweep);
// Grid points x inits x seeds, computed without expanding; saturates at UINT64_MAX.
std::uint64_t count_runs(const SweepFile& sweep);

// "logspace(A,B,N)": N values from A to B, geometric (A, B > 0); "linspace(A,B,N)": arithmetic.
// value_i = exp(log A + i (log B - log A) / (N - 1)) or A + i (B - A) / (N - 1), rounded to 15
// significant digits (linspace(0,1,11) holds 0.3, not 0.30000000000000004); the first is exactly A,
// the last exactly B, and N = 1 gives A. N is a whole number 1..10000; spaces around the parts are allowed. Iterative
// (no regex); text over 200 characters is refused. Throws initlab::Error naming what was expected.
std::vector<double> parse_number_range(std::string_view text);

}  // namespace initlab::lab
