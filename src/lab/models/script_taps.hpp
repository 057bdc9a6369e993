// Per-module instrumentation of a TorchScript model: every submodule call in the module's forward
// graphs (residual adds, branches, attention and all) is wrapped so that one forward records what
// each module received and returned, by qualified name (layer3.1.conv2), in the order the calls
// finish. The output a module returns is kept as it was and a copy goes on downstream, so an
// in-place op that follows (ReLU(inplace=True)) cannot change what was recorded, and a gradient
// retained on the recorded output is d loss / d (that output).
//
// The instrumented module is a clone that shares the original's parameters (initializing one
// initializes the other) but has its own compiled methods; the user's module and what `init`
// saves stay free of initlab's operators.
#pragma once
#include <torch/script.h>

#include <map>
#include <string>
#include <vector>

namespace initlab::lab {

// One submodule call.
struct ModuleCall {
  std::string name;        // qualified, e.g. layer1.0.conv1 (the same module called twice is recorded twice)
  std::string type;        // the module's class, short: Conv2d, BasicBlock, MultiheadAttention
  int depth = 1;           // 1 for the model's own children
  bool leaf = true;        // no submodule call happened inside it
  torch::Tensor input;     // its first tensor argument, as passed (undefined when it took none)
  torch::Tensor output;    // what it returned (the first element of a tuple), as returned
  torch::Tensor downstream;  // the tensor the rest of the model received in its place
};

class TappedModule {
 public:
  // A model that calls no submodule is recorded as one call of itself (name "").
  explicit TappedModule(const torch::jit::Module& module);

  // Runs forward(x) and returns every submodule call, in the order they finished. On a model
  // error, throws Error naming the module that failed and the input's shape, in one line.
  std::vector<ModuleCall> run(const torch::Tensor& x, torch::Tensor* output = nullptr);

  // A module's parameters of rank >= 2, qualified (layer1.0.conv1.weight), recursively.
  const std::vector<std::pair<std::string, torch::Tensor>>& weights_of(const std::string& module) const;
  // A module's own "bias" parameter (undefined when it has none).
  torch::Tensor bias_of(const std::string& module) const;
  torch::jit::Module& module() { return module_; }
  int instrumented_calls() const { return calls_; }

 private:
  torch::jit::Module module_;
  int calls_ = 0;
  std::map<std::string, std::vector<std::pair<std::string, torch::Tensor>>> weights_;
  std::map<std::string, torch::Tensor> biases_;
};

}  // namespace initlab::lab
