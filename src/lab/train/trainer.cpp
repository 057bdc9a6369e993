#include "train/trainer.hpp"

#include <torch/torch.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "initlab/error.hpp"
#include "initlab/number_text.hpp"
#include "models/models.hpp"
#include "models/script_net.hpp"
#include "train/error_line.hpp"
#include "train/fused_mlp.hpp"
#include "train/monitor.hpp"

namespace initlab::lab {
namespace {

// Batches whose shuffled rows are gathered in one index_select (fewer, larger copies).
constexpr std::int64_t kChunkBatches = 64;
// The epoch's gradient norm is the mean over every 4th step (steps 0, 4, 8, ...): an unbiased
// sample of the per-step norms at a quarter of the cost.
constexpr std::int64_t kGradNormEvery = 4;

struct Evaluation {
  double loss = 0, accuracy = 0;
};

torch::Tensor loss_of(Loss loss, const torch::Tensor& out, const torch::Tensor& y, const DataSplits& d) {
  // A class per step (N, steps, classes): the mean cross-entropy over every step of every sample.
  if (d.per_step) return torch::nn::functional::cross_entropy(out.flatten(0, 1), y.flatten());
  if (loss == Loss::ce) return torch::nn::functional::cross_entropy(out, y);
  if (loss == Loss::mse) {
    if (d.task == Task::classification)
      return torch::mse_loss(out, torch::one_hot(y, d.num_classes).to(out.scalar_type()));
    return torch::mse_loss(out, y);
  }
  // bce: one logit per class (one-hot targets) or per regression output in [0, 1]
  const torch::Tensor target = d.task == Task::classification ? torch::one_hot(y, d.num_classes).to(out.scalar_type()) : y;
  return torch::binary_cross_entropy_with_logits(out, target);
}

// The batch's correct predictions (a 0-d float64 tensor, so the training loop reads it once per
// epoch). A class per step: each sample counts the fraction of its steps right, leaving out steps
// whose target is the blank class (the copy task's waiting steps; the loss covers them).
torch::Tensor accuracy_sum(const torch::Tensor& out, const torch::Tensor& y, const DataSplits& d) {
  if (d.task != Task::classification) return torch::zeros({}, torch::dtype(torch::kFloat64).device(out.device()));
  if (!d.per_step) return out.argmax(1).eq(y).sum().to(torch::kFloat64);
  const torch::Tensor scored = d.blank_class >= 0 ? y.ne(d.blank_class) : torch::ones_like(y, torch::kBool);
  const torch::Tensor right = out.argmax(2).eq(y).logical_and(scored).sum(1).to(torch::kFloat64);
  return (right / scored.sum(1).clamp_min(1).to(torch::kFloat64)).sum();
}

double accuracy_count(const torch::Tensor& out, const torch::Tensor& y, const DataSplits& d) { return accuracy_sum(out, y, d).item<double>(); }

Evaluation evaluate(torch::nn::Sequential& model, const Dataset& set, Loss loss, const DataSplits& d,
                    const torch::Device& device) {
  torch::NoGradGuard no_grad;
  model->eval();
  Evaluation e;
  const std::int64_t n = set.size();
  for (std::int64_t i = 0; i < n; i += 1000) {
    const auto x = set.x.slice(0, i, std::min(n, i + 1000)).to(device);
    const auto y = set.y.slice(0, i, std::min(n, i + 1000)).to(device);
    const auto out = model->forward(x);
    e.loss += loss_of(loss, out, y, d).item<double>() * static_cast<double>(x.size(0));
    e.accuracy += accuracy_count(out, y, d);
  }
  model->train();
  e.loss /= static_cast<double>(n);
  e.accuracy /= static_cast<double>(n);
  return e;
}

// Where the batches of an epoch start and end: batch s is [s * batch, s * batch + batch), except
// that a last batch of one sample is merged into the one before when `merge_lone` (BatchNorm cannot
// train on one sample: "Expected more than 1 value per channel").
struct Batches {
  std::int64_t n = 0, batch = 1, steps = 0;
  bool merged = false;
  Batches(std::int64_t n_, std::int64_t batch_, bool merge_lone) : n(n_), batch(batch_) {
    steps = (n + batch - 1) / batch;
    merged = merge_lone && steps > 1 && n % batch == 1;
    if (merged) --steps;
  }
  std::int64_t begin(std::int64_t s) const { return s * batch; }
  std::int64_t end(std::int64_t s) const { return s + 1 == steps ? n : std::min(n, (s + 1) * batch); }
};

bool has_batchnorm(torch::nn::Sequential& model) {
  if (ScriptNetImpl* s = script_net_of(model)) {
    for (const auto& m : s->script().modules())
      if (m.type()->name() && m.type()->name()->qualifiedName().find("BatchNorm") != std::string::npos) return true;
    return false;
  }
  for (const auto& m : model->modules(/*include_self=*/false))
    if (m->name().find("BatchNorm") != std::string::npos) return true;
  return false;
}

void draw_progress(int epoch, int epochs, std::int64_t done, std::int64_t total, double loss) {
  const int width = 30;
  const int filled = static_cast<int>(width * done / std::max<std::int64_t>(total, 1));
  std::fprintf(stderr, "\r  epoch %d/%d [%s%s] %3d%% loss %.4f", epoch, epochs, std::string(filled, '#').c_str(),
               std::string(width - filled, '.').c_str(), static_cast<int>(100 * done / std::max<std::int64_t>(total, 1)), loss);
  std::fflush(stderr);
}

}  // namespace

// One parameter group per learning rate: --lr times each parameter's multiplier (μP), in the
// order of model->parameters() within a group.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(torch::nn::Sequential& model, const TrainConfig& c) {
  std::map<std::string, double> multiplier(c.lr_multipliers.begin(), c.lr_multipliers.end());
  std::map<double, std::vector<torch::Tensor>> groups;
  for (const auto& item : model->named_parameters(/*recurse=*/true)) {
    const auto it = multiplier.find(item.key());
    groups[it == multiplier.end() ? 1.0 : it->second].push_back(item.value());
  }
  std::vector<torch::optim::OptimizerParamGroup> param_groups;
  for (auto& [scale, params] : groups) {
    const double lr = c.lr * scale;
    if (c.optimizer == Optimizer::adam)
      param_groups.emplace_back(params, std::make_unique<torch::optim::AdamOptions>(torch::optim::AdamOptions(lr).weight_decay(c.weight_decay)));
    else
      param_groups.emplace_back(params, std::make_unique<torch::optim::SGDOptions>(
                                            torch::optim::SGDOptions(lr).momentum(c.momentum).nesterov(c.nesterov).weight_decay(c.weight_decay)));
  }
  if (c.optimizer == Optimizer::adam) return std::make_unique<torch::optim::Adam>(param_groups, torch::optim::AdamOptions(c.lr).weight_decay(c.weight_decay));
  return std::make_unique<torch::optim::SGD>(
      param_groups, torch::optim::SGDOptions(c.lr).momentum(c.momentum).nesterov(c.nesterov).weight_decay(c.weight_decay));
}

torch::Tensor batch_loss(Loss loss, const torch::Tensor& out, const torch::Tensor& y, const DataSplits& data) {
  return loss_of(loss, out, y, data);
}

Loss resolved_loss(const TrainConfig& config, const DataSplits& data) {
  if (config.loss != Loss::automatic) return config.loss;
  return data.task == Task::classification ? Loss::ce : Loss::mse;
}

void validate(const TrainConfig& c) {
  if (!(c.lr > 0) || !std::isfinite(c.lr)) throw Error("--lr " + number_text(c.lr) + " is invalid; expected a positive number");
  if (!(c.momentum >= 0 && c.momentum < 1)) throw Error("--momentum " + number_text(c.momentum) + " is out of range; expected [0, 1)");
  if (c.nesterov && c.momentum == 0) throw Error("--nesterov needs --momentum > 0");
  if (!(c.weight_decay >= 0) || !std::isfinite(c.weight_decay))
    throw Error("--weight-decay " + number_text(c.weight_decay) + " is invalid; expected a finite number >= 0");
  if (!(c.clip_norm >= 0) || !std::isfinite(c.clip_norm))
    throw Error("--clip-norm " + number_text(c.clip_norm) + " is invalid; expected a finite number >= 0 (0: no clipping)");
  if (c.batch < 1) throw Error("--batch " + std::to_string(c.batch) + " is invalid; expected >= 1");
  if (c.epochs < 1) throw Error("--epochs " + std::to_string(c.epochs) + " is invalid; expected >= 1");
  if (c.device == Device::cuda && !torch::cuda::is_available())
    throw Error("--device cuda: this LibTorch has no CUDA or no GPU is visible; use --device cpu");
}

void check_loss(const TrainConfig& config, const DataSplits& data) {
  if (data.per_step && config.loss != Loss::ce && config.loss != Loss::automatic)
    throw Error(std::string("--loss ") + (config.loss == Loss::mse ? "mse" : "bce") +
                ": this data has a class per time step (the copy task), trained with cross-entropy; use --loss ce (the default)");
  if (config.loss == Loss::ce && data.task != Task::classification)
    throw Error("--loss ce needs class labels; this data is a regression task (use --loss mse)");
  if (config.loss == Loss::bce && data.task == Task::regression) {
    double low = 0, high = 1;
    bool any = false;
    for (const Dataset* d : {&data.train, &data.val, &data.test}) {
      if (d->size() == 0) continue;
      const double lo = d->y.min().item<double>(), hi = d->y.max().item<double>();
      low = any ? std::min(low, lo) : lo;
      high = any ? std::max(high, hi) : hi;
      any = true;
    }
    if (any && !(low >= 0 && high <= 1)) {
      char range[64];
      std::snprintf(range, sizeof range, "%.4g to %.4g", low, high);
      throw Error(std::string("--loss bce needs regression targets in [0, 1]; this data's targets range from ") + range +
                  " (use --loss mse)");
    }
  }
}

namespace {

RunOutcome train(torch::nn::Sequential& model, const DataSplits& data, const TrainConfig& config,
                 const std::function<void(const EpochMetrics&)>& on_epoch, const std::atomic<bool>* stop, TrainingMonitor* monitor) {
  validate(config);
  check_loss(config, data);
  const Loss loss = resolved_loss(config, data);
  const bool batchnorm = has_batchnorm(model);
  if (batchnorm && config.batch < 2)
    throw Error("--batch " + std::to_string(config.batch) + " is too small for BatchNorm; expected --batch >= 2 (it normalizes over the batch)");
  if (batchnorm && data.train.size() < 2)
    throw Error("BatchNorm needs batches of at least 2 samples; the data leaves " + std::to_string(data.train.size()) + " training sample");
  const torch::Device device(config.device == Device::cuda ? torch::kCUDA : torch::kCPU);
  model->to(device);
  model->train();
  auto shuffle = at::detail::createCPUGenerator(config.seed);
  set_dropout_generator(*model, at::detail::createCPUGenerator(config.seed));  // the run's own: no process-wide RNG
  // A file: model's dropout draws from LibTorch's default generator: seeded with the run's seed
  // (a process trains one run at a time).
  if (script_net_of(model)) torch::manual_seed(config.seed);
  auto fused = config.fused ? FusedMlp::make(model, config, loss) : nullptr;
  auto optimizer = fused ? nullptr : make_optimizer(model, config);
  const auto params = model->parameters();
  RunOutcome outcome;
  const std::int64_t n = data.train.size();
  const Batches batches(n, config.batch, batchnorm);
  const std::int64_t steps = batches.steps;
  if (batches.merged)
    outcome.notes.push_back("BatchNorm cannot train on a batch of one sample: the last sample of each epoch joins the batch before it (" +
                            std::to_string(n) + " samples: " + std::to_string(steps - 1) + " batches of " + std::to_string(config.batch) +
                            " and one of " + std::to_string(config.batch + 1) + ")");
  std::int64_t global_step = 0;
  for (int epoch = 1; epoch <= config.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    const auto order = torch::randperm(n, shuffle, torch::kInt64);
    double loss_sum = 0;
    // Accumulated as tensors and read once per epoch: no extra synchronization per step.
    torch::Tensor correct = torch::zeros({}, torch::dtype(torch::kFloat64).device(device));
    torch::Tensor grad_norm_sum = torch::zeros({}, torch::dtype(torch::kFloat32).device(device));
    std::vector<torch::Tensor> grads;
    std::int64_t grad_norm_samples = 0;
    bool diverged = false;
    torch::Tensor chunk_x, chunk_y;  // the shuffled rows of kChunkBatches batches, gathered at once
    for (std::int64_t s = 0; s < steps; ++s) {
      if (stop && stop->load()) {
        outcome.status = RunStatus::interrupted;
        if (config.progress) std::fprintf(stderr, "\n");
        return outcome;
      }
      const std::int64_t chunk_start = s - s % kChunkBatches;
      if (s == chunk_start) {
        const auto index = order.slice(0, batches.begin(s), batches.end(std::min(steps, s + kChunkBatches) - 1));
        chunk_x = data.train.x.index_select(0, index).to(device);
        chunk_y = data.train.y.index_select(0, index).to(device);
      }
      const std::int64_t first = batches.begin(s) - batches.begin(chunk_start), last = batches.end(s) - batches.begin(chunk_start);
      const auto x = chunk_x.slice(0, first, last);
      const auto y = chunk_y.slice(0, first, last);
      const bool watched = monitor && monitor->due(global_step);
      torch::Tensor out, l;
      if (fused) {
        if (watched) monitor->forward(x, global_step, epoch, /*with_grad=*/false);  // no dropout or BatchNorm here: no side effects
        l = fused->step(x, y);
        out = fused->logits();
      } else {
        optimizer->zero_grad();
        out = watched ? monitor->forward(x, global_step, epoch, /*with_grad=*/true) : model->forward(x);
        l = loss_of(loss, out, y, data);
      }
      const double lv = l.item<double>();
      if (!std::isfinite(lv)) {
        diverged = true;
        break;
      }
      if (!fused) l.backward();
      if (s % kGradNormEvery == 0 || watched) {
        grads.clear();
        if (fused) grads = fused->gradients();
        else
          for (const auto& p : params) grads.push_back(p.grad());
      }
      if (s % kGradNormEvery == 0) {
        std::vector<torch::Tensor> defined;
        for (const auto& g : grads)
          if (g.defined()) defined.push_back(g);
        if (!defined.empty()) grad_norm_sum += at::linalg_vector_norm(at::stack(at::_foreach_norm(defined)));
        ++grad_norm_samples;
      }
      if (watched) monitor->gradients(grads, fused ? fused->output_gradients() : std::vector<torch::Tensor>{});
      if (config.clip_norm > 0) torch::nn::utils::clip_grad_norm_(params, config.clip_norm);  // after the statistics: they show the raw gradient
      if (fused) fused->apply_update();
      else optimizer->step();
      if (watched) monitor->after_update();
      ++global_step;
      loss_sum += lv * static_cast<double>(x.size(0));
      if (data.task == Task::classification) correct += accuracy_sum(out.detach(), y, data);
      if (config.progress && (s % 20 == 0 || s + 1 == steps)) draw_progress(epoch, config.epochs, s + 1, steps, lv);
    }
    if (config.progress) std::fprintf(stderr, "\r%80s\r", "");
    if (diverged) {
      outcome.status = RunStatus::diverged;
      outcome.diverged_epoch = epoch;
      return outcome;
    }
    EpochMetrics m;
    m.epoch = epoch;
    m.train_loss = loss_sum / static_cast<double>(n);
    m.train_acc = correct.item<double>() / static_cast<double>(n);
    m.grad_norm = grad_norm_sum.item<double>() / static_cast<double>(std::max<std::int64_t>(grad_norm_samples, 1));
    if (data.val.size() > 0) {
      const auto e = evaluate(model, data.val, loss, data, device);
      m.val_loss = e.loss;
      m.val_acc = e.accuracy;
    }
    if (data.test.size() > 0) {
      const auto e = evaluate(model, data.test, loss, data, device);
      m.test_loss = e.loss;
      m.test_acc = e.accuracy;
    }
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!std::isfinite(m.train_loss) || (m.test_loss && !std::isfinite(*m.test_loss))) {
      outcome.status = RunStatus::diverged;
      outcome.diverged_epoch = epoch;
      return outcome;
    }
    outcome.epochs.push_back(m);
    if (on_epoch) on_epoch(m);
  }
  return outcome;
}

}  // namespace

RunOutcome train_model(torch::nn::Sequential& model, const DataSplits& data, const TrainConfig& config,
                       const std::function<void(const EpochMetrics&)>& on_epoch, const std::atomic<bool>* stop,
                       TrainingMonitor* monitor) {
  try {
    return train(model, data, config, on_epoch, stop, monitor);
  } catch (const c10::Error& e) {  // one line, never LibTorch's C++ backtrace
    throw std::runtime_error("LibTorch: " + error_line(e));
  }
}

}  // namespace initlab::lab
