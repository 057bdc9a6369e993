#include "models/script_net.hpp"

#include <torch/script.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"
#include "initlab/input_file.hpp"
#include "initlab/philox.hpp"
#include "initlab/shape.hpp"
#include "initlab/torch/apply.hpp"
#include "train/error_line.hpp"

namespace initlab::lab {
namespace {

// torch::nn::Module names may not contain dots: layer1.0.conv1.weight is registered as
// layer1_0_conv1_weight (the optimizer and the monitor go by the tensors, init by the script's names).
std::string flat_name(std::string name) {
  for (char& c : name)
    if (c == '.') c = '_';
  return name;
}

torch::Tensor first_tensor(const torch::jit::IValue& y) {
  if (y.isTensor()) return y.toTensor();
  if (y.isTuple() && !y.toTupleRef().elements().empty() && y.toTupleRef().elements()[0].isTensor())
    return y.toTupleRef().elements()[0].toTensor();
  throw Error("the model's forward returns " + y.tagKind() + ", not a tensor");
}

std::string shape_text(const torch::Tensor& t, std::int64_t from) {
  return format_shape(std::vector<std::int64_t>(t.sizes().begin() + from, t.sizes().end()));
}

}  // namespace

ScriptNetImpl::ScriptNetImpl(const torch::jit::Module& module, bool flatten)
    : script_(std::make_shared<torch::jit::Module>(module)), flatten_(flatten) {
  // Unique names: a_b.c and a.b_c would both flatten to a_b_c.
  const auto unique = [this](const std::string& name) {
    std::string n = flat_name(name);
    while (named_parameters(false).contains(n) || named_buffers(false).contains(n)) n += "_";
    return n;
  };
  // A tensor reached by two names (tied weights: an embedding shared with the output layer) is
  // registered once, so the optimizer steps it once, as torch.nn.Module.parameters() does.
  std::set<const c10::TensorImpl*> seen;
  for (const auto& p : script_->named_parameters(/*recurse=*/true))
    if (seen.insert(p.value.unsafeGetTensorImpl()).second) register_parameter(unique(p.name), p.value, p.value.requires_grad());
  for (const auto& b : script_->named_buffers(/*recurse=*/true))
    if (b.value.defined() && seen.insert(b.value.unsafeGetTensorImpl()).second) register_buffer(unique(b.name), b.value);
  torch::nn::Module::train(script_->is_training());
}

torch::Tensor ScriptNetImpl::input(const torch::Tensor& x) const { return flatten_ ? x.flatten(1) : x; }

torch::Tensor ScriptNetImpl::forward(const torch::Tensor& x) { return first_tensor(script_->forward({input(x)})); }

void ScriptNetImpl::train(bool on) {
  torch::nn::Module::train(on);
  script_->train(on);
}

void ScriptNetImpl::to(torch::Device device, torch::Dtype dtype, bool non_blocking) { script_->to(device, dtype, non_blocking); }
void ScriptNetImpl::to(torch::Dtype dtype, bool non_blocking) { script_->to(dtype, non_blocking); }
void ScriptNetImpl::to(torch::Device device, bool non_blocking) { script_->to(device, non_blocking); }

ScriptNetImpl* script_net_of(torch::nn::Sequential& model) {
  if (model->size() != 1) return nullptr;
  return dynamic_cast<ScriptNetImpl*>(model->ptr(0).get());
}

torch::jit::Module load_script_file(const std::string& path, const std::string& what) {
  require_input_file(path, what);
  try {
    return torch::jit::load(path);
  } catch (const c10::Error& e) {
    throw Error(what + " '" + excerpt(path) + "' is not a TorchScript model (save one with torch.jit.script(model).save(path)): " +
                std::string(e.what_without_backtrace()).substr(0, 200));
  } catch (const std::exception& e) {  // LibTorch's zip reader throws other kinds on some damaged files
    throw Error(what + " '" + excerpt(path) + "' is not a TorchScript model: " + std::string(e.what()).substr(0, 200));
  }
}

torch::nn::Sequential build_script_model(const ModelSpec& spec, const DataSplits& data) {
  const std::string model = "--model '" + excerpt(spec.text) + "'";
  torch::jit::Module module = load_script_file(spec.path, "--model file");
  if (data.train.size() < 1) throw Error(model + ": --data '" + excerpt(data.name) + "' has no training sample to check the model on");
  const torch::Tensor x = data.train.x.slice(0, 0, std::min<std::int64_t>(2, data.train.size()));
  const bool was_training = module.is_training();
  module.eval();  // BatchNorm cannot take one sample in training mode
  torch::NoGradGuard no_grad;
  const auto run = [&](const torch::Tensor& in) { return first_tensor(module.forward({in})); };
  torch::Tensor out;
  bool flatten = false;
  try {
    out = run(x);
  } catch (const std::exception& as_is) {
    const bool could_flatten = x.dim() > 2 && x.is_floating_point();
    try {
      if (!could_flatten) throw;
      out = run(x.flatten(1));
      flatten = true;
    } catch (const std::exception&) {
      throw Error(model + " does not take --data '" + excerpt(data.name) + "' samples of shape " + shape_text(x, 1) +
                  (could_flatten ? " (nor flattened to " + std::to_string(x[0].numel()) + ")" : "") + ": " + root_error_line(as_is));
    }
  }
  module.train(was_training);
  const std::int64_t n = x.size(0);
  const std::int64_t want = data.task == Task::regression ? data.num_outputs : data.num_classes;
  const std::string what = data.task == Task::regression ? " regression targets" : " classes";
  const std::string expected = data.per_step ? format_shape(Shape{n, data.sample_shape.empty() ? 0 : data.sample_shape[0], want})
                                             : format_shape(Shape{n, want});
  const bool fits = data.per_step ? out.dim() == 3 && out.size(0) == n && out.size(1) == data.sample_shape[0] && out.size(2) == want
                                  : out.dim() == 2 && out.size(0) == n && out.size(1) == want;
  if (!fits)
    throw Error(model + " returns " + shape_text(out, 0) + " for " + std::to_string(n) + " samples of --data '" + excerpt(data.name) +
                "'; expected " + expected + " (" + std::to_string(want) + what + ")");
  if (!out.is_floating_point()) throw Error(model + " returns " + std::string(c10::toString(out.scalar_type())) + " values; expected floats");
  torch::nn::Sequential net;
  net->push_back(ScriptNet(module, flatten));
  return net;
}

std::vector<libtorch::ParamInit> apply_init_plan(torch::nn::Sequential& model, const libtorch::InitPlan& plan) {
  if (ScriptNetImpl* s = script_net_of(model)) return libtorch::apply_plan(s->script(), plan);
  return libtorch::apply_plan(*model, plan);
}

KeptShare kept_share(const std::vector<libtorch::ParamInit>& report) {
  KeptShare k;
  double kept_values = 0;
  for (const auto& p : report) {
    const double n = static_cast<double>(numel(p.shape));
    k.total += n;
    if (p.spec != "kept") continue;
    if (k.count++ == 0) k.first = p.name, k.first_reason = p.rule;
    kept_values += n;
  }
  k.share = k.total > 0 ? kept_values / k.total : 0;
  return k;
}

std::string file_digest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read '" + excerpt(path) + "'");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw Error("cannot read '" + excerpt(path) + "'");
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(stream_of(bytes.str())));
  return buf;
}

}  // namespace initlab::lab
