#include "netinit/network_init.hpp"

#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <map>

#include "initlab/error.hpp"
#include "initlab/key_values.hpp"
#include "initlab/number_text.hpp"
#include "initlab/spec.hpp"
#include "initlab/torch/layer_kind.hpp"
#include "data/spec_options.hpp"
#include "models/models.hpp"
#include "models/probe.hpp"
#include "models/script_net.hpp"
#include "models/script_taps.hpp"
#include "netinit/scheme_registry.hpp"
#include "netinit/transformer_init.hpp"
#include "models/vit.hpp"

namespace initlab::lab {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The first `n` rows of the training set in an order drawn from `seed`.
torch::Tensor batch_of(const DataSplits& data, std::int64_t n, std::uint64_t seed) {
  if (data.train.size() == 0) throw Error("a data-dependent init needs training data; --data '" + data.name + "' has none");
  auto gen = at::detail::createCPUGenerator(seed);
  const auto order = torch::randperm(data.train.size(), gen, torch::kInt64).slice(0, 0, std::min(n, data.train.size()));
  return data.train.x.index_select(0, order);
}

// Why a stage is not one Linear / Conv layer these schemes can rescale ("" when it is).
std::string not_rescalable(const Stage& s) {
  if (s.weights.size() != 1) return "skipped: not a single Linear / Conv layer (" + std::to_string(s.weights.size()) + " weight tensors)";
  if (s.type == "Embedding") return "skipped: an embedding (a lookup table, not a layer's output scale)";
  return "";
}

// One Linear / Conv layer as the data-dependent schemes see it: its parameters and its forward.
struct Rescalable {
  std::string name;
  torch::Tensor weight, bias;
  std::function<torch::Tensor(const torch::Tensor&)> forward;
};

// The Linear layers inside a vit's patch embedding or transformer block, in execution order, each
// with a forward that runs the whole stage on the stage's input and returns that layer's output
// (taken by a tap), so LSUV and datadep rescale every matrix of a transformer. Empty for other stages.
std::vector<Rescalable> tapped_layers(const Stage& s) {
  std::vector<Rescalable> out;
  const auto tapped_forward = [](auto* module, const std::string& layer) {
    return [module, layer](const torch::Tensor& x) {
      torch::Tensor taken;
      module->forward_tapped(x, [&](const std::string& name, const torch::Tensor& y) {
        if (name == layer) taken = y;
      });
      return taken;
    };
  };
  if (auto* e = s.module ? dynamic_cast<PatchEmbeddingImpl*>(s.module) : nullptr) {
    out.push_back({s.name + ".proj", e->proj->weight, e->proj->bias, tapped_forward(e, "proj")});
  } else if (auto* b = s.module ? dynamic_cast<TransformerBlockImpl*>(s.module) : nullptr) {
    for (const auto& [name, layer] : b->linears()) out.push_back({s.name + "." + name, layer->weight, layer->bias, tapped_forward(b, name)});
  }
  return out;
}

// Walks the chain on x and calls one(layer, its input) for every single Linear / Conv stage and
// every layer inside a lab residual block, in network order; `one` may change the layer, and the
// walk goes on with the changed output. Other weighted stages are reported as skipped.
template <class Fn>
std::vector<LayerInitReport> each_rescalable_layer(const std::vector<Stage>& stages, const torch::Tensor& x, Fn one) {
  torch::NoGradGuard no_grad;
  std::vector<LayerInitReport> out;
  torch::Tensor y = x;
  for (const auto& s : stages) {
    if (s.kind == StageKind::weighted) {
      const ResidualBranch branch = s.module ? residual_branch(*s.module) : ResidualBranch{};
      if (const auto inside = tapped_layers(s); !inside.empty()) {
        for (const auto& l : inside) out.push_back(one(l, y));
      } else if (!branch.layers.empty()) {
        torch::Tensor h = y;
        for (std::size_t k = 0; k < branch.layers.size(); ++k) {
          const auto& l = branch.layers[k];
          out.push_back(one(Rescalable{s.name + "." + l.name, l.weight, l.bias, l.forward}, h));
          h = l.forward(h);
          if (k + 1 < branch.layers.size()) h = branch.activation(h);
        }
      } else if (const std::string why = not_rescalable(s); why.empty()) {
        out.push_back(one(Rescalable{s.name, s.weights[0].second, s.bias, s.forward}, y));
      } else {
        out.push_back({s.name, 0, std::nan(""), why});
      }
    }
    y = s.forward(y);
  }
  return out;
}

// The same walk on a TorchScript model, through its module calls: every weighted leaf module in the
// order it first ran, each layer's "forward" being the whole model on x, read at that module's
// output (so every change made so far is seen). A module called twice is judged by its first call.
template <class Fn>
std::vector<LayerInitReport> each_tapped_layer(TappedModule& module, const torch::Tensor& x, Fn one) {
  torch::NoGradGuard no_grad;
  // The forwards run with gradients on: in eval mode without them, PyTorch's TransformerEncoderLayer
  // takes its fused fast path and calls none of its submodules (nothing would be seen or rescaled).
  const auto run = [&module](const torch::Tensor& in) {
    torch::AutoGradMode grad(true);
    return module.run(in);
  };
  std::vector<ModuleCall> calls;
  {
    torch::AutoGradMode grad(true);
    probed_forward(module, x, /*retain_pre_grad=*/false, &calls);
  }
  std::vector<LayerInitReport> out;
  std::set<std::string> seen;
  for (const ModuleCall& call : calls) {
    if (!call.leaf) continue;
    const Stage s = stage_of(module, call);
    if (s.kind != StageKind::weighted || !seen.insert(s.name).second) continue;
    if (const std::string why = not_rescalable(s); !why.empty()) {
      out.push_back({s.name, 0, std::nan(""), why});
      continue;
    }
    const std::string name = s.name;
    const auto output_of = [run, name](const torch::Tensor& in) {
      for (ModuleCall& c : run(in))
        if (c.name == name) return c.output.detach();
      throw Error("'" + name + "' did not run on the batch");
    };
    out.push_back(one(Rescalable{name, s.weights[0].second, s.bias, output_of}, x));
  }
  return out;
}

// Mishkin & Matas 2016, Algorithm 1, after the orthonormal pre-initialization (the base spec):
// for each layer in order, W <- W / sqrt(Var(output)) until |Var - 1| < tol or max_iter.
LayerInitReport lsuv_layer(const Rescalable& layer, const torch::Tensor& input, const NetworkInit& init) {
  auto variance = [&] { return layer.forward(input).var(/*unbiased=*/false).item<double>(); };
  LayerInitReport r{layer.name, 0, variance(), ""};
  while (std::abs(r.variance - 1.0) >= init.tol && r.iterations < init.max_iter) {
    if (!(r.variance > 0) || !std::isfinite(r.variance)) {
      r.note = "output variance " + number_text(r.variance) + ": cannot rescale";
      break;
    }
    layer.weight.mul_(1.0 / std::sqrt(r.variance));
    ++r.iterations;
    r.variance = variance();
  }
  if (r.note.empty() && std::abs(r.variance - 1.0) >= init.tol) r.note = "not within tol after max_iter";
  return r;
}

// Krähenbühl et al. 2016, within-layer initialization: for each layer in order, every output
// unit (channel) gets mean `mean` and variance 1 on the batch: W_i <- W_i / s_i, b_i <- (b_i - m_i) / s_i + mean.
LayerInitReport datadep_layer(const Rescalable& layer, const torch::Tensor& input, const NetworkInit& init) {
  const auto units = [&] {
    const torch::Tensor raw = layer.forward(input);
    if (layer.weight.dim() == 2) return raw.reshape({-1, raw.size(-1)}).t();  // a Linear's units are its last axis ([N, D], [N, T, D])
    return raw.transpose(0, 1).reshape({raw.size(1), -1});                     // a convolution's, its channels
  };
  const torch::Tensor u = units();
  const torch::Tensor mean = u.mean(1);
  torch::Tensor sd = u.std(1, /*unbiased=*/false);
  const std::int64_t flat = (sd == 0).sum().item<std::int64_t>();
  sd = torch::where(sd > 0, sd, torch::ones_like(sd));  // a constant unit keeps its scale
  std::vector<std::int64_t> shape(static_cast<std::size_t>(layer.weight.dim()), 1);
  shape[0] = layer.weight.size(0);
  layer.weight.div_(sd.view(shape));
  LayerInitReport r{layer.name, 1, 0, ""};
  if (layer.bias.defined()) layer.bias.sub_(mean).div_(sd).add_(init.mean);
  else r.note = "no bias: scaled only";
  if (flat > 0) r.note += (r.note.empty() ? "" : "; ") + std::to_string(flat) + " constant units left unscaled";
  r.variance = units().var(1, /*unbiased=*/false).mean().item<double>();
  return r;
}

// The residual blocks of a lab model and their weights in order (the last ends the branch).
struct Branch {
  std::string name;
  std::vector<std::pair<std::string, torch::Tensor>> weights;
};

std::vector<Branch> branches_of(torch::nn::Sequential& net) {
  std::vector<Branch> out;
  for (const auto& child : net->named_children()) {
    if (!is_residual_block(*child.value())) continue;
    Branch b{child.key(), {}};
    for (const auto& p : child.value()->named_parameters(/*recurse=*/true))
      if (p.value().dim() >= 2) b.weights.emplace_back(child.key() + "." + p.key(), p.value());
    out.push_back(std::move(b));
  }
  return out;
}

// Zeroes a weight and, when it has one, its layer's bias ("x.fc2.weight" -> "x.fc2.bias").
void zero_layer(torch::nn::Sequential& net, const std::string& weight_name, torch::Tensor w) {
  torch::NoGradGuard no_grad;
  w.zero_();
  const std::string bias_name = weight_name.substr(0, weight_name.size() - std::string("weight").size()) + "bias";
  const auto params = net->named_parameters();  // find() points into this dictionary
  if (const auto* b = params.find(bias_name)) b->zero_();
}

std::vector<LayerInitReport> zero_branches(torch::nn::Sequential& net, const std::vector<Branch>& branches, const char* why) {
  std::vector<LayerInitReport> out;
  for (const auto& b : branches) {
    zero_layer(net, b.weights.back().first, b.weights.back().second);
    out.push_back({b.weights.back().first, 0, 0, why});
  }
  return out;
}

// Zhang, Dauphin & Ma 2019, Fixup rules 1-2: the classification layer and the last layer of each
// residual branch start at zero; the other branch layers are the base (He) init scaled by
// L^(-1/(2m-2)) for L branches of m layers. (Rule 3, scalar multipliers and biases, changes the
// architecture and is not part of an initializer.)
std::vector<LayerInitReport> fixup(torch::nn::Sequential& net, const std::vector<Branch>& branches) {
  const double L = static_cast<double>(branches.size());
  const double m = static_cast<double>(branches.front().weights.size());
  if (m < 2) throw Error("fixup needs residual branches of at least two layers");
  const double scale = std::pow(L, -1.0 / (2.0 * m - 2.0));
  std::vector<LayerInitReport> out;
  torch::NoGradGuard no_grad;
  for (const auto& b : branches)
    for (std::size_t i = 0; i + 1 < b.weights.size(); ++i) {
      b.weights[i].second.mul_(scale);
      out.push_back({b.weights[i].first, 0, 0, "scaled by L^(-1/(2m-2)) = " + number_text(scale)});
    }
  for (auto& r : zero_branches(net, branches, "zeroed (last layer of a residual branch)")) out.push_back(r);
  // The classification layer: the last weighted child.
  std::string last_name;
  torch::Tensor last;
  for (const auto& p : net->named_parameters())
    if (p.value().dim() >= 2) {
      last_name = p.key();
      last = p.value();
    }
  zero_layer(net, last_name, last);
  out.push_back({last_name, 0, 0, "zeroed (classification layer)"});
  return out;
}

// Greedy layer-wise pretraining: each hidden Linear layer, with its activation, is the encoder of
// an autoencoder (a fresh Linear decoder) trained with Adam on the previous layer's codes of the
// training set to reconstruct them (MSE); the encoder's weights stay.
std::vector<LayerInitReport> pretrain(const std::vector<Stage>& stages, const DataSplits& data, const NetworkInit& init,
                                      std::uint64_t seed) {
  std::vector<std::size_t> linear;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    if (stages[i].kind == StageKind::weighted) linear.push_back(i);  // all Linear (check_network_init)
  }
  if (linear.size() < 2) throw Error("pretrain:ae needs at least one hidden layer");
  auto gen = at::detail::createCPUGenerator(seed);  // the run's own generator: shuffling and the decoders' init
  torch::Tensor codes = data.train.x;
  {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < linear.front(); ++i) codes = stages[i].forward(codes);  // e.g. Flatten
  }
  std::vector<LayerInitReport> out;
  for (std::size_t k = 0; k + 1 < linear.size(); ++k) {  // every Linear but the output layer
    const Stage& enc = stages[linear[k]];
    std::vector<const Stage*> after;  // the stages up to the next Linear (activation, norm, dropout)
    for (std::size_t i = linear[k] + 1; i < linear[k + 1]; ++i) after.push_back(&stages[i]);
    const auto encode = [&](const torch::Tensor& x) {
      torch::Tensor z = enc.forward(x);
      for (const Stage* s : after) z = s->forward(z);
      return z;
    };
    torch::nn::Linear decoder(enc.weights[0].second.size(0), enc.weights[0].second.size(1));
    {  // PyTorch's default Linear init, U(+-1/sqrt(fan_in)) for weight and bias, drawn from `gen`
      torch::NoGradGuard no_grad;
      const double bound = 1.0 / std::sqrt(static_cast<double>(decoder->weight.size(1)));
      decoder->weight.uniform_(-bound, bound, gen);
      decoder->bias.uniform_(-bound, bound, gen);
    }
    std::vector<torch::Tensor> params{enc.weights[0].second};
    if (enc.bias.defined()) params.push_back(enc.bias);
    for (auto& p : decoder->parameters()) params.push_back(p);
    torch::optim::Adam adam(params, torch::optim::AdamOptions(init.lr));
    double loss_sum = 0;
    const std::int64_t n = codes.size(0);
    for (int epoch = 0; epoch < init.epochs; ++epoch) {
      const auto order = torch::randperm(n, gen, torch::kInt64);
      loss_sum = 0;
      for (std::int64_t i = 0; i < n; i += init.batch) {
        const auto x = codes.index_select(0, order.slice(0, i, std::min(n, i + init.batch)));
        adam.zero_grad();
        const auto loss = torch::mse_loss(decoder(encode(x)), x);
        loss.backward();
        adam.step();
        loss_sum += loss.item<double>() * static_cast<double>(x.size(0));
      }
    }
    {
      torch::NoGradGuard no_grad;
      codes = encode(codes);
    }
    out.push_back({enc.name, init.epochs, loss_sum / static_cast<double>(n), "autoencoder reconstruction MSE in the last epoch"});
  }
  return out;
}

}  // namespace

const std::vector<std::string>& network_init_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const SchemeInfo& s : scheme_registry()) v.push_back(s.name);
    return v;
  }();
  return names;
}

namespace {

bool is_recurrent_recipe(const std::string& scheme) {
  return scheme == "irnn" || scheme == "rnn_orthogonal" || scheme == "chrono" || scheme == "forget_bias";
}

// The role rules of a recurrent recipe, from its parameters.
void recurrent_recipe(NetworkInit& n, const KeyValues& args, const std::string& spec) {
  const auto quoted = "init '" + excerpt(spec, 80) + "'";
  if (n.scheme == "irnn") {
    const double sd = args.number("std", 0.001);
    if (!(sd >= 0) || !std::isfinite(sd)) throw Error(quoted + ": std=" + args.text("std") + " is invalid; expected a finite std >= 0");
    n.base = "normal:std=" + number_text(sd);
    n.rules = {"*.weight_hh_l*=eye"};
    n.bias = "zeros";
    return;
  }
  const double gain = args.number("gain", 1.0);
  if (!(gain > 0) || !std::isfinite(gain)) throw Error(quoted + ": gain=" + args.text("gain") + " is invalid; expected a finite gain > 0");
  n.rules = {"*.weight_hh_l*=orthogonal:gain=" + number_text(gain)};
  if (!args.has("base")) n.base = "xavier_uniform";  // Keras's LSTM: glorot_uniform kernel, orthogonal recurrent kernel
  n.bias = "zeros";
  if (n.scheme == "chrono") {
    const std::int64_t tmax = args.integer("tmax", 0, 2, 1000000000);
    n.bias = tmax == 0 ? "chrono" : "chrono:tmax=" + std::to_string(tmax);
  } else if (n.scheme == "forget_bias") {
    const double value = args.number("value", 1.0);
    if (!std::isfinite(value)) throw Error(quoted + ": value=" + args.text("value") + " is invalid; expected a finite number");
    n.bias = "forget_bias:value=" + number_text(value);
  }
}

}  // namespace

namespace {

// The module types of a lab model, or of a file: model's script module.
std::vector<std::string> module_types(torch::nn::Sequential& net) {
  std::vector<std::string> out;
  if (ScriptNetImpl* s = script_net_of(net)) {
    for (const auto& m : s->script().modules())
      if (m.type()->name()) out.push_back(m.type()->name()->qualifiedName());
  } else {
    for (const auto& m : net->modules(/*include_self=*/false)) out.push_back(m->name());
  }
  return out;
}

void check_script_scheme(const NetworkInit& init) {
  if (!is_recurrent_recipe(init.scheme) && init.scheme != "lsuv" && init.scheme != "datadep")
    throw Error("init '" + excerpt(init.spec) + "' needs to know the architecture (residual branches, layers): use it with a lab model; "
                "on a TorchScript model only lsuv, datadep and the recurrent recipes work");
}

}  // namespace

std::vector<std::string> model_rules(const std::optional<NetworkInit>& network, const ModelSpec& model) {
  if (model.kind == ModelKind::file) {  // the script module's own rules apply at init (libtorch::apply_plan)
    if (network) check_script_scheme(*network);
    return {};
  }
  std::vector<std::string> out = network ? transformer_rules(*network, model) : std::vector<std::string>{};
  for (auto& r : model_default_rules(model)) out.push_back(std::move(r));
  return out;
}

libtorch::InitPlan base_plan(const std::optional<NetworkInit>& network, const std::string& init, const std::string& bias,
                             const std::vector<std::string>& overrides, GeneratorKind generator, std::uint64_t seed,
                             const std::vector<std::string>& model_rules) {
  libtorch::InitPlan plan = network ? libtorch::make_plan(network->base, bias.empty() ? network->bias : bias, overrides, generator, seed)
                                    : libtorch::make_plan(init, bias, overrides, generator, seed);
  if (network) libtorch::add_implied_rules(plan, network->rules);
  libtorch::add_implied_rules(plan, model_rules);
  return plan;
}

std::optional<NetworkInit> parse_network_init(const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string name = lower(spec.substr(0, colon));
  NetworkInit n;
  n.spec = spec;
  if (name == "lsuv") n.base = "orthogonal";
  else if (name == "datadep") n.base = "kaiming_normal";  // the scale of normalized layers does not matter; layers it skips keep a sane one
  else if (name == "zero_init" || name == "zero") n.base = "zero_init";  // "ZerO", as in the core registry
  else if (name == "fixup" || name == "skipinit") n.base = "kaiming_normal";
  else if (name == "pretrain") n.base = "kaiming_normal";
  else if (is_recurrent_recipe(name)) n.base = "xavier_uniform";
  else if (is_transformer_scheme(name)) n.base = transformer_base(name);
  else return std::nullopt;
  n.scheme = name == "zero" ? "zero_init" : name;
  if (n.scheme == "pretrain") n.batch = 64;
  const std::map<std::string, std::vector<std::string>> keys = {
      {"lsuv", {"tol", "max_iter", "batch"}}, {"datadep", {"batch", "mean"}}, {"zero_init", {}},
      {"fixup", {}}, {"skipinit", {"base"}}, {"pretrain", {"epochs", "lr", "batch", "base"}},
      {"irnn", {"std"}}, {"rnn_orthogonal", {"gain", "base"}}, {"chrono", {"tmax", "gain", "base"}}, {"forget_bias", {"value", "gain", "base"}},
      {"gpt2", {"std"}}, {"small_init", {}}, {"t_fixup", {}}, {"deepnorm", {}}};
  const KeyValues args(colon == std::string::npos ? std::string_view() : std::string_view(spec).substr(colon + 1),
                       {"init '" + excerpt(spec, 80) + "'", "parameter", n.scheme, keys.at(n.scheme),
                        n.scheme == "pretrain" ? std::vector<std::string>{"ae"} : std::vector<std::string>{}});
  const bool method = !args.words().empty();
  constexpr std::int64_t kMaxCount = 1000000000;
  n.tol = args.number("tol", n.tol);
  if (!(n.tol > 0)) throw Error("init '" + excerpt(spec, 80) + "': tol=" + args.text("tol") + " is invalid; expected > 0");
  n.max_iter = static_cast<int>(args.integer("max_iter", n.max_iter, 1, kMaxCount));
  n.batch = args.integer("batch", n.batch, 2, kMaxCount);
  n.mean = args.number("mean", n.mean);
  n.epochs = static_cast<int>(args.integer("epochs", n.epochs, 1, kMaxCount));
  n.lr = args.number("lr", n.lr);
  if (!(n.lr > 0)) throw Error("init '" + excerpt(spec, 80) + "': lr=" + args.text("lr") + " is invalid; expected > 0");
  if (args.has("base")) {
    parse_spec(args.text("base"));  // a per-tensor spec
    n.base = args.text("base");
  }
  if (n.scheme == "pretrain" && !method) throw Error("init '" + spec + "': expected pretrain:ae[,epochs=N,lr=X,batch=B,base=SPEC]");
  if (is_recurrent_recipe(n.scheme)) recurrent_recipe(n, args, spec);
  if (is_transformer_scheme(n.scheme)) {
    n.bias = "zeros";
    if (n.scheme == "gpt2") {
      n.std = args.number("std", n.std);
      if (!(n.std > 0)) throw Error("init '" + excerpt(spec, 80) + "': std=" + args.text("std") + " is invalid; expected a finite std > 0");
      n.base = "normal:std=" + number_text(n.std);
    }
  }
  return n;
}

void check_network_init(torch::nn::Sequential& net, const NetworkInit& init) {
  if (script_net_of(net)) check_script_scheme(init);
  if (is_recurrent_recipe(init.scheme)) {
    bool recurrent = false, lstm = false;
    for (const auto& type : module_types(net)) {
      const auto kind = libtorch::layer_kind_of(type);
      recurrent = recurrent || libtorch::is_recurrent(kind);
      lstm = lstm || kind == libtorch::LayerKind::lstm;
    }
    if (!recurrent) throw Error(init.scheme + " initializes recurrent layers; --model needs one (rnn:relu-100, rnn:lstm-128, ...)");
    if ((init.scheme == "chrono" || init.scheme == "forget_bias") && !lstm)
      throw Error(init.scheme + " sets LSTM gate biases; --model needs an LSTM (rnn:lstm-128)");
  }
  if ((init.scheme == "fixup" || init.scheme == "skipinit") && branches_of(net).empty())
    throw Error(init.scheme + " needs a residual model (resmlp:..., rescnn:...): this one has no residual branches");
  if (is_transformer_scheme(init.scheme) && transformer_blocks(*net).empty())
    throw Error("--init '" + excerpt(init.spec, 80) + "' initializes transformers; this model has no transformer blocks (use vit:DIM-LAYERS-HEADS)");
  if (init.scheme == "pretrain")
    for (const auto& s : stages_of(net))
      if (s.kind == StageKind::weighted && s.type != "Linear")
        throw Error("pretrain:ae needs an MLP of Linear layers; '" + s.name + "' is a " + s.type);
}

std::vector<LayerInitReport> apply_network_init(torch::nn::Sequential& net, const NetworkInit& init, const DataSplits& data,
                                                std::uint64_t seed) {
  check_network_init(net, init);
  if (is_recurrent_recipe(init.scheme)) return {};  // the plan's role rules did it all
  if (is_transformer_scheme(init.scheme)) return apply_transformer_init(*net, init);
  if (ScriptNetImpl* s = script_net_of(net)) return apply_network_init(s->script(), init, s->input(batch_of(data, init.batch, seed)));
  const bool training = net->is_training();
  net->eval();  // no dropout while measuring
  std::vector<LayerInitReport> out;
  auto stages = stages_of(net);
  if (init.scheme == "lsuv" || init.scheme == "datadep") {
    const auto one = init.scheme == "lsuv" ? lsuv_layer : datadep_layer;
    out = each_rescalable_layer(stages, batch_of(data, init.batch, seed),
                                [&](const Rescalable& layer, const torch::Tensor& input) { return one(layer, input, init); });
  }
  else if (init.scheme == "zero_init") out = zero_branches(net, branches_of(net), "zeroed (last layer of a residual branch)");
  else if (init.scheme == "fixup") out = fixup(net, branches_of(net));
  else if (init.scheme == "skipinit") {
    out = zero_branches(net, branches_of(net), "zeroed: the residual branch starts as zero");
  } else if (init.scheme == "pretrain") {
    net->train();
    out = pretrain(stages, data, init, seed);
  }
  net->train(training);
  return out;
}

std::vector<LayerInitReport> apply_network_init(torch::jit::Module& module, const NetworkInit& init, const torch::Tensor& batch) {
  check_script_scheme(init);
  if (is_recurrent_recipe(init.scheme)) return {};  // the plan's role rules did it all
  const bool training = module.is_training();
  module.eval();
  TappedModule tapped(module);
  const auto one = init.scheme == "lsuv" ? lsuv_layer : datadep_layer;
  auto out = each_tapped_layer(tapped, batch, [&](const Rescalable& layer, const torch::Tensor& input) { return one(layer, input, init); });
  if (std::none_of(out.begin(), out.end(), [](const LayerInitReport& r) { return r.note.rfind("skipped", 0) != 0; }))
    throw Error(init.scheme + " found no single Linear / Conv layer to rescale in the TorchScript model (" + std::to_string(out.size()) +
                " weighted modules, each skipped)");
  module.train(training);
  return out;
}

}  // namespace initlab::lab
