#include "print_summary.hpp"

#include <fmt/core.h>

namespace initlab::cli {

void print_summary(const lab::ExperimentSummary& s) {
  const bool acc = s.higher_is_better;
  if (s.experiment_id > 0) fmt::print("\nexperiment {}: final {} over seeds (mean +- 95% CI), ranked\n", s.experiment_id, s.metric);
  else fmt::print("\neach init at its tuned value: final {} over seeds (mean +- 95% CI), ranked\n", s.metric);
  fmt::print("{:<4} {:<34} {:>22} {:>10} {:>16} {:>9} {:>5}\n", "rank", "init", s.metric, "best ep",
             acc ? "ep to 95% best" : "ep to 105% best", "diverged", "runs");
  int rank = 0;
  for (const auto& i : s.ranked) {
    ++rank;
    const std::string value = i.finished == 0 ? "-"
                              : i.ci_half     ? fmt::format("{:.4f} +- {:.4f}", i.mean, *i.ci_half)
                                              : fmt::format("{:.4f} (n=1)", i.mean);
    const std::string to_target = i.epochs_to_target ? fmt::format("{:.1f} ({}/{})", *i.epochs_to_target, i.reached_target, i.finished)
                                                     : fmt::format("never (0/{})", i.finished);
    fmt::print("{:<4} {:<34} {:>22} {:>10} {:>16} {:>9} {:>5}\n", rank, i.init, value,
               i.finished ? fmt::format("{:.1f}", i.best_epoch) : "-", to_target, i.diverged, i.runs);
  }
  fmt::print("target for 'epochs to': {:.4f} ({} of the best {} of any run)\n", s.target, acc ? "95%" : "105%", s.metric);
  if (!s.pairs.empty()) {
    fmt::print("\npairwise differences of the final {} (paired t-test on shared seeds, else Welch; p Holm-corrected over {} pairs; "
               "significant at p_holm < 0.05):\n",
               s.metric, s.pairs.size());
    for (const auto& p : s.pairs) {
      if (p.test.empty()) {
        fmt::print("  {} vs {}: too few seeds to tell (need >= 2 finished runs each; use --seeds)\n", p.a, p.b);
        continue;
      }
      const std::string power = p.seeds_for_80 ? fmt::format("~{} seeds for 80% power", *p.seeds_for_80) : "no spread";
      fmt::print("  {} vs {}: {:+.4f} [{:+.4f}, {:+.4f}], {} n={}, t = {:.2f}, p = {:.3g}, p_holm = {:.3g}, d = {:.2f} -> {} ({})\n", p.a,
                 p.b, p.difference, p.ci_lo, p.ci_hi, p.test, p.n, p.t, p.p, p.p_holm, p.effect,
                 p.significant ? "significant" : "not significant", power);
    }
  }
  fmt::print("\n{}\n", s.headline);
}

}  // namespace initlab::cli
