// Training throughput of the lab's loop on the seed-mlp setup (784-128-10 ReLU, SGD lr 0.01,
// batch 64, Fashion-MNIST, torch_default init): median samples/s over epochs, one JSON line.
// bench/run_train_bench.sh runs the same model in PyTorch from Python in the same run.
// Usage: initlab_train_bench [--threads N] [--epochs E] [--autograd 1] (autograd + torch::optim instead of the
// fused step) [--monitor-every K] (the training monitor every K steps)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "experiments/experiment.hpp"
#include "initlab/torch/apply.hpp"
#include "train/monitor.hpp"
#include "train/runtime.hpp"

int main(int argc, char** argv) {
  int threads = 0, epochs = 3, autograd = 0, monitor_every = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--threads") threads = std::atoi(argv[i + 1]);
    else if (a == "--epochs") epochs = std::atoi(argv[i + 1]);
    else if (a == "--autograd") autograd = std::atoi(argv[i + 1]);
    else if (a == "--monitor-every") monitor_every = std::atoi(argv[i + 1]);
    else { std::fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
  }
  using namespace initlab::lab;
  configure_runtime(threads);
  DataOptions data_options;
  data_options.val_fraction = 0;
  DataSplits data = load_data("fashion-mnist", data_options);
  data.test = {};  // time the training loop only
  auto model = build_model("mlp:784-128-10", data, {});
  initlab::libtorch::apply_plan(*model, initlab::libtorch::make_plan("torch_default", "", {}, initlab::GeneratorKind::philox, 0));
  TrainConfig config;
  config.epochs = epochs;
  config.fused = autograd == 0;
  std::vector<double> seconds;
  std::optional<TrainingMonitor> monitor;
  if (monitor_every > 0) monitor.emplace(model, monitor_every);
  train_model(model, data, config, [&](const EpochMetrics& m) { seconds.push_back(m.seconds); }, nullptr, monitor ? &*monitor : nullptr);
  std::sort(seconds.begin(), seconds.end());
  const double s = seconds[seconds.size() / 2];
  std::printf("{\"impl\":\"%s\",\"monitor_every\":%d,", autograd ? "initlab-autograd" : "initlab", monitor_every);
  std::printf("\"samples_per_s\":%.1f,\"epoch_s\":%.3f}\n", static_cast<double>(data.train.size()) / s, s);
  return 0;
}
