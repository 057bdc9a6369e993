#include "experiments/propagate.hpp"

#include <torch/script.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <functional>
#include <limits>
#include <new>
#include <numeric>
#include <sstream>

#include "data/dataset.hpp"
#include "data/probe_input.hpp"
#include "experiments/sweep_file.hpp"
#include "initlab/excerpt.hpp"
#include "initlab/error.hpp"
#include "initlab/initializer.hpp"
#include "initlab/mean_field.hpp"
#include "initlab/number_text.hpp"
#include "initlab/shape.hpp"
#include "initlab/spec.hpp"
#include "initlab/torch/apply.hpp"
#include "models/footprint.hpp"
#include "models/models.hpp"
#include "models/probe.hpp"
#include "models/script_net.hpp"
#include "models/script_taps.hpp"
#include "models/vit.hpp"
#include "netinit/network_init.hpp"
#include "train/error_line.hpp"

namespace initlab::lab {
namespace {



bool is_mlp(const std::string& spec) { return spec.rfind("mlp:", 0) == 0; }

double product(const std::vector<std::int64_t>& v) {
  double p = 1;
  for (auto x : v) p *= static_cast<double>(x);
  return p;
}

// The network under study, rebuilt for every init and seed.
struct Subject {
  ModelSpec model;                // a lab model, parsed once (not file:)
  std::vector<std::int64_t> mlp;  // widths, for mlp: specs (the mean-field theory applies)
  DataSplits data;                // shapes for the lab's models (for mlp: the widths' ends)
  bool file = false;              // a TorchScript model
};

struct Built {
  torch::nn::Sequential net{nullptr};
  std::optional<torch::jit::Module> script;
  std::shared_ptr<TappedModule> tapped;  // the script, instrumented (sharing its parameters)
  std::vector<Stage> stages;
  std::function<torch::Tensor(const torch::Tensor&)> forward;
};

torch::jit::Module load_script(const std::string& model) { return load_script_file(model.substr(5), "--model file"); }

Built build(const PropagateConfig& c, const Subject& subject, const std::string& init, std::uint64_t seed, const torch::Tensor& input) {
  const std::string bias = c.bias_std > 0 ? "normal:std=" + number_text(c.bias_std) : "zeros";
  Built b;
  if (subject.file && init == kWeightsAsTheyAre) {
    b.script = load_script(c.model);
    b.script->eval();
    b.tapped = std::make_shared<TappedModule>(*b.script);
    b.forward = [m = *b.script](const torch::Tensor& x) mutable { return m.forward({x}).toTensor(); };
    return b;
  }
  const auto network = parse_network_init(init);  // lsuv, fixup, ...: drawn from their base, then applied (on this batch)
  const auto plan = base_plan(network, init, bias, {}, GeneratorKind::philox, seed, subject.file ? std::vector<std::string>{} : model_rules(network, subject.model));
  if (subject.file) {
    b.script = load_script(c.model);
    libtorch::apply_plan(*b.script, plan);
    if (network) apply_network_init(*b.script, *network, input);
    b.script->eval();
    b.tapped = std::make_shared<TappedModule>(*b.script);
    b.forward = [m = *b.script](const torch::Tensor& x) mutable { return m.forward({x}).toTensor(); };
    return b;
  }
  // The same builder as train: for mlp: the last layer is the output layer, without activation.
  b.net = build_model(subject.model, subject.data, ModelOptions{c.activation, false, 0.0});
  libtorch::apply_plan(*b.net, plan);
  if (network) {
    DataSplits batch = subject.data;
    batch.train.x = input;
    batch.train.y = torch::zeros({input.size(0)}, torch::kInt64);
    apply_network_init(b.net, *network, batch, seed);
  }
  b.net->eval();
  b.stages = stages_of(b.net);
  b.forward = [net = b.net](const torch::Tensor& x) mutable { return net->forward(x); };
  return b;
}

// The Jacobian of the whole net at each of the first `samples` inputs, by torch::autograd
// (one backward per output unit), and the statistics of its singular values.
JacobianSpectrum jacobian_spectrum(const std::function<torch::Tensor(const torch::Tensor&)>& forward, const torch::Tensor& input,
                                   int samples) {
  std::vector<torch::Tensor> values;
  for (int k = 0; k < std::min<std::int64_t>(samples, input.size(0)); ++k) {
    const auto x = input[k].detach().clone().requires_grad_(true);
    const auto y = forward(x.unsqueeze(0)).flatten();
    std::vector<torch::Tensor> rows;
    for (std::int64_t i = 0; i < y.size(0); ++i)
      rows.push_back(torch::autograd::grad({y[i]}, {x}, {}, /*retain_graph=*/true)[0].flatten());
    values.push_back(torch::linalg_svdvals(torch::stack(rows).to(torch::kFloat64)));
  }
  const auto s = torch::cat(values);
  const auto s2 = s.pow(2);
  JacobianSpectrum j;
  j.mean_squared = s2.mean().item<double>();
  j.max = s.max().item<double>();
  j.min = s.min().item<double>();
  j.condition = j.min > 0 ? j.max / j.min : std::numeric_limits<double>::infinity();
  j.spread = j.mean_squared > 0 ? s2.std(/*unbiased=*/false).item<double>() / j.mean_squared : 0.0;
  return j;
}

// Mean-field prediction of each layer's pre-activation variance (mlp: specs): sigma_w^2 =
// fan_in * Var(w) of the init for that layer's shape, q_1 from the input's second moment. The
// output layer's pre-activation follows the same map (its input is the last hidden activation).
// Empty where the init gives no per-element stddev.
std::vector<double> theory_of(const PropagateConfig& c, const std::string& init, const std::vector<std::int64_t>& widths,
                              const torch::Tensor& input) {
  const Nonlinearity nl = parse_nonlinearity(c.activation);
  const Initializer spec = parse_spec(init);
  std::vector<double> q;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    const auto target = target_of(spec, Shape{widths[l + 1], widths[l]}, Layout::torch);
    if (!target.stddev) return {};
    const double sw = *target.stddev * std::sqrt(static_cast<double>(widths[l]));
    if (l == 0) q.push_back(sw * sw * input.pow(2).mean().item<double>() + c.bias_std * c.bias_std);
    else q.push_back(variance_map(MeanField{nl, default_param(nl), std::max(sw, 1e-300), c.bias_std}, q.back()));
  }
  return q;
}

bool finite(const torch::Tensor& t) { return !t.defined() || torch::isfinite(t).all().item<bool>(); }

// "inf" or "nan" for a stage's output y that is not finite, x its input. A sum that overflows
// with both signs gives NaN, not inf: in a Linear / Conv layer or a residual block of them, finite
// inputs and finite weights can only make NaN that way, so there it counts as an overflow; a NaN
// or inf in the weights themselves is reported as what it is.
std::string nonfinite_value(const Stage& s, const torch::Tensor& x, const torch::Tensor& y) {
  if (torch::isinf(y).any().item<bool>()) return "inf";
  bool weights_nan = false, weights_inf = false;
  std::vector<torch::Tensor> params{s.bias};
  for (const auto& [n, w] : s.weights) params.push_back(w);
  for (const auto& w : params)
    if (w.defined()) {
      weights_nan = weights_nan || torch::isnan(w).any().item<bool>();
      weights_inf = weights_inf || torch::isinf(w).any().item<bool>();
    }
  const bool linear_algebra = s.type == "Linear" || s.type.rfind("Conv", 0) == 0 || s.type == "ResidualBlock" ||
                              s.type == "ResidualConvBlock";
  return !weights_nan && (weights_inf || (linear_algebra && finite(x))) ? "inf" : "nan";
}

// Where the forward signal first stops being finite, looking at every stage's output (not only
// the probes), and whether that was an overflow (inf) or a NaN (nonfinite_value).
std::optional<InitPropagation::NonFinite> first_nonfinite_forward(const std::vector<Stage>& stages, const torch::Tensor& input) {
  torch::NoGradGuard no_grad;
  torch::Tensor y = input;
  int layer = 0;
  std::string name;
  for (const auto& s : stages) {
    const torch::Tensor x = y;
    y = s.forward(x);
    if (s.kind == StageKind::weighted) {
      ++layer;
      name = s.name;
    }
    if (finite(y)) continue;
    const std::string value = nonfinite_value(s, x, y);
    return InitPropagation::NonFinite{0, std::max(layer, 1), name, value, "forward"};
  }
  return std::nullopt;
}

// The same for a TorchScript model, from its recorded module calls (leaves, in the order they ran).
std::optional<InitPropagation::NonFinite> first_nonfinite_call(const TappedModule& module, const std::vector<ModuleCall>& calls) {
  int layer = 0;
  for (const ModuleCall& call : calls) {
    if (!call.leaf || !call.output.defined()) continue;
    const Stage s = stage_of(module, call);
    if (s.kind == StageKind::weighted) ++layer;
    if (finite(call.output)) continue;
    const std::string value = nonfinite_value(s, call.input, call.output);
    return InitPropagation::NonFinite{0, std::max(layer, 1), s.name, value, "forward"};
  }
  return std::nullopt;
}

struct RunResult {
  std::vector<LayerStats> layers;
  std::vector<ModuleStats> modules;
  std::optional<InitPropagation::NonFinite> nonfinite;
};

RunResult run_once(const PropagateConfig& c, const Subject& subject, const std::string& init, const torch::Tensor& input,
                   std::uint64_t seed, std::optional<JacobianSpectrum>* jacobian, bool module_stats) {
  Built b = build(c, subject, init, seed, input);
  if (jacobian) *jacobian = jacobian_spectrum(b.forward, input, c.jacobian_samples);
  auto gen = at::detail::createCPUGenerator(seed);  // the study's own generator, not the process-wide one
  std::map<std::string, TransformerBlockImpl*> blocks;  // by stage name: their attention logits are kept
  for (const Stage& st : b.stages)
    if (auto* block = dynamic_cast<TransformerBlockImpl*>(st.module)) {
      block->attn->record_logits = true;
      blocks[st.name] = block;
    }
  std::vector<ModuleCall> calls;
  const ProbedForward f = b.tapped ? probed_forward(*b.tapped, input, /*retain_pre_grad=*/true, &calls)
                                   : probed_forward(b.stages, input, /*retain_pre_grad=*/true);
  const torch::Tensor cotangent = torch::randn(f.output.sizes(), gen, f.output.options());
  if (f.output.requires_grad()) (f.output * cotangent).sum().backward();  // a TorchScript model may hold no trainable parameter
  // The mean-field line needs i.i.d. weights of a known variance: not for network schemes.
  const bool iid = !subject.mlp.empty() && !parse_network_init(init);
  const std::vector<double> theory = iid ? theory_of(c, init, subject.mlp, input) : std::vector<double>{};
  RunResult r;
  if (module_stats)
    for (const ModuleCall& call : calls) {
      if (!call.output.defined()) continue;
      const TensorMoments m = tensor_moments(call.output);
      r.modules.push_back({call.name, call.type, call.depth, call.leaf, std::vector<std::int64_t>(call.output.sizes().begin(), call.output.sizes().end()),
                           m.mean, call.output.numel() > 1 ? std::sqrt(m.var) : 0.0, m.finite});
    }
  bool forward_finite = true;
  std::vector<bool> backward_finite(f.layers.size(), true);  // each layer's output and weight gradients
  for (std::size_t l = 0; l < f.layers.size(); ++l) {
    const ProbedLayer& p = f.layers[l];
    LayerStats s;
    s.layer = static_cast<int>(l) + 1;
    s.name = p.name;
    // One pass over each tensor (tensor_moments), none when the activation is the pre-activation.
    const TensorMoments pre = tensor_moments(p.pre);
    const bool own_act = p.act.unsafeGetTensorImpl() != p.pre.unsafeGetTensorImpl();
    const TensorMoments act = own_act ? tensor_moments(p.act) : pre;
    s.pre_mean = pre.mean;
    s.pre_var = pre.var;
    if (l < theory.size()) s.theory_var = theory[l];
    s.act_mean = act.mean;
    s.act_std = p.act.numel() > 1 ? std::sqrt(act.var) : 0.0;
    s.dead = dead_fraction(p.act).item<double>();
    s.saturated = saturated_fraction(p.activation, p.act).item<double>();
    if (p.pre.grad().defined()) {
      const TensorMoments g = tensor_moments(p.pre.grad());
      s.grad_pre_std = p.pre.grad().numel() > 1 ? std::sqrt(g.var) : 0.0;
      backward_finite[l] = g.finite;
    }
    // The weights' gradients pooled: sum n_i (var_i + mean_i^2) / n - mean^2 over the tensors.
    double count = 0, sum = 0, squares = 0;
    bool weights_finite = true;
    for (const auto& [name, w] : p.weights) {
      if (!w.grad().defined()) continue;
      const TensorMoments g = tensor_moments(w.grad());
      const double n = static_cast<double>(w.grad().numel());
      count += n, sum += n * g.mean, squares += n * (g.var + g.mean * g.mean);
      weights_finite = weights_finite && g.finite;
    }
    backward_finite[l] = backward_finite[l] && weights_finite;
    s.grad_weight_std = count > 1 ? std::sqrt(std::max(0.0, squares / count - (sum / count) * (sum / count))) : 0.0;
    if (count > 1 && !weights_finite) s.grad_weight_std = std::numeric_limits<double>::quiet_NaN();
    if (const auto it = blocks.find(p.name); it != blocks.end() && it->second->attn->logits.defined()) {
      const torch::Tensor logits = it->second->attn->logits.to(torch::kFloat64);  // [N, heads, T, T]
      s.attn_logit_std = logits.std(/*unbiased=*/false).item<double>();
      const torch::Tensor logp = torch::log_softmax(logits, -1);
      s.attn_entropy = (-(logp.exp() * logp).sum(-1)).mean().item<double>() / std::log(static_cast<double>(logits.size(-1)));
      it->second->attn->record_logits = false;
      it->second->attn->logits = torch::Tensor();
    }
    forward_finite = forward_finite && pre.finite && act.finite;
    r.layers.push_back(s);
  }
  forward_finite = forward_finite && finite(f.output);
  if (!forward_finite) {
    r.nonfinite = b.tapped ? first_nonfinite_call(*b.tapped, calls) : first_nonfinite_forward(b.stages, input);
    if (!r.nonfinite) r.nonfinite = InitPropagation::NonFinite{0, 1, f.layers.empty() ? "" : f.layers[0].name, "nan", "forward"};
  } else {
    // Backward: from the output layer to the first, the first gradient that is not finite. With
    // a finite forward pass, the lab's own layers make NaN only from inf - inf: an overflow.
    for (std::size_t l = f.layers.size(); l-- > 0 && !r.nonfinite;) {
      if (backward_finite[l]) continue;
      const ProbedLayer& p = f.layers[l];
      std::vector<torch::Tensor> grads{p.pre.grad()};
      for (const auto& [name, w] : p.weights) grads.push_back(w.grad());
      for (const auto& g : grads)
        if (!finite(g)) {
          const bool inf = !subject.file || torch::isinf(g).any().item<bool>();
          r.nonfinite = InitPropagation::NonFinite{0, static_cast<int>(l) + 1, p.name, inf ? "inf" : "nan", "backward"};
          break;
        }
    }
  }
  return r;
}

std::vector<InitPropagation> propagate_checked(const PropagateConfig& c) {
  if (c.batch < 2) throw Error("--batch " + std::to_string(c.batch) + " is invalid; expected >= 2");
  if (c.seeds < 1 || c.seeds > kMaxSeeds)
    throw Error("--seeds " + std::to_string(c.seeds) + " is invalid; expected 1.." + std::to_string(kMaxSeeds));
  if (c.jacobian_samples < 0) throw Error("--jacobian " + std::to_string(c.jacobian_samples) + " is invalid; expected >= 0 samples");
  if (!(c.bias_std >= 0) || !std::isfinite(c.bias_std))
    throw Error("--bias-std " + number_text(c.bias_std) + " is invalid; expected a finite number >= 0");
  if (!(c.max_memory_bytes >= 0) || !std::isfinite(c.max_memory_bytes))
    throw Error("--max-memory " + number_text(c.max_memory_bytes) + " bytes is invalid; expected a finite size > 0");
  make_activation(c.activation);  // validates
  Subject subject;
  subject.file = c.model.rfind("file:", 0) == 0;
  if (!subject.file) subject.model = parse_model_spec(c.model);
  else if (c.model.size() > kMaxModelSpecLength) parse_model_spec(c.model);  // the length error, worded once
  if (is_mlp(c.model)) subject.mlp = subject.model.widths;
  std::vector<SweepPoint> inits;
  for (const auto& i : c.inits)
    for (const auto& e : expand_sweep(i)) {
      if (e.spec == kWeightsAsTheyAre) {
        if (!subject.file) throw Error("--init " + e.spec + " reads a TorchScript model's own weights: it needs --model file:M.pt");
        inits.push_back(e);
        continue;
      }
      try {
        if (!parse_network_init(e.spec)) parse_spec(e.spec);  // every spec checked before any work
      } catch (const Error& err) {
        throw Error("--init '" + excerpt(e.spec) + "': " + error_line(err));
      }
      inits.push_back(e);
    }
  if (inits.empty()) throw Error("--init is required");

  // The input's shape first; nothing large is allocated before the footprint is checked.
  std::vector<std::int64_t> shape;
  std::int64_t batch = c.batch;
  std::int64_t vocabulary = 0;  // tokens: inputs
  const auto probe = parse_probe_input(c.input);
  const bool gaussian = c.input == "gaussian" || (probe && probe->vocabulary == 0);
  if (probe) {
    if (probe->vocabulary > 0 && !subject.file)
      throw Error("--input '" + excerpt(c.input) + "': token inputs are for file: models that start with an Embedding");
    shape = probe->shape;
    vocabulary = probe->vocabulary;
    subject.data.name = c.input;
    subject.data.num_classes = 10;
    subject.data.sample_shape = shape;
  } else if (gaussian) {
    if (subject.mlp.empty())
      throw Error("--model '" + excerpt(c.model) + "' needs the input's shape: --input gaussian:SHAPE (e.g. gaussian:1x28x28) or data:SPEC");
    shape = {subject.mlp.front()};
    subject.data.name = c.input;
    subject.data.num_classes = 10;
    subject.data.sample_shape = shape;
  } else if (c.input.rfind("data:", 0) == 0) {
    DataOptions o;
    o.val_fraction = 0;
    subject.data = load_data(c.input.substr(5), o);
    shape = subject.data.sample_shape;
    batch = std::min(c.batch, subject.data.train.size());
    if (batch < 2) throw Error("--input '" + excerpt(c.input) + "' has " + std::to_string(batch) + " training samples; expected >= 2");
  } else {
    throw Error("--input '" + excerpt(c.input) + "' is unknown; expected gaussian, gaussian:SHAPE, tokens:VOCABxLEN or data:SPEC");
  }
  const double features = product(shape);
  // `n` inputs: N(0, 1) of the shape, token ids, or the data's first n samples.
  const auto input_of = [&](std::int64_t n) {
    if (gaussian || vocabulary > 0) return make_probe_input({shape, vocabulary}, n, c.seed);
    const torch::Tensor x = subject.data.train.x.slice(0, 0, n);
    return x.is_floating_point() ? x.to(torch::kFloat32) : x;  // token ids stay ids
  };
  if (!subject.mlp.empty()) {
    if (features != static_cast<double>(subject.mlp.front()))
      throw Error("--input '" + excerpt(c.input) + "' has " + number_text(features) + " features but --model '" + excerpt(c.model) +
                  "' takes " + std::to_string(subject.mlp.front()));
    // propagate reads no labels: the output layer is as wide as the spec says
    subject.data.task = Task::classification;
    subject.data.num_classes = subject.data.num_outputs = subject.mlp.back();
  }

  // The footprint of one run, refused above the limit before the input or any net is allocated.
  const std::int64_t data_outputs = subject.data.task == Task::regression ? subject.data.num_outputs : subject.data.num_classes;
  Footprint footprint;
  if (subject.file) {
    // The module's own parameters, and its layers' outputs for one sample.
    check_footprint("--input '" + excerpt(c.input) + "'", footprint_of(ModelTally{}, features, 0, batch, 0), batch, c.max_memory_bytes);
    double out = 1;
    const ModelTally t = tally_script_model(load_script(c.model), input_of(1), &out);
    footprint = footprint_of(t, features, out, batch, c.jacobian_samples);
  } else {
    const ModelTally t = tally_lab_model(subject.model, shape, subject.mlp.empty() ? data_outputs : subject.mlp.back(), subject.data.vocabulary);
    const double out = subject.mlp.empty() ? static_cast<double>(data_outputs) : static_cast<double>(subject.mlp.back());
    footprint = footprint_of(t, features, out, batch, c.jacobian_samples);
  }
  check_footprint("--model '" + excerpt(c.model) + "'", footprint, batch, c.max_memory_bytes);

  torch::Tensor input = input_of(batch);
  if (!subject.mlp.empty()) input = input.flatten(1);
  if (!input.is_floating_point() && c.jacobian_samples > 0)
    throw Error("--jacobian needs a real-valued input; --input '" + excerpt(c.input) + "' gives token ids");

  std::vector<InitPropagation> out;
  const std::size_t runs = inits.size() * static_cast<std::size_t>(c.seeds);
  std::size_t run = 0;
  for (const auto& [init, value] : inits) {
    InitPropagation p;
    p.init = init;
    p.sweep_value = value;
    std::vector<double> finals;
    bool nan = false, overflow = false;
    for (int k = 0; k < c.seeds; ++k) {
      if (c.progress) c.progress(PropagateProgress{run++, runs, init, k, footprint.bytes});
      RunResult r = run_once(c, subject, init, input, c.seed + static_cast<std::uint64_t>(k),
                             k == 0 && c.jacobian_samples > 0 ? &p.jacobian : nullptr, k == 0 && subject.file);
      if (k == 0) p.modules = std::move(r.modules);
      if (r.nonfinite) {
        r.nonfinite->seed_index = k;
        nan = nan || r.nonfinite->value == "nan";
        overflow = overflow || r.nonfinite->value == "inf";
        if (!p.nonfinite) p.nonfinite = r.nonfinite;
      }
      p.seeds.push_back(std::move(r.layers));
      const auto& s = p.seeds.back();
      p.forward_ratio += (s.front().act_std > 0 ? s.back().act_std / s.front().act_std : 0.0) / c.seeds;
      p.backward_ratio += (s.back().grad_pre_std > 0 ? s.front().grad_pre_std / s.back().grad_pre_std : 0.0) / c.seeds;
      finals.push_back(s.back().act_std);
    }
    const double mean = std::accumulate(finals.begin(), finals.end(), 0.0) / static_cast<double>(finals.size());
    double ss = 0;
    for (double f : finals) ss += (f - mean) * (f - mean);
    p.final_act_std_spread = std::sqrt(ss / static_cast<double>(finals.size()));
    const auto bad_low = [](double r) { return r < kVanishingRatio; };
    const auto bad_high = [](double r) { return r > kExplodingRatio; };
    p.verdict = nan                                                     ? "nan"
                : overflow || bad_high(p.forward_ratio) || bad_high(p.backward_ratio) ? "exploding"
                : bad_low(p.forward_ratio) || bad_low(p.backward_ratio)             ? "vanishing"
                : std::isnan(p.forward_ratio) || std::isnan(p.backward_ratio)       ? "nan"
                                                                                      : "stable";
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

std::vector<SweepPoint> expand_sweep(const std::string& spec) {
  if (spec.size() > kMaxInitSpecLength)
    throw Error("--init '" + excerpt(spec) + "' is " + std::to_string(spec.size()) + " characters long; at most " +
                std::to_string(kMaxInitSpecLength) + " are accepted");
  const auto find_range = [&](std::size_t from) { return std::min(spec.find("logspace(", from), spec.find("linspace(", from)); };
  const std::size_t at = find_range(0);
  if (at == std::string::npos) {
    if (spec.find('(') != std::string::npos && spec.find("sqrt(") == std::string::npos)
      throw Error("--init '" + excerpt(spec) + "': a sweep is KEY=logspace(A,B,N) or KEY=linspace(A,B,N)");
    return {{spec, std::nullopt}};
  }
  const auto is_key_char = [](char ch) { return std::isalpha(static_cast<unsigned char>(ch)) || ch == '_'; };
  std::size_t key = at > 0 && spec[at - 1] == '=' ? at - 1 : at;  // the start of KEY in KEY=
  while (key < at && key > 0 && is_key_char(spec[key - 1])) --key;
  if (key + 1 >= at)
    throw Error("--init '" + excerpt(spec) + "': a sweep is KEY=logspace(A,B,N) or KEY=linspace(A,B,N), after a parameter name and '='");
  const std::size_t close = spec.find(')', at);
  const std::size_t end = close == std::string::npos ? spec.size() : close + 1;
  if (find_range(end) != std::string::npos)
    throw Error("--init '" + excerpt(spec) + "' holds more than one sweep; expected at most one KEY=logspace(A,B,N) or KEY=linspace(A,B,N)");
  std::vector<double> values;
  try {
    values = parse_number_range(std::string_view(spec).substr(at, end - at));
  } catch (const Error& e) {
    throw Error("--init '" + excerpt(spec) + "': " + error_line(e));
  }
  std::vector<SweepPoint> out;
  out.reserve(values.size());
  for (double v : values) {
    std::ostringstream os;
    os.precision(6);
    os << v;
    out.push_back({spec.substr(0, at) + os.str() + spec.substr(end), std::stod(os.str())});
  }
  return out;
}

std::vector<InitPropagation> propagate(const PropagateConfig& config) {
  // A LibTorch error that gets past the checks is one line, never its stack frames.
  try {
    return propagate_checked(config);
  } catch (...) {
    rethrow_one_line("propagate", "lower --batch or the model's size");
  }
}

}  // namespace initlab::lab
