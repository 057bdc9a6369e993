// `initlab advise`: an init recommended from the architecture (activation, depth, residual or
// not, normalization, convolutional or recurrent), with the reason and a runner-up, so a
// propagate check and an optional short comparison can show the difference.
#pragma once
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "models/models.hpp"

namespace torch::jit {
struct Module;
}

namespace initlab::lab {

// What the recommendation looked at.
struct Architecture {
  std::string activation;
  // Linear / Conv / RNN / residual-block layers along the main path, the output layer included
  // (mlp:784-100x20-10: 21), counted on the net build_model makes, the one train trains.
  int weighted_layers = 0;
  int residual_blocks = 0;
  bool batchnorm = false;
  bool convolutional = false;
  bool recurrent = false;
  bool attention = false;     // MultiheadAttention (TorchScript models)
  std::string normalization;  // the norm module's type (BatchNorm2d, LayerNorm); "" none
};

struct Advice {
  Architecture architecture;
  std::string init, reason;            // the recommendation
  std::string runner_up, runner_up_reason;
};

// A plain net deeper than this is "very deep": the formula inits drift, data-driven LSUV does not.
inline constexpr int kVeryDeep = 20;

Architecture describe(torch::nn::Sequential& net, const ModelOptions& options);
// A TorchScript model's architecture, read from one instrumented forward on `x` (the weighted
// modules that ran, norms, activation modules, attention, recurrence) and from its forward graphs:
// a residual block is a module whose forward adds two tensors computed in it (not a parameter),
// counted once per instance that ran; a model with no activation module is read by its functional
// calls (aten::relu, ...). Throws Error naming the module an input does not fit.
Architecture describe(const torch::jit::Module& module, const torch::Tensor& x);
Advice advise(const Architecture& a);

}  // namespace initlab::lab
