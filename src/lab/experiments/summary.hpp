// The summary of a stored experiment, computed from the database's records only: per init the
// final metric over seeds (mean +- 95% CI), convergence speed and divergence; per pair of inits
// a paired t-test on the seeds both finished (same seed: same data order and random streams),
// Welch's test where they share fewer than two seeds, Holm's correction over the family, an
// effect size and the seeds needed to detect the observed difference; and a headline in words.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace initlab::lab {

class ResultStore;

struct InitSummary {
  std::string init;
  int runs = 0, finished = 0, diverged = 0, failed = 0;
  std::vector<double> final_metric;              // per finished run, in run order
  std::map<std::uint64_t, double> final_by_seed; // the same, by seed (for pairing)
  double mean = 0;
  std::optional<double> ci_half;
  double best_epoch = 0;              // mean over finished runs of the epoch with the best metric
  std::optional<double> epochs_to_target;  // mean over runs that reached 95% of the experiment's best
  int reached_target = 0;
};

struct PairComparison {
  std::string a, b;                  // a ranks above b
  std::string test;                  // "paired" | "welch" | "" (too few seeds)
  int n = 0;                         // pairs (paired), or the smaller group (welch)
  double difference = 0;             // a - b (mean of per-seed differences when paired)
  double ci_lo = 0, ci_hi = 0;       // 95% CI of the difference
  double t = 0, dof = 0, p = 1;
  double p_holm = 1;                 // Holm-Bonferroni over every tested pair of the experiment
  double effect = 0;                 // Cohen's d_z (paired) or d (welch)
  std::optional<int> seeds_for_80;   // seeds needed to detect this difference at 80% power, from the observed spread
  bool significant = false;          // p_holm < 0.05
};

struct ExperimentSummary {
  std::int64_t experiment_id = 0;
  std::string metric;        // "test accuracy" | "test loss" | "validation accuracy" | ...
  bool higher_is_better = true;
  double target = 0;         // 95% of the best (accuracy) or 105% of the best (loss)
  std::vector<InitSummary> ranked;
  std::vector<PairComparison> pairs;
  std::string headline;      // what the numbers support, in words
  int failed_runs = 0;
  bool interrupted = false;
};

// Which metric judges a run: test (when the runs have a test split), else validation, else
// training; accuracy for classification, loss for regression.
enum class MetricSplit { automatic, validation, test };

ExperimentSummary summarize_experiment(ResultStore& store, std::int64_t experiment_id, MetricSplit split = MetricSplit::automatic);
// The same from records already read (runs of one experiment, with their epochs).
ExperimentSummary summarize_runs(const std::vector<RunRecord>& runs, bool classification, MetricSplit split = MetricSplit::automatic);

// The last-epoch value of the judged metric, or nullopt when the split has none.
std::optional<double> metric_of(const EpochMetrics& m, bool classification, MetricSplit split);

}  // namespace initlab::lab
