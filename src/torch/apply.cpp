#include "initlab/torch/apply.hpp"

#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <span>

#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"
#include "initlab/philox.hpp"
#include "initlab/spec.hpp"

namespace initlab::libtorch {
namespace {

// A module's own parameters, with its qualified prefix and type name.
struct ModuleView {
  std::string prefix;
  std::string type_name;
  std::vector<std::pair<std::string, torch::Tensor>> params;
};

Shape shape_of(const torch::Tensor& t) { return Shape(t.sizes().begin(), t.sizes().end()); }

std::string join(const std::string& prefix, const std::string& name) { return prefix.empty() ? name : prefix + "." + name; }

// Draws into a float32 CPU buffer shaped like `tensor` with `draw`, then copies it into `tensor`
// (directly when the tensor already is contiguous float32 on the CPU).
template <class Draw>
void draw_into(torch::Tensor& tensor, Draw&& draw) {
  torch::NoGradGuard no_grad;
  const bool direct = tensor.device().is_cpu() && tensor.scalar_type() == torch::kFloat32 && tensor.is_contiguous();
  torch::Tensor buffer = direct ? tensor : torch::empty(tensor.sizes(), torch::dtype(torch::kFloat32));
  draw(std::span<float>(buffer.data_ptr<float>(), static_cast<std::size_t>(buffer.numel())));
  if (!direct) tensor.copy_(buffer);
}

struct Applier {
  const InitPlan& plan;
  std::optional<Generator> shared;  // the torch generator, used in parameter order
  std::vector<ParamInit> report;

  Generator& generator_for(const std::string& name, std::optional<Generator>& own) {
    if (plan.generator != GeneratorKind::philox) {
      if (!shared) shared = Generator::make(plan.generator, plan.seed);
      return *shared;
    }
    own = Generator::philox(plan.seed, stream_of(name));
    return *own;
  }

  // The plan's overrides (a user's --override first, then a scheme's rules), then the named
  // defaults (position embeddings, class tokens): the first whose pattern matches `name`.
  // A frozen parameter (requires_grad false: a fixed sin-cos position embedding) takes no named default.
  const InitRule* override_for(const std::string& name, bool trainable) const {
    for (const InitRule& r : plan.overrides)
      if (glob_match(r.pattern, name)) return &r;
    if (trainable)
      for (const InitRule& r : named_parameter_defaults())
        if (glob_match(r.pattern, name)) return &r;
    return nullptr;
  }

  static std::string rule_text(const InitRule& r) {
    const bool named_default = &r >= named_parameter_defaults().data() &&
                               &r < named_parameter_defaults().data() + named_parameter_defaults().size();
    const std::string text = excerpt(r.pattern + "=" + r.spec);
    if (named_default) return "default '" + text + "'";
    return r.implied ? "scheme rule '" + text + "'" : "--override '" + text + "'";
  }

  void record(const std::string& name, LayerKind kind, const std::string& spec, const torch::Tensor& t, std::optional<Fan> fan,
              const std::string& rule, int gates = 1) {
    report.push_back({name, kind, spec, shape_of(t), fan, gates, rule});
  }

  // How many blocks a rank-2 weight stacks along its rows, each initialized as its own matrix:
  // RNN gates, and MultiheadAttention's packed q, k, v (unless the plan keeps PyTorch's packed init).
  int blocks_of(const std::string& name, LayerKind kind, const Shape& shape) const {
    if (shape.size() != 2) return 1;
    if (is_recurrent(kind)) return name.find("weight_hr") == std::string::npos ? gate_count(kind) : 1;  // an LSTM's projection: no gates
    if (kind == LayerKind::attention && !plan.packed_qkv && name.ends_with("in_proj_weight") && shape[0] % 3 == 0) return 3;
    return 1;
  }

  // A weight of rank >= 2; recurrent weights are initialized per gate block.
  void weight(const std::string& name, LayerKind kind, torch::Tensor& t, const Initializer& init, const std::string& spec,
              const std::string& rule) {
    std::optional<Generator> own;
    Generator& gen = generator_for(name, own);
    InitOptions options{Layout::torch, plan.threads, std::nullopt};
    // ConvTranspose weights are (in, out/groups, *k): fan roles swapped, except for torch_default,
    // which reproduces what PyTorch itself does (it reads the tensor as (out, in, *k)).
    if (kind == LayerKind::conv_transpose && !std::holds_alternative<TorchDefault>(init)) options.fan_axes = FanAxes{0, 1};
    const Shape shape = shape_of(t);
    if (kind == LayerKind::attention && std::holds_alternative<TorchDefault>(init)) {
      // PyTorch's MultiheadAttention._reset_parameters: xavier_uniform_ on the packed in_proj_weight
      // (or on each of q/k/v_proj_weight), whatever packed_qkv says: torch_default is PyTorch's.
      const Initializer xavier = Xavier{DistributionKind::uniform, 1.0};
      draw_into(t, [&](std::span<float> d) { initialize(d, shape, xavier, gen, options); });
      record(name, kind,
             name.ends_with("in_proj_weight") ? "xavier_uniform (torch_default of MultiheadAttention, packed)"
                                              : "xavier_uniform (torch_default of MultiheadAttention)",
             t, target_of(xavier, shape, options).fan, rule);
      return;
    }
    const int blocks = blocks_of(name, kind, shape);
    if (blocks > 1) {
      const Shape block{shape[0] / blocks, shape[1]};
      if (is_recurrent(kind) && std::holds_alternative<TorchDefault>(init)) {  // PyTorch's RNN rule: U(+-1/sqrt(hidden)) everywhere
        const double bound = 1.0 / std::sqrt(static_cast<double>(block[0]));
        draw_into(t, [&](std::span<float> d) { sample(d, UniformDist{-bound, bound}, gen, {plan.threads}); });
        record(name, kind, spec, t, std::nullopt, rule, blocks);
        return;
      }
      draw_into(t, [&](std::span<float> d) {
        const std::size_t per = d.size() / static_cast<std::size_t>(blocks);
        for (int g = 0; g < blocks; ++g) initialize(d.subspan(g * per, per), block, init, gen, options);
      });
      record(name, kind, spec, t, target_of(init, block, options).fan, rule, blocks);
      return;
    }
    draw_into(t, [&](std::span<float> d) { initialize(d, shape, init, gen, options); });
    record(name, kind, spec, t, target_of(init, shape, options).fan, rule);
  }

  // A rank-1 parameter: a bias (given its layer's weight shape) or a norm/embedding vector.
  void vector(const std::string& name, LayerKind kind, torch::Tensor& t, const Initializer& init, const std::string& spec,
              const std::optional<Shape>& weight_shape, const std::string& rule) {
    std::optional<Generator> own;
    Generator& gen = generator_for(name, own);
    const InitOptions options{Layout::torch, plan.threads, std::nullopt};
    if (is_recurrent(kind) && std::holds_alternative<TorchDefault>(init)) {
      const double bound = 1.0 / std::sqrt(static_cast<double>(t.size(0) / gate_count(kind)));
      draw_into(t, [&](std::span<float> d) { sample(d, UniformDist{-bound, bound}, gen, {plan.threads}); });
    } else if (weight_shape) {
      draw_into(t, [&](std::span<float> d) { initialize_bias(d, *weight_shape, init, gen, options); });
    } else {
      draw_into(t, [&](std::span<float> d) { initialize(d, shape_of(t), init, gen, options); });
    }
    record(name, kind, spec, t, std::nullopt, rule);
  }

  // A parameter no rule reaches: left as it was, with the reason.
  void kept(const std::string& name, LayerKind kind, const torch::Tensor& t, const std::string& local, const std::string& type_name) {
    const std::string type(type_base_name(type_name));
    record(name, kind, "kept", t, std::nullopt,
           "no rule for a parameter named '" + local + "' of " + (type.empty() ? "the model" : "a module of type " + type) +
               (t.requires_grad() ? "" : " (frozen: requires_grad is false)"));
  }

  // MultiheadAttention modules' qualified names: their out_proj is a Linear with PyTorch rules of its own.
  std::vector<std::string> attention_prefixes;
  bool attention_out_proj(const std::string& prefix) const {
    const auto dot = prefix.rfind('.');
    const std::string parent = dot == std::string::npos ? "" : prefix.substr(0, dot);
    const std::string leaf = dot == std::string::npos ? prefix : prefix.substr(dot + 1);
    return leaf == "out_proj" && std::find(attention_prefixes.begin(), attention_prefixes.end(), parent) != attention_prefixes.end();
  }

  void module(ModuleView& m) {
    const LayerKind kind = layer_kind_of(m.type_name);
    std::optional<Shape> weight_shape;
    for (auto& [local, t] : m.params)
      if (local == "weight") weight_shape = shape_of(t);
    for (auto& [local, t] : m.params) {
      const std::string name = join(m.prefix, local);
      const bool is_vector = t.dim() < 2;
      // For a recurrent bias, the "weight" is the matching weight_ih / weight_hh.
      std::optional<Shape> sibling = weight_shape;
      if (is_recurrent(kind) && local.starts_with("bias_"))
        for (auto& [other, w] : m.params)
          if (other == "weight_" + local.substr(5)) sibling = shape_of(w);
      if (is_vector && kind == LayerKind::attention && local == "in_proj_bias")
        for (auto& [other, w] : m.params)
          if (other == "in_proj_weight") sibling = shape_of(w);
      if (const InitRule* rule = override_for(name, t.requires_grad())) {
        const std::string why = rule_text(*rule);
        if (is_gate_bias(rule->init)) gate_bias(name, kind, t, rule->init, rule->spec, (rule->pattern + "=" + rule->spec).substr(0, 60), why);
        else if (is_vector) vector(name, kind, t, rule->init, rule->spec, sibling, why);
        else weight(name, kind, t, rule->init, rule->spec, why);
        continue;
      }
      switch (kind) {
        case LayerKind::norm:
          if (local == "weight") vector(name, kind, t, Ones{}, "ones", std::nullopt, "default for norm layers");
          else if (local == "bias") vector(name, kind, t, Zeros{}, "zeros", std::nullopt, "default for norm layers");
          else kept(name, kind, t, local, m.type_name);
          break;
        case LayerKind::embedding:  // PyTorch's default N(0, 1); change it with an override
          if (local == "weight") weight(name, kind, t, Normal{0.0, 1.0}, "normal:mean=0,std=1", "default for embeddings (PyTorch's)");
          else kept(name, kind, t, local, m.type_name);
          break;
        case LayerKind::attention:  // in_proj_weight / q,k,v_proj_weight by --init, in_proj_bias by --bias (PyTorch: zeros)
          if (!is_vector && (local == "in_proj_weight" || local.ends_with("_proj_weight"))) {
            weight(name, kind, t, plan.weight, plan.weight_spec, "--init");
          } else if (is_vector && local == "in_proj_bias") {
            if (plan.bias && !is_gate_bias(*plan.bias)) vector(name, kind, t, *plan.bias, plan.bias_spec, sibling, "--bias");
            else vector(name, kind, t, Zeros{}, "zeros", std::nullopt, "default for attention biases (PyTorch's)");
          } else if ((local == "bias_k" || local == "bias_v") && std::holds_alternative<TorchDefault>(plan.weight) && !plan.bias) {
            // add_bias_kv: PyTorch's _reset_parameters draws them with xavier_normal_
            weight(name, LayerKind::other, t, Xavier{DistributionKind::normal, 1.0}, "xavier_normal (torch_default of MultiheadAttention)",
                   "--init torch_default");
          } else if (local == "bias_k" || local == "bias_v") {
            if (plan.bias && !is_gate_bias(*plan.bias)) vector(name, kind, t, *plan.bias, plan.bias_spec, std::nullopt, "--bias");
            else vector(name, kind, t, Zeros{}, "zeros", std::nullopt, "default for attention biases");
          } else {
            kept(name, kind, t, local, m.type_name);
          }
          break;
        default:
          if (!is_vector && local.starts_with("weight")) {
            weight(name, kind, t, plan.weight, plan.weight_spec, "--init");
          } else if (is_vector && local == "bias" && attention_out_proj(m.prefix) && std::holds_alternative<TorchDefault>(plan.weight) &&
                     !plan.bias) {
            vector(name, kind, t, Zeros{}, "zeros", std::nullopt, "--init torch_default (PyTorch's MultiheadAttention zeroes out_proj.bias)");
          } else if (is_vector && local.starts_with("bias")) {
            bias(name, kind, t, sibling);
          } else {
            kept(name, kind, t, local, m.type_name);
          }
      }
    }
  }

  // chrono / forget_bias: the gate values on an LSTM's bias_ih, zeros on its bias_hh (their sum is
  // the effective bias). Under --bias, other layers' biases get zeros; an --override that names a
  // parameter that is not an LSTM bias is an error.
  // `override_text`: the --override that chose it ("" under --bias).
  void gate_bias(const std::string& name, LayerKind kind, torch::Tensor& t, const Initializer& init, const std::string& spec,
                 const std::string& override_text, const std::string& rule) {
    const std::string local = name.substr(name.rfind('.') + 1);
    if (kind != LayerKind::lstm || t.dim() != 1 || !local.starts_with("bias_")) {
      if (!override_text.empty())
        throw Error("--override '" + override_text + "': " + kind_name(init) +
                    " sets the gate biases of LSTM layers (bias_ih_l*, bias_hh_l*); '" + name + "' is not one");
      vector(name, kind, t, Zeros{}, "zeros", std::nullopt, rule);
      return;
    }
    if (local.starts_with("bias_hh")) {
      vector(name, kind, t, Zeros{}, "zeros (" + kind_name(init) + ": the gate values are on bias_ih)", std::nullopt, rule);
      return;
    }
    Initializer resolved = init;
    if (auto* c = std::get_if<Chrono>(&resolved); c && c->tmax == 0) c->tmax = plan.sequence_length;
    std::optional<Generator> own;
    Generator& gen = generator_for(name, own);
    draw_into(t, [&](std::span<float> d) { initialize_lstm_bias(d, resolved, gen, {Layout::torch, plan.threads, std::nullopt}); });
    record(name, kind, format_spec(resolved), t, std::nullopt, rule, gate_count(kind));
  }

  void bias(const std::string& name, LayerKind kind, torch::Tensor& t, const std::optional<Shape>& weight_shape) {
    if (plan.bias && is_gate_bias(*plan.bias)) {
      gate_bias(name, kind, t, *plan.bias, plan.bias_spec, "", "--bias");
    } else if (plan.bias) {
      vector(name, kind, t, *plan.bias, plan.bias_spec, weight_shape, "--bias");
    } else if (std::holds_alternative<TorchDefault>(plan.weight) && (weight_shape || is_recurrent(kind))) {
      vector(name, kind, t, TorchDefault{}, "torch_default", weight_shape, "--init torch_default (the layer's own bias rule)");
    } else {
      vector(name, kind, t, Zeros{}, "zeros", std::nullopt, "default for biases");
    }
  }
};

// Every override must set at least one parameter: one whose pattern matches nothing (a typo, a
// name from another model) or only names an earlier override took (the first match wins) would
// otherwise be ignored in silence. Checked before anything is filled.
void check_overrides(const std::vector<ModuleView>& views, const InitPlan& plan) {
  if (plan.overrides.empty()) return;
  std::vector<std::string> names;
  std::vector<bool> used(plan.overrides.size(), false);
  for (const ModuleView& v : views)
    for (const auto& [local, t] : v.params) {
      names.push_back(join(v.prefix, local));
      for (std::size_t k = 0; k < plan.overrides.size(); ++k)
        if (glob_match(plan.overrides[k].pattern, names.back())) {
          used[k] = true;
          break;
        }
    }
  for (std::size_t k = 0; k < plan.overrides.size(); ++k) {
    if (used[k] || plan.overrides[k].implied) continue;
    const InitRule& r = plan.overrides[k];
    const bool shadowed = std::any_of(names.begin(), names.end(), [&](const std::string& n) { return glob_match(r.pattern, n); });
    std::string shown = r.pattern + "=" + r.spec;
    if (shown.size() > 60) shown = shown.substr(0, 60) + "...";
    std::string list;
    constexpr std::size_t kShown = 6;
    for (std::size_t i = 0; i < std::min(names.size(), kShown); ++i) list += (i ? ", " : "") + names[i];
    if (names.size() > kShown) list += ", ... (" + std::to_string(names.size()) + " in all)";
    if (names.empty()) list = "(none)";
    throw Error("--override '" + shown + "' " +
                (shadowed ? "matches only parameters that an earlier --override already sets (the first matching --override wins)"
                          : "matches no parameter of the model") +
                "; its parameters are: " + list);
  }
}

// --bias chrono / forget_bias needs an LSTM, and means nothing for the other recurrent cells
// (GRU gates are r, z, n; a plain RNN has none): refused before anything is filled.
void check_gate_bias(const std::vector<ModuleView>& views, const InitPlan& plan) {
  if (!plan.bias || !is_gate_bias(*plan.bias)) return;
  bool lstm = false;
  for (const ModuleView& v : views) {
    const LayerKind kind = layer_kind_of(v.type_name);
    if (kind == LayerKind::gru || kind == LayerKind::rnn)
      throw Error("--bias " + plan.bias_spec.substr(0, 40) + " sets LSTM gate biases (i, f, g, o); '" + v.prefix + "' is a" +
                  (kind == LayerKind::gru ? " GRU (gates r, z, n)" : " plain RNN (no gates)"));
    lstm = lstm || kind == LayerKind::lstm;
  }
  if (!lstm) throw Error("--bias " + plan.bias_spec.substr(0, 40) + " sets LSTM gate biases; the model has no LSTM layer");
}

std::vector<ParamInit> run(std::vector<ModuleView>& views, const InitPlan& plan) {
  check_overrides(views, plan);
  check_gate_bias(views, plan);
  Applier applier{plan, std::nullopt, {}, {}};
  for (const ModuleView& v : views)  // a MultiheadAttention always holds a parameter of its own
    if (layer_kind_of(v.type_name) == LayerKind::attention) applier.attention_prefixes.push_back(v.prefix);
  for (ModuleView& v : views) applier.module(v);
  return std::move(applier.report);
}

}  // namespace

std::vector<ParamInit> apply_plan(torch::nn::Module& module, const InitPlan& plan) {
  std::vector<ModuleView> views;
  for (const auto& item : module.named_modules("", /*include_self=*/true)) {
    ModuleView v{item.key(), item.value()->name(), {}};
    for (const auto& p : item.value()->named_parameters(/*recurse=*/false)) v.params.emplace_back(p.key(), p.value());
    if (!v.params.empty()) views.push_back(std::move(v));
  }
  return run(views, plan);
}

std::vector<ParamInit> apply_plan(torch::jit::Module& module, const InitPlan& plan) {
  std::vector<ModuleView> views;
  for (const auto& item : module.named_modules()) {
    const auto type_name = item.value.type()->name();
    ModuleView v{item.name, type_name ? type_name->qualifiedName() : "", {}};
    for (const auto& p : item.value.named_parameters(/*recurse=*/false)) v.params.emplace_back(p.name, p.value);
    if (!v.params.empty()) views.push_back(std::move(v));
  }
  return run(views, plan);
}

void fill_tensor(torch::Tensor& tensor, const Initializer& init, Generator& gen, const InitOptions& options) {
  const Shape shape = shape_of(tensor);
  draw_into(tensor, [&](std::span<float> d) { initialize(d, shape, init, gen, options); });
}

}  // namespace initlab::libtorch
