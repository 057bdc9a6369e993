#include "initlab/initializer.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "choices.hpp"
#include "initlab/error.hpp"
#include "initlab/number_text.hpp"
#include "initlab/gain.hpp"
#include "structured.hpp"

namespace initlab {
namespace {

constexpr std::pair<std::string_view, DistributionKind> kDistributions[] = {
    {"uniform", DistributionKind::uniform},
    {"normal", DistributionKind::normal},
    {"truncated_normal", DistributionKind::truncated_normal}};

template <class... F>
struct Overloaded : F... { using F::operator()...; };
template <class... F>
Overloaded(F...) -> Overloaded<F...>;  // clang before 17 has no aggregate deduction (P1816)

// A zero-mean draw with the given stddev. uniform: bound sqrt(3) stddev (PyTorch computes the
// bound exactly this way); truncated_normal: Keras's convention, stddev / 0.8796... cut at +-2.
Distribution zero_mean(DistributionKind kind, double stddev) {
  switch (kind) {
    case DistributionKind::uniform: {
      const double bound = std::sqrt(3.0) * stddev;
      return UniformDist{-bound, bound};
    }
    case DistributionKind::normal: return NormalDist{0.0, stddev};
    case DistributionKind::truncated_normal: {
      const double s = stddev / kKerasTruncationStddev;
      return TruncatedNormalDist{0.0, s, -2.0 * s, 2.0 * s};
    }
  }
  return NormalDist{0.0, stddev};
}

double kaiming_stddev(const Kaiming& k, const Fan& fan) {
  if (k.mode != FanMode::in && k.mode != FanMode::out)
    throw Error("kaiming: mode '" + std::string(to_string(k.mode)) + "' is not supported; expected one of: fan_in, fan_out");
  const double gain = calculate_gain(k.nonlinearity, k.a);
  return gain / std::sqrt(fan_value(fan, k.mode));
}

Distribution variance_scaling(const VarianceScaling& v, const Fan& fan) {
  if (!(v.scale > 0)) throw Error("variance_scaling: scale=" + number_text(v.scale) + " must be positive");
  const double scale = v.scale / std::max(1.0, fan_value(fan, v.mode));  // Keras: scale /= max(1., fan)
  switch (v.distribution) {
    case DistributionKind::uniform: {
      const double limit = std::sqrt(3.0 * scale);
      return UniformDist{-limit, limit};
    }
    case DistributionKind::normal: return NormalDist{0.0, std::sqrt(scale)};
    case DistributionKind::truncated_normal: {
      const double s = std::sqrt(scale) / kKerasTruncationStddev;
      return TruncatedNormalDist{0.0, s, -2.0 * s, 2.0 * s};
    }
  }
  return NormalDist{};
}

Distribution torch_default_weight(const Fan& fan) {
  return zero_mean(DistributionKind::uniform, kaiming_stddev(Kaiming{DistributionKind::uniform, std::sqrt(5.0)}, fan));
}

// The i.i.d. distribution of a non-structured initializer; nullopt for structured ones.
// `fan` is only computed when the initializer needs it.
std::optional<Distribution> iid_distribution(const Initializer& init, std::span<const std::int64_t> shape,
                                            const InitOptions& options) {
  auto fan = [&] { return fan_for(shape, options); };
  return std::visit(Overloaded{
      [](const Zeros&) -> std::optional<Distribution> { return ConstantDist{0.0}; },
      [](const Ones&) -> std::optional<Distribution> { return ConstantDist{1.0}; },
      [](const Constant& c) -> std::optional<Distribution> { return ConstantDist{c.value}; },
      [](const Uniform& u) -> std::optional<Distribution> {
        if (!(u.low < u.high))
          throw Error("uniform: a=" + number_text(u.low) + " b=" + number_text(u.high) + " is invalid; expected a < b");
        return UniformDist{u.low, u.high};
      },
      [](const Normal& n) -> std::optional<Distribution> {
        if (!(n.stddev >= 0)) throw Error("normal: std=" + number_text(n.stddev) + " is invalid; expected std >= 0");
        return NormalDist{n.mean, n.stddev};
      },
      [](const TruncNormal& t) -> std::optional<Distribution> {
        if (!(t.stddev > 0)) throw Error("trunc_normal: std=" + number_text(t.stddev) + " is invalid; expected std > 0");
        if (!(t.low < t.high))
          throw Error("trunc_normal: a=" + number_text(t.low) + " b=" + number_text(t.high) + " is invalid; expected a < b");
        return TruncatedNormalDist{t.mean, t.stddev, t.low, t.high};
      },
      [&](const Xavier& x) -> std::optional<Distribution> {
        const Fan f = fan();
        return zero_mean(x.distribution, x.gain * std::sqrt(2.0 / static_cast<double>(f.in + f.out)));
      },
      [&](const Kaiming& k) -> std::optional<Distribution> { return zero_mean(k.distribution, kaiming_stddev(k, fan())); },
      [&](const VarianceScaling& v) -> std::optional<Distribution> { return variance_scaling(v, fan()); },
      [&](const TorchDefault&) -> std::optional<Distribution> { return torch_default_weight(fan()); },
      [&](const KerasDefault&) -> std::optional<Distribution> { return zero_mean(DistributionKind::uniform, std::sqrt(2.0 / static_cast<double>(fan().in + fan().out))); },
      [](const auto&) -> std::optional<Distribution> { return std::nullopt; },
  }, init);
}

bool needs_fan(const Initializer& init) {
  return std::holds_alternative<Xavier>(init) || std::holds_alternative<Kaiming>(init) ||
         std::holds_alternative<VarianceScaling>(init) || std::holds_alternative<TorchDefault>(init) ||
         std::holds_alternative<KerasDefault>(init);
}

}  // namespace

DistributionKind parse_distribution_kind(std::string_view text) {
  return detail::parse_choice<DistributionKind>("distribution", text, kDistributions);
}
std::string_view to_string(DistributionKind kind) { return detail::choice_name<DistributionKind>(kind, kDistributions); }

Fan fan_for(std::span<const std::int64_t> shape, const InitOptions& options) {
  if (options.fan_axes) return fan_of_axes(shape, options.fan_axes->in_axis, options.fan_axes->out_axis);
  return fan_of(shape, options.layout);
}

InitTarget target_of(const Initializer& init, std::span<const std::int64_t> shape, const InitOptions& options) {
  InitTarget t;
  if (needs_fan(init)) t.fan = fan_for(shape, options);
  t.distribution = iid_distribution(init, shape, options);
  if (t.distribution) {
    t.stddev = stddev_of(*t.distribution);
    if (const auto* u = std::get_if<UniformDist>(&*t.distribution)) t.bound = u->high;
    if (const auto* tn = std::get_if<TruncatedNormalDist>(&*t.distribution)) t.bound = tn->high;
    return t;
  }
  if (const auto* o = std::get_if<Orthogonal>(&init); o && shape.size() >= 2 && !shape.empty() && shape[0] > 0) {
    // Rows (or columns, when wide) are orthonormal: every element has second moment 1/max(rows, cols).
    const double rows = static_cast<double>(shape[0]), cols = static_cast<double>(numel(shape)) / rows;
    t.stddev = o->gain / std::sqrt(std::max(rows, cols));
  }
  if (const auto* s = std::get_if<Sparse>(&init)) t.stddev = s->stddev;
  return t;
}

void initialize(std::span<float> data, std::span<const std::int64_t> shape, const Initializer& init, Generator& gen,
                const InitOptions& options) {
  const std::int64_t n = numel(shape);
  if (static_cast<std::int64_t>(data.size()) != n)
    throw Error("initialize: buffer has " + std::to_string(data.size()) + " elements but shape " + format_shape(shape) +
                " has " + std::to_string(n));
  const FillOptions fill{options.threads};
  if (auto dist = iid_distribution(init, shape, options)) {
    if (n == 0) return;  // as PyTorch: initializing a zero-element tensor is a no-op
    sample(data, *dist, gen, fill);
    return;
  }
  if (is_gate_bias(init))
    throw Error(kind_name(init) + " sets the gate biases of an LSTM (bias_ih / bias_hh), not a tensor of shape " + format_shape(shape) +
                ": give it as --bias or as an --override on an LSTM's biases ('*.bias_ih_l*=" + kind_name(init) + "')");
  std::visit(Overloaded{
      [&](const Orthogonal& o) { detail::fill_orthogonal(data, shape, o.gain, gen, fill); },
      [&](const Eye&) { detail::fill_eye(data, shape); },
      [&](const Dirac& d) { detail::fill_dirac(data, shape, d.groups); },
      [&](const DeltaOrthogonal& d) { detail::fill_delta_orthogonal(data, shape, d.gain, gen, fill); },
      [&](const Sparse& s) { detail::fill_sparse(data, shape, s.sparsity, s.stddev, gen, fill); },
      [&](const ZerO&) { detail::fill_zero_init(data, shape); },
      [](const auto&) {},
  }, init);
}

void initialize_bias(std::span<float> bias, std::span<const std::int64_t> weight_shape, const Initializer& init,
                     Generator& gen, const InitOptions& options) {
  const FillOptions fill{options.threads};
  if (std::holds_alternative<TorchDefault>(init)) {
    const Fan fan = fan_for(weight_shape, options);
    const double bound = fan.in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan.in)) : 0.0;
    if (!bias.empty()) sample(bias, UniformDist{-bound, bound}, gen, fill);
    return;
  }
  if (std::holds_alternative<KerasDefault>(init)) {
    sample(bias, ConstantDist{0.0}, gen, fill);
    return;
  }
  if (needs_fan(init) || !iid_distribution(init, {}, options))
    throw Error("initialize_bias: '" + kind_name(init) +
                "' needs a weight matrix; for a bias use one of: zeros, ones, constant, uniform, normal, trunc_normal, "
                "torch_default, keras_default");
  const Shape shape{static_cast<std::int64_t>(bias.size())};
  initialize(bias, shape, init, gen, options);
}

bool is_gate_bias(const Initializer& init) { return std::holds_alternative<Chrono>(init) || std::holds_alternative<ForgetBias>(init); }

void initialize_lstm_bias(std::span<float> bias, const Initializer& init, Generator& gen, const InitOptions& options) {
  if (!is_gate_bias(init)) throw Error("initialize_lstm_bias: '" + kind_name(init) + "' is not a gate-bias init (chrono, forget_bias)");
  if (bias.size() % 4 != 0)
    throw Error(kind_name(init) + ": an LSTM bias holds 4 gate blocks (i, f, g, o); this one has " + std::to_string(bias.size()) + " elements");
  const std::size_t h = bias.size() / 4;
  const FillOptions fill{options.threads};
  std::fill(bias.begin(), bias.end(), 0.0f);
  const std::span<float> input_gate = bias.subspan(0, h), forget_gate = bias.subspan(h, h);
  if (const auto* f = std::get_if<ForgetBias>(&init)) {
    std::fill(forget_gate.begin(), forget_gate.end(), static_cast<float>(f->value));
    return;
  }
  const auto tmax = std::get<Chrono>(init).tmax;
  if (tmax < 2)
    throw Error("chrono: tmax=" + std::to_string(tmax) +
                (tmax == 0 ? " (not given, and no sequence length to take it from)" : "") +
                "; expected the longest time dependency in steps, at least 2 (e.g. chrono:tmax=784, the sequence length)");
  if (h == 0) return;
  if (tmax > 2) sample(forget_gate, UniformDist{1.0, static_cast<double>(tmax - 1)}, gen, fill);
  else std::fill(forget_gate.begin(), forget_gate.end(), 1.0f);  // U(1, 1)
  for (std::size_t k = 0; k < h; ++k) {
    forget_gate[k] = std::log(forget_gate[k]);
    input_gate[k] = -forget_gate[k];
  }
}

void validate(const Initializer& init) {
  if (!needs_fan(init)) iid_distribution(init, {}, InitOptions{});
  if (const auto* v = std::get_if<VarianceScaling>(&init); v && !(v->scale > 0))
    throw Error("variance_scaling: scale=" + number_text(v->scale) + " is invalid; expected scale > 0");
  if (const auto* s = std::get_if<Sparse>(&init)) {
    if (!(s->sparsity >= 0.0 && s->sparsity <= 1.0))
      throw Error("sparse: sparsity=" + number_text(s->sparsity) + " is out of range; expected a value in [0, 1]");
    if (!(s->stddev >= 0)) throw Error("sparse: std=" + number_text(s->stddev) + " is invalid; expected std >= 0");
  }
  if (const auto* c = std::get_if<Chrono>(&init); c && c->tmax != 0 && c->tmax < 2)
    throw Error("chrono: tmax=" + std::to_string(c->tmax) + " is invalid; expected the longest time dependency in steps, at least 2");
  if (const auto* f = std::get_if<ForgetBias>(&init); f && !std::isfinite(f->value))
    throw Error("forget_bias: value=" + number_text(f->value) + " is invalid; expected a finite number");
  if (const auto* d = std::get_if<Dirac>(&init); d && d->groups < 1)
    throw Error("dirac: groups=" + std::to_string(d->groups) + " is invalid; expected a positive integer");
}

std::string kind_name(const Initializer& init) {
  static constexpr std::string_view kNames[] = {"zeros", "ones", "constant", "uniform", "normal", "trunc_normal",
                                                "xavier", "kaiming", "variance_scaling", "orthogonal", "eye", "dirac",
                                                "delta_orthogonal", "sparse", "zero_init", "torch_default", "keras_default",
                                                "chrono", "forget_bias"};
  static_assert(std::size(kNames) == std::variant_size_v<Initializer>);
  return std::string(kNames[init.index()]);
}

}  // namespace initlab
