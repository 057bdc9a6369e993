#include "print_events.hpp"

#include <fmt/core.h>

namespace initlab::cli {

std::string ConsoleEvents::prefix(const lab::PlannedRun& run) const {
  return concurrent_ ? fmt::format("  [{} seed {}]", run.spec.init, run.spec.seed) : std::string(" ");
}

void ConsoleEvents::skipped(const lab::PlannedRun& run, std::size_t index, std::size_t total, lab::RunStatus status,
                            const std::string& owner) {
  if (status == lab::RunStatus::running)
    fmt::print(stderr, "[{}/{}] {} seed {}: being trained by {}, skipped\n", index, total, run.spec.init, run.spec.seed, owner);
  else if (!quiet_)
    fmt::print(stderr, "[{}/{}] {} seed {}: {} earlier, skipped\n", index, total, run.spec.init, run.spec.seed, lab::to_string(status));
}

void ConsoleEvents::started(const lab::PlannedRun& run, std::size_t index, std::size_t total) {
  if (!quiet_) fmt::print(stderr, "[{}/{}] {} seed {}\n", index, total, run.spec.init, run.spec.seed);
}

void ConsoleEvents::note(const lab::PlannedRun& run, const std::string& line) {
  if (!quiet_) fmt::print(stderr, "{}{}\n", concurrent_ ? prefix(run) : "", line);
}

void ConsoleEvents::warning(const lab::PlannedRun& run, const std::string& message) {
  fmt::print(stderr, "{}  warning: {}\n", concurrent_ ? prefix(run) : "", message);  // under --quiet too
}

void ConsoleEvents::epoch(const lab::PlannedRun& run, const lab::EpochMetrics& m) {
  if (quiet_) return;
  std::string line = fmt::format("{} epoch {:2d}  train loss {:.4f} acc {:.4f}", prefix(run), m.epoch, m.train_loss, m.train_acc);
  if (m.val_loss) line += fmt::format("  val loss {:.4f} acc {:.4f}", *m.val_loss, *m.val_acc);
  if (m.test_loss) line += fmt::format("  test loss {:.4f} acc {:.4f}", *m.test_loss, *m.test_acc);
  fmt::print(stderr, "{}  |g| {:.3g}  {:.1f}s\n", line, m.grad_norm, m.seconds);
}

void ConsoleEvents::finished(const lab::PlannedRun& run, const lab::RunResult& result) {
  const std::string who = fmt::format("{} seed {}", run.spec.init, run.spec.seed);
  if (result.status == lab::RunStatus::failed)  // said under --quiet too: the summary alone would not say why
    fmt::print(stderr, "  {} failed: {}\n", who, result.error);
  else if (result.status == lab::RunStatus::diverged && !quiet_)
    fmt::print(stderr, "  {} diverged at epoch {}\n", who, result.diverged_epoch);
}

}  // namespace initlab::cli
