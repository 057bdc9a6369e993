// The training monitor: every K steps, per layer, the weights' mean / std / norm, the
// activations' mean / std and dead / saturated fractions (from the layer probes), the
// gradients' std and norm and the update-to-weight ratio; weight histograms at init and at the
// end; a warning, once per layer and kind, when gradients vanish or explode, units die or
// saturate, or the signal fades on its way forward. All statistics of one snapshot are read back in a single device synchronization.
// On a model with a recurrent layer, each snapshot also takes weight_hh's spectrum per gate block
// and the gradient through time on the snapshot's batch (RecurrentSnapshot), before the update.
#pragma once
#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/probe.hpp"
#include "store/records.hpp"

namespace initlab::lab {

// Warning thresholds (printed with the warnings).
inline constexpr double kVanishingGradientRatio = 1e-3;  // a layer's gradient norm below this x the last layer's
inline constexpr double kExplodingGradientRatio = 1e3;   // ... above this x the last layer's
inline constexpr double kExplodingUpdateRatio = 1.0;     // or an update larger than the weights
inline constexpr double kVanishingActivationRatio = 1e-3;  // a hidden layer's activation std below this x the first layer's
inline constexpr double kDeadFraction = 0.5;             // more than half the units zero for the whole batch
inline constexpr double kSaturatedFraction = 0.5;        // more than half the unit-sample pairs with |phi'| < 1e-2
inline constexpr double kVanishingThroughTime = 1e-2;   // recurrent: rms dL/dh_1 below this x rms dL/dh_T (propagate's threshold)
inline constexpr double kExplodingThroughTime = 1e2;    // ... above this

class ScriptNetImpl;

class TrainingMonitor {
 public:
  // On a file: model the layers (and the init histograms) are taken at the first observed step,
  // step 0, before any update.
  TrainingMonitor(torch::nn::Sequential& model, int every, int bins = 50);

  bool due(std::int64_t step) const { return every_ > 0 && step % every_ == 0; }
  // On a due step, in this order: forward (the batch through the layer probes; returns the
  // model's output, with autograd when with_grad, so an autograd step can train on it: the same
  // modules in the same order, so the same dropout draws and BatchNorm updates as
  // model->forward), with the gradients (in model->parameters() order, before the optimizer
  // touches them), after the update.
  torch::Tensor forward(const torch::Tensor& x, std::int64_t step, int epoch, bool with_grad);
  // `output_grads`: d loss / d (each layer's output), when the step did not run through autograd
  // (the fused MLP step); else they are read from the outputs forward retained.
  void gradients(const std::vector<torch::Tensor>& grads, const std::vector<torch::Tensor>& output_grads = {});
  void after_update();
  // The end-of-training histograms.
  void finish();

  std::function<void(const MonitorWarning&)> on_warning;

  const std::vector<LayerSnapshot>& snapshots() const { return snapshots_; }
  const std::vector<WeightHistogram>& histograms() const { return histograms_; }
  const std::vector<MonitorWarning>& warnings() const { return warnings_; }
  const std::vector<RecurrentSnapshot>& recurrent() const { return recurrent_; }
  MonitorRecord record() const { return {snapshots_, histograms_, warnings_, recurrent_}; }

 private:
  struct Watched {
    std::string name;
    std::vector<torch::Tensor> weights;
    std::vector<std::size_t> param_index;  // into model->parameters()
    torch::Tensor before;                  // the weights (flat) before the step
  };
  torch::Tensor flat_weights(const Watched& w) const;
  void histogram(const std::string& stage);
  void warn(const LayerSnapshot& s, const std::string& kind, const std::string& message);
  void check(std::size_t first);
  void watch_recurrent(const torch::Tensor& x);

  // The layers from a forward's probed layers (the weights it names, matched to
  // model->parameters()); a file: model's layers are known after its first forward.
  void watch(const std::vector<ProbedLayer>& layers);

  torch::nn::Sequential model_;
  std::vector<Stage> stages_;
  ScriptNetImpl* script_ = nullptr;         // a file: model (models/script_net.hpp), seen through its submodule calls
  std::shared_ptr<TappedModule> tapped_;   // ... by an instrumented clone that shares its parameters and buffers
  std::vector<Watched> layers_;
  int every_ = 0, bins_ = 50;
  std::vector<torch::Tensor> pending_;  // 0-d statistics of the snapshot being taken, read at once
  std::vector<torch::Tensor> outputs_;  // the observed step's layer outputs (pre), their gradients retained
  std::int64_t step_ = 0;
  int epoch_ = 0;
  std::vector<std::string> activation_;  // per layer, from the probe
  std::vector<LayerSnapshot> snapshots_;
  std::vector<WeightHistogram> histograms_;
  std::vector<MonitorWarning> warnings_;
  bool recurrent_layer_ = false;
  std::vector<RecurrentSnapshot> recurrent_;
  std::set<std::pair<std::string, std::string>> warned_;  // (layer, kind)
};

}  // namespace initlab::lab
