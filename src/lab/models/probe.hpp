// Layer probes: a network seen as a chain of stages (weighted layers, normalizations,
// activations, the rest) so a forward pass can keep every layer's pre-activation and activation
// for statistics. Works on the lab's own models (torch::nn::Sequential) and on a user's
// TorchScript module, whose children are used as a chain only where running them one after
// another reproduces the module's own forward (checked on an example input).
#pragma once
#include <torch/nn/modules/container/sequential.h>

#include <functional>
#include <string>
#include <vector>

namespace torch::jit {
struct Module;
}

namespace initlab::lab {

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
// Throws Error when the module has no parameters of rank >= 2 to probe.
std::vector<Stage> stages_of(torch::jit::Module& module, const torch::Tensor& example);

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

// The fraction of dead units (zero for every sample: what a dead ReLU looks like) and of saturated
// unit-sample pairs (tanh / sigmoid: |phi'| < 1e-2; 0 for other activations), from act [B, ...]
// (units are everything but the batch axis). 0-d float64 tensors on act's device, so callers can
// read many statistics with one synchronization.
torch::Tensor dead_fraction(const torch::Tensor& act);
torch::Tensor saturated_fraction(const std::string& activation, const torch::Tensor& act);

}  // namespace initlab::lab
