// Layer probes: a network seen as a chain of stages (weighted layers, normalizations,
// activations, the rest) so a forward pass can keep every layer's pre-activation and activation
// for statistics. Works on the lab's own models (torch::nn::Sequential) and on a user's
// TorchScript module, seen through its submodule calls (script_taps.hpp): residual, branching
// and attention models alike.
#pragma once
#include <torch/nn/modules/container/sequential.h>

#include <functional>
#include <string>
#include <vector>

#include "models/footprint.hpp"

namespace torch::jit {
struct Module;
}

namespace initlab::lab {

class TappedModule;
struct ModuleCall;

enum class StageKind { weighted, norm, activation, other };

struct Stage {
  std::string name;        // qualified: fc1, block2, features.0
  StageKind kind = StageKind::other;
  std::string type;        // the module's class: Linear, Conv2d, ReLU, ResidualBlock, ...
  std::string activation;  // for activations: relu, tanh, ... (activation_names()) or "other"
  std::function<torch::Tensor(const torch::Tensor&)> forward;
  std::vector<std::pair<std::string, torch::Tensor>> weights;  // weighted: the parameters of rank >= 2, qualified names
  torch::Tensor bias;  // a weighted stage's own "bias" (Linear, Conv); undefined otherwise
  torch::nn::Module* module = nullptr;  // the lab model's child (not owned); null for TorchScript stages
};

std::vector<Stage> stages_of(torch::nn::Sequential& net);

// One layer as the probes see it: a weighted stage, its output after any normalization (pre) and
// after the activation that follows (act; pre when none follows).
struct ProbedLayer {
  std::string name;
  std::string activation;  // "" when none follows
  torch::Tensor pre, act;
  std::vector<std::pair<std::string, torch::Tensor>> weights;
};

struct ProbedForward {
  torch::Tensor output;
  std::vector<ProbedLayer> layers;
};

// Runs the chain on x; with retain_pre_grad (inside a grad-enabled region), pre.grad() is kept
// for a later backward.
ProbedForward probed_forward(const std::vector<Stage>& stages, const torch::Tensor& x, bool retain_pre_grad);

// The same for a TorchScript model: one forward of the whole model, the layers being its weighted
// leaf modules (Linear, Conv, attention, ...) in the order they ran; a normalization or activation
// module extends a layer only when it takes that layer's output (its pre is then the norm's
// output, as recorded before any in-place op). `calls` (optional) receives every submodule call.
// Throws Error when no weighted module ran.
ProbedForward probed_forward(TappedModule& module, const torch::Tensor& x, bool retain_pre_grad,
                             std::vector<ModuleCall>* calls = nullptr);
// What a module call is, as a stage (no forward): its kind, type, activation, weights and bias.
Stage stage_of(const TappedModule& module, const ModuleCall& call);

// The fraction of dead units (zero for every sample: what a dead ReLU looks like) and of saturated
// unit-sample pairs (tanh / sigmoid: |phi'| < 1e-2; 0 for other activations), from act [B, ...]
// (units are everything but the batch axis). 0-d float64 tensors on act's device, so callers can
// read many statistics with one synchronization.
torch::Tensor dead_fraction(const torch::Tensor& act);

// Mean and population variance of every element of `t`, and whether all are finite, in one pass
// with double accumulators (a contiguous float32 CPU tensor is read in place, in parallel; any
// other goes through ATen). A non-finite element makes `finite` false and the moments NaN / inf.
struct TensorMoments {
  double mean = 0, var = 0;
  bool finite = true;
};
TensorMoments tensor_moments(const torch::Tensor& t);

// A TorchScript model's memory tally from one sample through its instrumented forward (no
// gradients): its parameters, every module's output kept twice (as returned and the copy handed
// on) and each layer's tensors on top, per sample; `output_floats`: the model output's per sample.
ModelTally tally_script_model(const torch::jit::Module& module, const torch::Tensor& one_sample, double* output_floats);
torch::Tensor saturated_fraction(const std::string& activation, const torch::Tensor& act);

}  // namespace initlab::lab
