// Applying an InitPlan to a LibTorch module (C++ torch::nn::Module or a TorchScript
// torch::jit::Module loaded from a file), and filling any tensor with a core initializer.
// Each parameter's philox stream is derived from its qualified name, so adding a layer never
// changes another layer's weights; with the torch generator, parameters are filled in order.
#pragma once
#include <torch/nn/module.h>

#include <vector>

#include "initlab/torch/init_plan.hpp"

namespace torch::jit {
struct Module;
}

namespace initlab::libtorch {

// Throws Error, before anything is filled, when an override sets no parameter: its pattern matches
// none, or only parameters an earlier override took (the first matching override wins); the
// message lists some of the module's parameter names.
std::vector<ParamInit> apply_plan(torch::nn::Module& module, const InitPlan& plan);
std::vector<ParamInit> apply_plan(torch::jit::Module& module, const InitPlan& plan);

// Fills `tensor` in place (any device, dtype, layout: drawn in float32 on the CPU, then copied).
void fill_tensor(torch::Tensor& tensor, const Initializer& init, Generator& gen, const InitOptions& options = {});

}  // namespace initlab::libtorch
