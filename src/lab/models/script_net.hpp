// A user's TorchScript model (--model file:M.pt) as a lab model, so train, compare and sweep train
// it like a built-in one: a torch::nn::Module whose parameters and buffers are the script module's
// own tensors (the optimizer steps them, the init plan writes them by their qualified names),
// whose forward runs the script module, and whose train() / eval() switch the script module's
// mode. The training monitor sees its layers through the script module's submodule calls
// (TappedModule, script_taps.hpp).
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <memory>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "initlab/torch/init_plan.hpp"
#include "models/model_spec.hpp"

namespace torch::jit {
struct Module;
}

namespace initlab::lab {

class ScriptNetImpl : public torch::nn::Module {
 public:
  // flatten: the model takes each sample as a vector (an MLP on images).
  ScriptNetImpl(const torch::jit::Module& module, bool flatten);
  torch::Tensor forward(const torch::Tensor& x);
  // What the script module receives for a batch x: x, or each sample flattened.
  torch::Tensor input(const torch::Tensor& x) const;
  torch::jit::Module& script() { return *script_; }
  void train(bool on = true) override;
  // Moves the script module's tensors in place (set_data), so the registered ones follow.
  void to(torch::Device device, torch::Dtype dtype, bool non_blocking = false) override;
  void to(torch::Dtype dtype, bool non_blocking = false) override;
  void to(torch::Device device, bool non_blocking = false) override;

 private:
  std::shared_ptr<torch::jit::Module> script_;
  bool flatten_ = false;
};
TORCH_MODULE(ScriptNet);

// The ScriptNet a model built from file: holds (its only child), else null.
ScriptNetImpl* script_net_of(torch::nn::Sequential& model);

// A user's TorchScript file, loaded (every command that reads one: init, audit, advise, propagate,
// train). A missing file, a folder, a pipe or device (refused before it is opened: require_input_file)
// or a file that is not TorchScript is one line naming `what` ("model file", "--model file") and the
// path (initlab::Error), never LibTorch's traceback.
torch::jit::Module load_script_file(const std::string& path, const std::string& what);

// file:PATH as a lab model for `data`: loaded, then checked on two training samples in eval mode:
// samples go in as they are, or flattened when only that works (an MLP saved without a Flatten);
// the output must be (batch, classes) for class labels ((batch, steps, classes) for a class per
// step) or (batch, targets) for regression. Each failure is one Error line naming the model, the
// data's sample shape and what the model said or returned.
torch::nn::Sequential build_script_model(const ModelSpec& spec, const DataSplits& data);

// The plan applied to a lab model, or to a file: model's script module (qualified names, its rules
// for attention, RNN gates and named parameters: libtorch::apply_plan on torch::jit::Module).
std::vector<libtorch::ParamInit> apply_init_plan(torch::nn::Sequential& model, const libtorch::InitPlan& plan);

// The parameters an init plan left as they were (spec "kept"): how many, their share of all the
// values, the first and why nothing reached it. `init` and a file: model's run both say it.
struct KeptShare {
  std::size_t count = 0;
  double share = 0;   // of all parameter values
  double total = 0;   // values in all parameters
  std::string first, first_reason;
};
KeptShare kept_share(const std::vector<libtorch::ParamInit>& report);

// A file's content as 16 hex digits (FNV-1a 64): a file: model's identity in an experiment's key,
// so a changed file never reuses the runs of the old one. Throws Error naming `path` when it
// cannot be read.
std::string file_digest(const std::string& path);

}  // namespace initlab::lab
