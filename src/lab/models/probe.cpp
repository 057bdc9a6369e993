#include "models/probe.hpp"

#include <ATen/Parallel.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "initlab/error.hpp"
#include "initlab/torch/layer_kind.hpp"
#include "models/script_taps.hpp"
#include "models/vit.hpp"

namespace initlab::lab {
namespace {

// "torch::nn::ReLUImpl" or "__torch__.torch.nn.modules.activation.ReLU" -> "ReLU"
std::string short_type(std::string_view name) { return std::string(libtorch::type_base_name(name)); }

const std::map<std::string, std::string>& activation_types() {
  static const std::map<std::string, std::string> m = {
      {"ReLU", "relu"}, {"LeakyReLU", "leaky_relu"}, {"ELU", "elu"},  {"SELU", "selu"},       {"GELU", "gelu"},
      {"SiLU", "silu"}, {"Tanh", "tanh"},            {"Sigmoid", "sigmoid"}, {"Identity", "linear"}, {"ReLU6", "other"},
      {"Softplus", "other"}, {"Mish", "other"},      {"Hardtanh", "other"},  {"PReLU", "other"}};
  return m;
}

Stage classify(const std::string& name, const std::string& type,
               std::vector<std::pair<std::string, torch::Tensor>> params) {
  Stage s;
  s.name = name;
  const std::string t = short_type(type);
  s.type = t;
  for (auto& [n, p] : params) {
    if (p.dim() >= 2) s.weights.emplace_back(name.empty() ? n : name + "." + n, p);
    if (n == "bias" && p.dim() == 1) s.bias = p;
  }
  if (const auto a = activation_types().find(t); a != activation_types().end() && s.weights.empty()) {
    s.kind = StageKind::activation;
    s.activation = a->second;
  } else if (t.find("Norm") != std::string::npos) {
    s.kind = StageKind::norm;
    s.weights.clear();
    s.bias = torch::Tensor();
  } else if (!s.weights.empty()) {
    s.kind = StageKind::weighted;
  }
  return s;
}

}  // namespace

std::vector<Stage> stages_of(torch::nn::Sequential& net) {
  std::vector<Stage> out;
  const auto named = net->named_children();
  std::size_t i = 0;
  const auto stage = [&](const std::string& name, torch::nn::Module& module, std::function<torch::Tensor(const torch::Tensor&)> forward) {
    std::vector<std::pair<std::string, torch::Tensor>> params;
    for (const auto& p : module.named_parameters(/*recurse=*/true)) params.emplace_back(p.key(), p.value());
    Stage s = classify(name, module.name(), std::move(params));
    s.forward = std::move(forward);
    s.module = &module;
    out.push_back(std::move(s));
  };
  for (auto& any : *net) {
    const auto& child = named[i++];
    if (auto* stack = dynamic_cast<TransformerStackImpl*>(child.value().get())) {  // one stage per block: blocks.0, blocks.1, ...
      for (std::size_t b = 0; b < stack->blocks.size(); ++b) {
        TransformerBlock block = stack->blocks[b];
        stage(child.key() + "." + std::to_string(b), *block, [block](const torch::Tensor& in) mutable { return block(in); });
      }
      continue;
    }
    torch::nn::AnyModule* m = &any;
    stage(child.key(), *child.value(), [m](const torch::Tensor& in) { return m->forward(in); });
  }
  return out;
}

ProbedForward probed_forward(const std::vector<Stage>& stages, const torch::Tensor& x, bool retain_pre_grad) {
  ProbedForward f;
  torch::Tensor y = x;
  for (const auto& s : stages) {
    y = s.forward(y);
    if (s.kind == StageKind::weighted) {
      f.layers.push_back(ProbedLayer{s.name, "", y, y, s.weights});
    } else if (!f.layers.empty() && f.layers.back().activation.empty()) {
      if (s.kind == StageKind::norm) f.layers.back().pre = f.layers.back().act = y;
      if (s.kind == StageKind::activation) {
        f.layers.back().activation = s.activation;
        f.layers.back().act = y;
      }
    }
  }
  if (retain_pre_grad)
    for (auto& l : f.layers)
      if (l.pre.requires_grad()) l.pre.retain_grad();
  f.output = y;
  return f;
}

Stage stage_of(const TappedModule& module, const ModuleCall& call) {
  std::vector<std::pair<std::string, torch::Tensor>> params;
  const std::string prefix = call.name + ".";
  for (const auto& [name, w] : module.weights_of(call.name)) params.emplace_back(name.substr(prefix.size()), w);
  if (const torch::Tensor b = module.bias_of(call.name); b.defined()) params.emplace_back("bias", b);
  return classify(call.name, call.type, std::move(params));
}

ProbedForward probed_forward(TappedModule& module, const torch::Tensor& x, bool retain_pre_grad, std::vector<ModuleCall>* calls) {
  ProbedForward f;
  std::vector<ModuleCall> recorded = module.run(x, &f.output);
  const torch::TensorImpl* current = nullptr;  // the tensor the last layer handed on
  for (const ModuleCall& call : recorded) {
    if (!call.leaf || !call.output.defined()) continue;
    const Stage s = stage_of(module, call);
    const bool takes_last = current && call.input.defined() && call.input.unsafeGetTensorImpl() == current;
    if (s.kind == StageKind::weighted) {
      f.layers.push_back(ProbedLayer{s.name, "", call.output, call.output, s.weights});
      current = call.downstream.unsafeGetTensorImpl();
    } else if (takes_last && f.layers.back().activation.empty() && s.kind == StageKind::norm) {
      f.layers.back().pre = f.layers.back().act = call.output;
      current = call.downstream.unsafeGetTensorImpl();
    } else if (takes_last && f.layers.back().activation.empty() && s.kind == StageKind::activation) {
      f.layers.back().activation = s.activation;
      f.layers.back().act = call.output;
      current = call.downstream.unsafeGetTensorImpl();
    }
  }
  if (f.layers.empty()) throw Error("no weighted module (Linear, Conv, ...) ran in the TorchScript model's forward");
  if (retain_pre_grad)
    for (auto& l : f.layers)
      if (l.pre.requires_grad()) l.pre.retain_grad();
  if (calls) *calls = std::move(recorded);
  return f;
}

TensorMoments tensor_moments(const torch::Tensor& t) {
  TensorMoments m;
  const std::int64_t n = t.numel();
  if (n == 0) return m;
  const torch::Tensor x = t.detach();
  const auto through_aten = [&] {  // what a NaN / inf tensor reports stays ATen's (inf mean, NaN variance, ...)
    const torch::Tensor d = x.to(torch::kCPU, torch::kFloat64);
    m.finite = torch::isfinite(d).all().item<bool>();
    m.mean = d.mean().item<double>();
    m.var = n > 1 ? d.var(/*unbiased=*/false).item<double>() : 0.0;
    return m;
  };
  if (!x.device().is_cpu() || x.scalar_type() != torch::kFloat32 || !x.is_contiguous()) return through_aten();
  // Sums of (v - shift) and its square, shifted by the first element so that a large mean does not
  // cancel the variance away; per chunk, then combined.
  const float* data = x.data_ptr<float>();
  const double shift = data[0];  // a non-finite one is found below
  constexpr std::int64_t kChunk = 1 << 16;
  const std::int64_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<double> sum(static_cast<std::size_t>(chunks)), squares(static_cast<std::size_t>(chunks));
  std::vector<char> finite(static_cast<std::size_t>(chunks), 1);
  at::parallel_for(0, chunks, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t c = begin; c < end; ++c) {
      // Four independent accumulators (the compiler may not reorder one floating-point sum). A NaN or
      // inf element makes the sums NaN or inf; finite floats cannot overflow them (|v|^2 < 1.2e77).
      double s[4] = {0, 0, 0, 0}, q[4] = {0, 0, 0, 0};
      const std::int64_t first = c * kChunk, stop = std::min(n, (c + 1) * kChunk);
      std::int64_t i = first;
      for (; i + 4 <= stop; i += 4)
        for (int k = 0; k < 4; ++k) {
          const double v = static_cast<double>(data[i + k]) - shift;
          s[k] += v;
          q[k] += v * v;
        }
      for (; i < stop; ++i) {
        const double v = static_cast<double>(data[i]) - shift;
        s[0] += v;
        q[0] += v * v;
      }
      const double ss = (s[0] + s[1]) + (s[2] + s[3]), qq = (q[0] + q[1]) + (q[2] + q[3]);
      sum[static_cast<std::size_t>(c)] = ss, squares[static_cast<std::size_t>(c)] = qq;
      finite[static_cast<std::size_t>(c)] = std::isfinite(ss) && std::isfinite(qq);
    }
  });
  double s = 0, q = 0;
  for (std::int64_t c = 0; c < chunks; ++c) {
    if (!finite[static_cast<std::size_t>(c)]) return through_aten();
    s += sum[static_cast<std::size_t>(c)];
    q += squares[static_cast<std::size_t>(c)];
  }
  const double nn = static_cast<double>(n);
  const double centered = s / nn;
  m.mean = shift + centered;
  m.var = std::max(0.0, q / nn - centered * centered);
  return m;
}

ModelTally tally_script_model(const torch::jit::Module& module, const torch::Tensor& one_sample, double* output_floats) {
  ModelTally t;
  for (const auto& p : module.parameters()) t.parameters += static_cast<double>(p.numel());
  // With gradients on, as the passes it sizes run (a TransformerEncoderLayer's fast path, taken in
  // eval mode without them, would hide every submodule).
  torch::jit::Module m = module;
  const bool training = m.is_training();
  m.eval();
  TappedModule tapped(m);
  std::vector<ModuleCall> calls;
  const ProbedForward f = probed_forward(tapped, one_sample, false, &calls);
  m.train(training);
  for (const auto& call : calls)
    if (call.output.defined()) t.layer(0, static_cast<double>(call.output.numel()), 2);
  for (const auto& l : f.layers) t.layer(0, static_cast<double>(l.pre.numel()));
  if (output_floats) *output_floats = static_cast<double>(f.output.numel());
  return t;
}

torch::Tensor dead_fraction(const torch::Tensor& act) {
  const auto zero = torch::zeros({}, act.options().dtype(torch::kFloat64));
  if (act.size(0) == 0) return zero;
  return act.detach().flatten(1).ne(0).any(0).logical_not().to(torch::kFloat64).mean();
}

torch::Tensor saturated_fraction(const std::string& activation, const torch::Tensor& act) {
  const torch::Tensor a = act.detach();
  if (activation == "tanh") return ((1 - a.pow(2)).abs() < 1e-2).to(torch::kFloat64).mean();
  if (activation == "sigmoid") return ((a * (1 - a)).abs() < 1e-2).to(torch::kFloat64).mean();
  return torch::zeros({}, a.options().dtype(torch::kFloat64));
}

}  // namespace initlab::lab
