// The training loop: SGD (momentum, Nesterov, weight decay) or Adam; cross-entropy, MSE or BCE;
// per-epoch train / validation / test loss and accuracy, seconds and gradient norm. A NaN or
// infinite loss ends the run as `diverged` at that epoch; a stop request (Ctrl-C) as `interrupted`.
#pragma once
#include <torch/nn/modules/container/sequential.h>

#include <torch/optim/optimizer.h>

#include <atomic>
#include <memory>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "initlab/spec.hpp"  // parse_seed: a TrainConfig's seed as typed
#include "store/records.hpp"
#include "train/train_config.hpp"

namespace initlab::lab {


// Checks every field; throws Error naming the flag and the valid values.
void validate(const TrainConfig& config);
// Checks that the loss fits the data: ce needs class labels, bce targets in [0, 1] (else its
// losses are negative and meaningless). Throws Error naming --loss. train_model calls it; a
// planner can call it before anything trains.
void check_loss(const TrainConfig& config, const DataSplits& data);

// The optimizer train_model steps: SGD or Adam with one parameter group per learning rate
// (--lr times each parameter's TrainConfig::lr_multipliers entry).
std::unique_ptr<torch::optim::Optimizer> make_optimizer(torch::nn::Sequential& model, const TrainConfig& config);
// The loss train_model uses for this data (automatic: ce for classes, mse for regression), and
// a batch's mean loss under it.
Loss resolved_loss(const TrainConfig& config, const DataSplits& data);
torch::Tensor batch_loss(Loss loss, const torch::Tensor& out, const torch::Tensor& y, const DataSplits& data);

struct RunOutcome {
  RunStatus status = RunStatus::done;  // done | diverged | interrupted
  int diverged_epoch = 0;
  std::vector<EpochMetrics> epochs;
  // Lines for a person, each said once per run: e.g. that a last batch of one sample, which
  // BatchNorm cannot train on, was merged into the batch before it.
  std::vector<std::string> notes;
};

class TrainingMonitor;

// With a monitor, every step it says is due is observed (train/monitor.hpp); the numbers of the
// run are the same with or without one. With BatchNorm in the model, a last batch of one sample is
// merged into the batch before it (said in RunOutcome::notes). An error inside LibTorch is thrown
// as std::runtime_error with its first line only (no C++ backtrace).
RunOutcome train_model(torch::nn::Sequential& model, const DataSplits& data, const TrainConfig& config,
                       const std::function<void(const EpochMetrics&)>& on_epoch, const std::atomic<bool>* stop,
                       TrainingMonitor* monitor = nullptr);

}  // namespace initlab::lab
