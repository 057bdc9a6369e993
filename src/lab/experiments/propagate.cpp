#include "experiments/propagate.hpp"

#include <torch/script.h>
#include <torch/torch.h>

#include <functional>

#include <limits>
#include <cmath>
#include <numeric>
#include <regex>
#include <sstream>

#include "data/dataset.hpp"
#include "initlab/error.hpp"
#include "initlab/initializer.hpp"
#include "initlab/mean_field.hpp"
#include "initlab/number_text.hpp"
#include "initlab/shape.hpp"
#include "initlab/spec.hpp"
#include "initlab/torch/apply.hpp"
#include "models/models.hpp"
#include "models/probe.hpp"
#include "netinit/network_init.hpp"

namespace initlab::lab {
namespace {

bool is_mlp(const std::string& spec) { return spec.rfind("mlp:", 0) == 0; }

// mlp:WxL (an input of W, then L layers of W) or mlp:IN-W-...-W: every layer followed by the activation.
std::vector<std::int64_t> mlp_widths(const std::string& spec) {
  const std::string body = spec.substr(4);
  if (body.find('-') != std::string::npos) return parse_widths(spec, body);
  if (body.find('x') == std::string::npos) throw Error("propagate --model '" + spec + "' needs layers, e.g. mlp:100x10");
  return parse_widths(spec, body.substr(0, body.find('x')) + "-" + body);
}

double std_of(const torch::Tensor& t) { return t.numel() > 1 ? t.std(/*unbiased=*/false).item<double>() : 0.0; }

// The network under study, rebuilt for every init and seed.
struct Subject {
  std::vector<std::int64_t> mlp;  // widths, for mlp: specs (the mean-field theory applies)
  DataSplits data;                // shapes for the lab's other models
  bool file = false;              // a TorchScript model
};

struct Built {
  torch::nn::Sequential net{nullptr};
  std::optional<torch::jit::Module> script;
  std::vector<Stage> stages;
  std::function<torch::Tensor(const torch::Tensor&)> forward;
};

Built build(const PropagateConfig& c, const Subject& subject, const std::string& init, std::uint64_t seed, const torch::Tensor& input) {
  const std::string bias = c.bias_std > 0 ? "normal:std=" + number_text(c.bias_std) : "zeros";
  const auto network = parse_network_init(init);  // lsuv, fixup, ...: drawn from their base, then applied (on this batch)
  const auto plan = libtorch::make_plan(network ? network->base : init, bias, {}, GeneratorKind::philox, seed);
  Built b;
  if (subject.file) {
    const std::string path = c.model.substr(5);
    try {
      b.script = torch::jit::load(path);
    } catch (const std::exception&) {
      throw Error("--model '" + c.model + "': '" + path + "' is not a TorchScript model (save one with torch.jit.save)");
    }
    libtorch::apply_plan(*b.script, plan);
    if (network) apply_network_init(*b.script, *network, input);
    b.script->eval();
    b.stages = stages_of(*b.script, input);
    b.forward = [m = *b.script](const torch::Tensor& x) mutable { return m.forward({x}).toTensor(); };
    return b;
  }
  if (!subject.mlp.empty()) {
    b.net = torch::nn::Sequential();
    for (std::size_t l = 1; l < subject.mlp.size(); ++l) {
      b.net->push_back("fc" + std::to_string(l), torch::nn::Linear(subject.mlp[l - 1], subject.mlp[l]));
      b.net->push_back("act" + std::to_string(l), make_activation(c.activation));
    }
  } else {
    b.net = build_model(c.model, subject.data, ModelOptions{c.activation, false, 0.0});
  }
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
// fan_in * Var(w) of the init, q_1 from the input's second moment.
std::vector<double> theory_of(const PropagateConfig& c, const std::string& init, const std::vector<std::int64_t>& widths,
                              const torch::Tensor& input) {
  const Nonlinearity nl = parse_nonlinearity(c.activation);
  const auto target = target_of(parse_spec(init), Shape{widths[1], widths[0]}, Layout::torch);
  std::vector<double> q;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    const double sw = target.stddev ? *target.stddev * std::sqrt(static_cast<double>(widths[l])) : 0.0;
    if (l == 0) q.push_back(sw * sw * input.pow(2).mean().item<double>() + c.bias_std * c.bias_std);
    else q.push_back(variance_map(MeanField{nl, default_param(nl), std::max(sw, 1e-300), c.bias_std}, q.back()));
  }
  return q;
}

std::vector<LayerStats> run_once(const PropagateConfig& c, const Subject& subject, const std::string& init, const torch::Tensor& input,
                                 std::uint64_t seed, std::optional<JacobianSpectrum>* jacobian) {
  Built b = build(c, subject, init, seed, input);
  if (jacobian) *jacobian = jacobian_spectrum(b.forward, input, c.jacobian_samples);
  torch::manual_seed(seed);
  const ProbedForward f = probed_forward(b.stages, input, /*retain_pre_grad=*/true);
  const torch::Tensor cotangent = torch::randn_like(f.output);
  (f.output * cotangent).sum().backward();
  // The mean-field line needs i.i.d. weights of a known variance: not for network schemes.
  const bool iid = !subject.mlp.empty() && !parse_network_init(init);
  const std::vector<double> theory = iid ? theory_of(c, init, subject.mlp, input) : std::vector<double>{};
  std::vector<LayerStats> out;
  for (std::size_t l = 0; l < f.layers.size(); ++l) {
    const ProbedLayer& p = f.layers[l];
    LayerStats s;
    s.layer = static_cast<int>(l) + 1;
    s.name = p.name;
    s.pre_mean = p.pre.mean().item<double>();
    s.pre_var = p.pre.var(/*unbiased=*/false).item<double>();
    if (l < theory.size()) s.theory_var = theory[l];
    s.act_mean = p.act.mean().item<double>();
    s.act_std = std_of(p.act);
    s.dead = dead_fraction(p.act).item<double>();
    s.saturated = saturated_fraction(p.activation, p.act).item<double>();
    s.grad_pre_std = p.pre.grad().defined() ? std_of(p.pre.grad()) : 0.0;
    std::vector<torch::Tensor> grads;
    for (const auto& [name, w] : p.weights)
      if (w.grad().defined()) grads.push_back(w.grad().flatten());
    s.grad_weight_std = grads.empty() ? 0.0 : std_of(torch::cat(grads));
    out.push_back(s);
  }
  return out;
}

}  // namespace

std::vector<SweepPoint> expand_sweep(const std::string& spec) {
  static const std::regex sweep(R"(([A-Za-z_]+)=(logspace|linspace)\(([^,()]+),([^,()]+),([^,()]+)\))");
  std::smatch m;
  if (!std::regex_search(spec, m, sweep)) {
    if (spec.find('(') != std::string::npos && spec.find("sqrt(") == std::string::npos)
      throw Error("sweep in '" + spec + "' is not KEY=logspace(A,B,N) or KEY=linspace(A,B,N)");
    return {{spec, std::nullopt}};
  }
  double a = 0, b = 0;
  int n = 0;
  try {
    a = std::stod(m[3]);
    b = std::stod(m[4]);
    n = std::stoi(m[5]);
  } catch (...) {
    throw Error("sweep '" + m.str(0) + "' needs two numbers and a count");
  }
  const bool log = m[2] == "logspace";
  if (n < 1 || n > 10000 || (log && (a <= 0 || b <= 0)))
    throw Error("sweep '" + m.str(0) + "' is invalid; expected N in 1..10000 and, for logspace, A, B > 0");
  std::vector<SweepPoint> out;
  for (int i = 0; i < n; ++i) {
    const double t = n == 1 ? 0.0 : static_cast<double>(i) / (n - 1);
    const double v = log ? std::exp(std::log(a) + t * (std::log(b) - std::log(a))) : a + t * (b - a);
    std::ostringstream os;
    os.precision(6);
    os << v;
    out.push_back({m.prefix().str() + m[1].str() + "=" + os.str() + m.suffix().str(), std::stod(os.str())});
  }
  return out;
}

std::vector<InitPropagation> propagate(const PropagateConfig& c) {
  if (c.batch < 2) throw Error("--batch " + std::to_string(c.batch) + " is invalid; expected >= 2");
  if (c.seeds < 1) throw Error("--seeds " + std::to_string(c.seeds) + " is invalid; expected >= 1");
  if (c.jacobian_samples < 0) throw Error("--jacobian " + std::to_string(c.jacobian_samples) + " is invalid; expected >= 0 samples");
  if (!(c.bias_std >= 0)) throw Error("--bias-std must be >= 0");
  make_activation(c.activation);  // validates
  Subject subject;
  subject.file = c.model.rfind("file:", 0) == 0;
  if (is_mlp(c.model)) subject.mlp = mlp_widths(c.model);
  std::vector<SweepPoint> inits;
  for (const auto& i : c.inits)
    for (const auto& e : expand_sweep(i)) {
      if (!parse_network_init(e.spec)) parse_spec(e.spec);  // every spec checked before any work
      inits.push_back(e);
    }
  if (inits.empty()) throw Error("--init is required");
  torch::Tensor input;
  if (c.input == "gaussian" || c.input.rfind("gaussian:", 0) == 0) {
    std::vector<std::int64_t> shape;
    if (c.input != "gaussian") {
      try {
        shape = parse_shape(c.input.substr(std::string("gaussian:").size()));
      } catch (const Error& e) {
        throw Error("--input '" + c.input + "': " + e.what() + " (expected gaussian:SHAPE, e.g. gaussian:1x28x28)");
      }
    }
    else if (!subject.mlp.empty()) shape = {subject.mlp.front()};
    else throw Error("--model '" + c.model + "' needs the input's shape: --input gaussian:SHAPE (e.g. gaussian:1x28x28) or data:SPEC");
    torch::manual_seed(c.seed);
    std::vector<std::int64_t> sizes{c.batch};
    sizes.insert(sizes.end(), shape.begin(), shape.end());
    input = torch::randn(sizes);
    subject.data.name = c.input;
    subject.data.num_classes = 10;
    subject.data.sample_shape = shape;
  } else if (c.input.rfind("data:", 0) == 0) {
    DataOptions o;
    o.val_fraction = 0;
    subject.data = load_data(c.input.substr(5), o);
    input = subject.data.train.x.slice(0, 0, std::min(c.batch, subject.data.train.size())).to(torch::kFloat32);
    if (!subject.mlp.empty()) input = input.flatten(1);
  } else {
    throw Error("--input '" + c.input + "' is unknown; expected gaussian, gaussian:SHAPE or data:SPEC");
  }
  if (!subject.mlp.empty() && (input.dim() != 2 || input.size(1) != subject.mlp.front()))
    throw Error("--input '" + c.input + "' has " + std::to_string(input[0].numel()) + " features but --model '" + c.model + "' takes " +
                std::to_string(subject.mlp.front()));
  std::vector<InitPropagation> out;
  for (const auto& [init, value] : inits) {
    InitPropagation p;
    p.init = init;
    p.sweep_value = value;
    std::vector<double> finals;
    for (int k = 0; k < c.seeds; ++k) {
      p.seeds.push_back(run_once(c, subject, init, input, c.seed + static_cast<std::uint64_t>(k),
                                 k == 0 && c.jacobian_samples > 0 ? &p.jacobian : nullptr));
      const auto& s = p.seeds.back();
      p.forward_ratio += (s.front().act_std > 0 ? s.back().act_std / s.front().act_std : 0.0) / c.seeds;
      p.backward_ratio += (s.back().grad_pre_std > 0 ? s.front().grad_pre_std / s.back().grad_pre_std : 0.0) / c.seeds;
      finals.push_back(s.back().act_std);
    }
    const double mean = std::accumulate(finals.begin(), finals.end(), 0.0) / static_cast<double>(finals.size());
    double ss = 0;
    for (double f : finals) ss += (f - mean) * (f - mean);
    p.final_act_std_spread = std::sqrt(ss / static_cast<double>(finals.size()));
    const auto bad_low = [](double r) { return !(r >= kVanishingRatio); };
    const auto bad_high = [](double r) { return r > kExplodingRatio; };
    p.verdict = bad_high(p.forward_ratio) || bad_high(p.backward_ratio)  ? "exploding"
                : bad_low(p.forward_ratio) || bad_low(p.backward_ratio) ? "vanishing"
                                                                         : "stable";
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace initlab::lab
