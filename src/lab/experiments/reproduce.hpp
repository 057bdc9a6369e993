// `initlab reproduce`: the classic results of initialization research as verified experiments.
// Each reproduction states its paper's claim and the criteria that decide it (fixed here, in the
// code, before any number is seen), runs a small-scale version through the lab's own code
// (propagate, compare), measures over seeds with 95% confidence intervals, and gives a verdict:
// reproduced (every criterion met), not reproduced (one is not), or inconclusive (too few seeds
// for the statistics a criterion needs).
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "experiments/events.hpp"
#include "experiments/scheduler.hpp"

namespace initlab::lab {

enum class ReproMode { quick, full };
const char* to_string(ReproMode m);

struct ReproOptions {
  ReproMode mode = ReproMode::quick;
  int seeds = 0;        // 0: the mode's default
  // A negative control: the contrasted settings exchanged (e.g. He's init in Xavier's place and
  // Xavier's in He's). A sound reproduction must then not say "reproduced".
  bool swap = false;
  std::string db = "initlab-results.db";  // training parts are stored (and resumed) here
  std::string command;                    // recorded with the training parts
  ScheduleOptions schedule;               // --jobs for the training parts
  RunEvents* events = nullptr;            // training progress (absent: none)
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::string&)> progress;  // "propagating: xavier_normal, seed 2 of 3"
};

// One quantity over seeds: its per-seed values, mean and 95% CI.
struct Measured {
  std::string name;  // "xavier_normal: log2 variance ratio, layer 30 / layer 1"
  std::vector<double> values;
  double mean = 0;
  std::optional<double> half;  // 95% CI half-width (none for one seed)
  std::optional<double> theory;  // the prediction beside it, where there is one
};
Measured measure(std::string name, std::vector<double> values, std::optional<double> theory = std::nullopt);

enum class Outcome { met, not_met, undecided };
const char* to_string(Outcome o);

struct Criterion {
  std::string text;      // the rule, fixed in code: "He's test accuracy exceeds Xavier's by more than 20 points, paired p < 0.01"
  std::string measured;  // what it was decided on: "+61.2 points [58.1, 64.3], p = 0.0004 (3 pairs)"
  Outcome outcome = Outcome::undecided;
};

// A line of a figure: measurements (with their CI where there is one) or a theory curve.
struct Series {
  std::string name;
  bool theory = false;
  std::vector<double> x, y;
  std::vector<std::optional<double>> half;  // empty, or one per point
};
struct Figure {
  std::string title, caption, x_label, y_label;
  bool log_x = false, log_y = false;
  std::vector<Series> series;
};

struct ReproResult {
  std::string name, paper, claim;
  ReproMode mode = ReproMode::quick;
  int seeds = 0;
  bool swapped = false;
  std::vector<std::pair<std::string, std::string>> setup;  // every hyperparameter, in words
  std::vector<Criterion> criteria;
  std::vector<Measured> measured;
  std::vector<Figure> figures;
  std::vector<std::int64_t> experiments;  // training parts, by id in the results database
  std::vector<std::string> notes;  // what the numbers leave out: runs that diverged or failed (pairs use the seeds every init finished)
  std::string verdict;  // reproduced | not reproduced | inconclusive
  std::string reason;   // why, in one sentence
  double seconds = 0;
};

struct ReproModeInfo {
  int seeds = 3;
  std::string time;  // measured on the 2-core reference machine (docs/reproductions.md)
  std::string scale; // what is smaller than the paper, said plainly
};

struct Reproduction {
  std::string name, paper, claim;
  ReproModeInfo quick, full;
  int min_seeds = 2;  // fewer: inconclusive
  // Fills the result's setup, criteria (with outcomes), measurements, figures and experiments.
  std::function<void(const ReproOptions&, int seeds, ReproResult&)> run;
};

const std::vector<Reproduction>& reproductions();
// Throws Error naming the reproduction and listing the known ones.
const Reproduction& find_reproduction(const std::string& name);

// Reproduced when every criterion is met, not reproduced when one is not met, inconclusive with
// fewer than `min_seeds` seeds or an undecided criterion (and none not met).
std::pair<std::string, std::string> decide(const std::vector<Criterion>& criteria, int seeds, int min_seeds);

// Runs one reproduction (seeds checked: 1 .. 1000) and decides its verdict. Throws Error for a
// bad option before anything runs; "interrupted" when `stop` ends it.
ReproResult reproduce(const Reproduction& r, const ReproOptions& options);

// {"kind": "reproduction", name, paper, claim, mode, seeds, swapped, setup, criteria, measured,
// figures, experiments, verdict, reason, seconds}: `--json`, the results store, the report.
nlohmann::json reproduction_json(const ReproResult& r);
nlohmann::json reproduction_config_json(const ReproResult& r);

// Text helpers shared by the reproductions.
std::string ci_text(const Measured& m, int digits = 3);  // "0.8512 +- 0.0123 (n = 3)"

}  // namespace initlab::lab
