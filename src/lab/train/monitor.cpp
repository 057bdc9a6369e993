#include "train/monitor.hpp"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <optional>
#include <stdexcept>

#include "initlab/error.hpp"
#include "models/recurrent_unroll.hpp"
#include "models/script_net.hpp"
#include "models/script_taps.hpp"


namespace initlab::lab {
namespace {

constexpr int kStatsPerLayer = 11;  // act mean, std, dead, saturated; weight mean, std, norm; grad std, norm, back-propagated std; update ratio

bool has_units(const std::string& activation) { return !activation.empty() && activation != "linear"; }

std::string g(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

}  // namespace

TrainingMonitor::TrainingMonitor(torch::nn::Sequential& model, int every, int bins) : model_(model), every_(every), bins_(bins) {
  script_ = script_net_of(model_);
  if (script_) {
    tapped_ = std::make_shared<TappedModule>(script_->script());
    return;
  }
  stages_ = stages_of(model_);
  std::vector<ProbedLayer> layers;
  for (const auto& s : stages_)
    if (s.kind == StageKind::weighted) layers.push_back({s.name, "", {}, {}, s.weights});
  watch(layers);
  recurrent_layer_ = has_recurrent_layer(model_);
}

void TrainingMonitor::watch(const std::vector<ProbedLayer>& layers) {
  const auto params = model_->parameters();
  for (const auto& l : layers) {
    Watched w;
    w.name = l.name.empty() ? "(model)" : l.name;  // a file: model that calls no submodule is one layer, itself
    for (const auto& [name, t] : l.weights) {
      w.weights.push_back(t);
      for (std::size_t i = 0; i < params.size(); ++i)
        if (params[i].unsafeGetTensorImpl() == t.unsafeGetTensorImpl()) w.param_index.push_back(i);
    }
    if (!w.weights.empty()) layers_.push_back(std::move(w));
  }
  histogram("init");
}

void TrainingMonitor::watch_recurrent(const torch::Tensor& x) {
  torch::AutoGradMode grad_on(true);  // its own graph, from the weights before this step's update
  const Unrolled u = unroll_recurrent(model_, x);
  const StepRms r = gradient_through_time(model_, u, static_cast<std::uint64_t>(step_));
  // NaN when nothing reaches the last step (a zero output layer): no ratio, no warning.
  const double grad_ratio = r.grad.back() > 0 ? r.grad.front() / r.grad.back() : std::nan("");
  const double hidden_ratio = r.hidden.front() > 0 ? r.hidden.back() / r.hidden.front() : std::nan("");
  for (const auto& b : gate_spectra(u))
    recurrent_.push_back({step_, epoch_, u.name, b.gate, b.spectral_radius, b.max_singular, b.min_singular, grad_ratio, hidden_ratio});
  LayerSnapshot where;
  where.step = step_, where.epoch = epoch_, where.layer = u.name;
  const std::string steps = std::to_string(u.hidden.size());
  if (std::isnan(grad_ratio)) return;
  if (grad_ratio < kVanishingThroughTime)
    warn(where, "vanishing_through_time",
         "the gradient reaching step 1 is " + g(grad_ratio) + " x the last step's over " + steps + " steps (below " + g(kVanishingThroughTime) +
             ": vanishing gradients through time)");
  else if (grad_ratio > kExplodingThroughTime)  // an infinite gradient at step 1 over a finite last one is an infinite ratio
    warn(where, "exploding_through_time",
         "the gradient reaching step 1 is " + g(grad_ratio) + " x the last step's over " + steps + " steps (above " + g(kExplodingThroughTime) +
             ": exploding gradients through time)");
}

torch::Tensor TrainingMonitor::flat_weights(const Watched& w) const {
  if (w.weights.size() == 1) return w.weights[0].detach().reshape(-1);  // a view when contiguous: callers that keep it clone
  std::vector<torch::Tensor> flat;
  for (const auto& t : w.weights) flat.push_back(t.detach().flatten());
  return torch::cat(flat);
}

torch::Tensor TrainingMonitor::forward(const torch::Tensor& x, std::int64_t step, int epoch, bool with_grad) {
  step_ = step;
  epoch_ = epoch;
  pending_.clear();
  activation_.clear();
  if (recurrent_layer_) watch_recurrent(x);
  std::optional<torch::NoGradGuard> no_grad;
  if (!with_grad) no_grad.emplace();
  ProbedForward f;
  if (script_) {
    tapped_->module().train(script_->script().is_training());  // the clone has its own mode
    try {
      f = probed_forward(*tapped_, script_->input(x), /*retain_pre_grad=*/with_grad);
    } catch (const Error& e) {  // the model failed on this batch: this run fails, not the experiment
      throw std::runtime_error(e.what());
    }
    if (layers_.empty()) watch(f.layers);
  } else {
    f = probed_forward(stages_, x, /*retain_pre_grad=*/with_grad);
  }
  outputs_.clear();
  for (const auto& l : f.layers) outputs_.push_back(l.pre);
  torch::NoGradGuard stats;
  // Statistics in the tensors' own precision (ATen reduces float with cascaded sums).
  for (std::size_t l = 0; l < layers_.size() && l < f.layers.size(); ++l) {
    const torch::Tensor a = f.layers[l].act.detach();
    activation_.push_back(f.layers[l].activation);
    pending_.push_back(a.mean());
    pending_.push_back(a.numel() > 1 ? a.std(/*unbiased=*/false) : torch::zeros({}, a.options()));
    pending_.push_back(dead_fraction(a));
    pending_.push_back(saturated_fraction(f.layers[l].activation, a));
    layers_[l].before = flat_weights(layers_[l]).clone();
    const torch::Tensor& w = layers_[l].before;
    pending_.push_back(w.mean());
    pending_.push_back(w.std(/*unbiased=*/false));
    pending_.push_back(w.norm());
  }
  return f.output;
}

void TrainingMonitor::gradients(const std::vector<torch::Tensor>& grads, const std::vector<torch::Tensor>& output_grads) {
  torch::NoGradGuard no_grad;
  for (auto& w : layers_) {
    std::vector<torch::Tensor> flat;
    for (std::size_t i : w.param_index)
      flat.push_back(i < grads.size() && grads[i].defined() ? grads[i].detach().flatten() : torch::zeros({w.weights[0].numel()}, w.weights[0].options()));
    const torch::Tensor gr = flat.size() == 1 ? flat[0] : torch::cat(flat);
    pending_.push_back(gr.std(/*unbiased=*/false));
    pending_.push_back(gr.norm());
  }
  // The back-propagated gradient: d loss / d (each layer's output), retained by forward.
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const torch::Tensor g = l < output_grads.size()                        ? output_grads[l]
                            : l < outputs_.size() && outputs_[l].defined() ? outputs_[l].grad()
                                                                           : torch::Tensor();
    pending_.push_back(g.defined() && g.numel() > 1 ? g.detach().std(/*unbiased=*/false)
                                                    : torch::full({}, std::nan(""), layers_[l].weights[0].options()));
  }
  outputs_.clear();
}

void TrainingMonitor::after_update() {
  torch::NoGradGuard no_grad;
  for (auto& w : layers_) pending_.push_back((flat_weights(w) - w.before).norm() / w.before.norm());
  // Layout of pending_: per layer 7 (forward), then per layer 2 (gradients), per layer 1 (the
  // back-propagated gradient), then per layer 1 (the update).
  const std::size_t n = layers_.size();
  if (pending_.size() != n * kStatsPerLayer) return;  // a step that was not observed whole
  for (auto& t : pending_) t = t.to(torch::kFloat64);
  const torch::Tensor all = torch::stack(pending_).cpu();
  const auto v = all.accessor<double, 1>();
  const std::size_t first = snapshots_.size();
  for (std::size_t l = 0; l < n; ++l) {
    LayerSnapshot s;
    s.step = step_;
    s.epoch = epoch_;
    s.layer = layers_[l].name;
    const std::size_t f = 7 * l, gi = 7 * n + 2 * l, b = 9 * n + l, u = 10 * n + l;
    s.act_mean = v[f];
    s.act_std = v[f + 1];
    s.dead = v[f + 2];
    s.saturated = v[f + 3];
    s.weight_mean = v[f + 4];
    s.weight_std = v[f + 5];
    s.weight_norm = v[f + 6];
    s.grad_std = v[gi];
    s.grad_norm = v[gi + 1];
    s.grad_pre_std = v[b];
    s.update_ratio = s.weight_norm > 0 ? v[u] : std::nan("");
    snapshots_.push_back(s);
  }
  pending_.clear();
  check(first);
}

void TrainingMonitor::warn(const LayerSnapshot& s, const std::string& kind, const std::string& message) {
  if (!warned_.insert({s.layer, kind}).second) return;
  MonitorWarning w{s.step, s.epoch, s.layer, kind,
                   s.layer + ": " + message + " (step " + std::to_string(s.step) + ", epoch " + std::to_string(s.epoch) + ")"};
  warnings_.push_back(w);
  if (on_warning) on_warning(warnings_.back());
}

void TrainingMonitor::check(std::size_t first) {
  const std::size_t n = snapshots_.size() - first;
  if (n == 0) return;
  const LayerSnapshot& last = snapshots_.back();
  for (std::size_t l = 0; l < n; ++l) {
    const LayerSnapshot& s = snapshots_[first + l];
    const bool units = l < activation_.size() && has_units(activation_[l]);
    if (l + 1 < n && last.grad_norm > 0 && s.grad_norm < kVanishingGradientRatio * last.grad_norm)
      warn(s, "vanishing_gradients",
           "gradient norm " + g(s.grad_norm) + " is below " + g(kVanishingGradientRatio) + " x " + last.layer + "'s " + g(last.grad_norm) +
               " (vanishing gradients)");
    if (!std::isfinite(s.grad_norm) || (l + 1 < n && last.grad_norm > 0 && s.grad_norm > kExplodingGradientRatio * last.grad_norm))
      warn(s, "exploding_gradients",
           "gradient norm " + g(s.grad_norm) + " is above " + g(kExplodingGradientRatio) + " x " + last.layer + "'s " + g(last.grad_norm) +
               " (exploding gradients)");
    else if (std::isfinite(s.update_ratio) && s.update_ratio > kExplodingUpdateRatio)
      warn(s, "exploding_gradients",
           "an update " + g(s.update_ratio) + " x the weights' norm (above " + g(kExplodingUpdateRatio) + ": exploding updates)");
    const LayerSnapshot& input_layer = snapshots_[first];
    if (units && l > 0 && input_layer.act_std > 0 && s.act_std < kVanishingActivationRatio * input_layer.act_std)
      warn(s, "vanishing_activations",
           "activation std " + g(s.act_std) + " is below " + g(kVanishingActivationRatio) + " x " + input_layer.layer + "'s " +
               g(input_layer.act_std) + " (the signal fades with depth)");
    if (units && s.dead > kDeadFraction)
      warn(s, "dead_units", g(100 * s.dead) + "% of the units are zero for the whole batch (above " + g(100 * kDeadFraction) + "%)");
    if (units && s.saturated > kSaturatedFraction)
      warn(s, "saturation", g(100 * s.saturated) + "% of the unit-sample pairs are saturated, |phi'| < 0.01 (above " +
                                g(100 * kSaturatedFraction) + "%)");
  }
}

void TrainingMonitor::histogram(const std::string& stage) {
  torch::NoGradGuard no_grad;
  for (const auto& w : layers_) {
    const torch::Tensor flat = flat_weights(w).to(torch::kFloat64).cpu();
    double lo = flat.min().item<double>(), hi = flat.max().item<double>();
    if (!std::isfinite(lo) || !std::isfinite(hi)) continue;  // a diverged run: nothing to bin
    if (hi <= lo) {  // constant weights (zeros, constant): one bin around the value
      const double half = std::max(std::abs(lo), 1e-3) * 0.5;
      lo -= half;
      hi += half;
    }
    const torch::Tensor counts = torch::histc(flat, bins_, lo, hi).to(torch::kInt64);
    WeightHistogram h{w.name, stage, lo, hi, {}};
    const auto c = counts.accessor<std::int64_t, 1>();
    for (int i = 0; i < bins_; ++i) h.counts.push_back(c[i]);
    histograms_.push_back(std::move(h));
  }
}

void TrainingMonitor::finish() { histogram("end"); }

}  // namespace initlab::lab
