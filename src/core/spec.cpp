#include "initlab/spec.hpp"

#include <charconv>
#include <limits>
#include <cmath>

#include "initlab/error.hpp"
#include "initlab/key_values.hpp"
#include "initlab/registry.hpp"
#include "initlab/number_text.hpp"
#include "spec_args.hpp"

namespace initlab {
namespace detail {

double parse_number(std::string_view key, std::string_view text) { return read_number("parameter " + std::string(key), text); }

double get_number(const SpecArgs& args, std::string_view key, double fallback) {
  const auto it = args.find(key);
  return it == args.end() ? fallback : parse_number(key, it->second);
}

std::int64_t get_integer(const SpecArgs& args, std::string_view key, std::int64_t fallback) {
  const auto it = args.find(key);
  if (it == args.end()) return fallback;
  return read_integer("parameter " + std::string(key), it->second, std::numeric_limits<std::int64_t>::min(),
                      std::numeric_limits<std::int64_t>::max());
}

std::string get_text(const SpecArgs& args, std::string_view key, std::string_view fallback) {
  const auto it = args.find(key);
  return it == args.end() ? std::string(fallback) : it->second;
}

}  // namespace detail

Initializer parse_spec(std::string_view spec) {
  const auto colon = spec.find(':');
  const std::string_view name = spec.substr(0, colon);
  const InitInfo& info = find_init(name);
  std::vector<std::string> keys;
  for (const ParamInfo& p : info.params) keys.push_back(p.name);
  const KeyValues args(colon == std::string_view::npos ? std::string_view() : spec.substr(colon + 1),
                       {"spec '" + std::string(spec) + "'", "parameter", info.name, keys, {}});
  try {
    Initializer init = info.make(args.values());
    validate(init);
    return init;
  } catch (const Error& e) {
    throw Error("spec '" + std::string(spec) + "': " + e.what());
  }
}

namespace {
std::string num(double v) { return number_text(v); }  // shortest form that parses back exactly
}  // namespace

std::string format_spec(const Initializer& init) {
  struct Formatter {
    std::string operator()(const Zeros&) const { return "zeros"; }
    std::string operator()(const Ones&) const { return "ones"; }
    std::string operator()(const Constant& c) const { return "constant:value=" + num(c.value); }
    std::string operator()(const Uniform& u) const { return "uniform:a=" + num(u.low) + ",b=" + num(u.high); }
    std::string operator()(const Normal& n) const { return "normal:mean=" + num(n.mean) + ",std=" + num(n.stddev); }
    std::string operator()(const TruncNormal& t) const {
      return "trunc_normal:mean=" + num(t.mean) + ",std=" + num(t.stddev) + ",a=" + num(t.low) + ",b=" + num(t.high);
    }
    std::string operator()(const Xavier& x) const {
      return "xavier_" + std::string(to_string(x.distribution)) + ":gain=" + num(x.gain);
    }
    std::string operator()(const Kaiming& k) const {
      return "kaiming_" + std::string(to_string(k.distribution)) + ":a=" + num(k.a) + ",mode=" +
             std::string(to_string(k.mode)) + ",nonlinearity=" + std::string(to_string(k.nonlinearity));
    }
    std::string operator()(const VarianceScaling& v) const {
      return "variance_scaling:scale=" + num(v.scale) + ",mode=" + std::string(to_string(v.mode)) +
             ",distribution=" + std::string(to_string(v.distribution));
    }
    std::string operator()(const Orthogonal& o) const { return "orthogonal:gain=" + num(o.gain); }
    std::string operator()(const Eye&) const { return "eye"; }
    std::string operator()(const Dirac& d) const { return "dirac:groups=" + std::to_string(d.groups); }
    std::string operator()(const DeltaOrthogonal& d) const { return "delta_orthogonal:gain=" + num(d.gain); }
    std::string operator()(const Sparse& s) const {
      return "sparse:sparsity=" + num(s.sparsity) + ",std=" + num(s.stddev);
    }
    std::string operator()(const ZerO&) const { return "zero_init"; }
    std::string operator()(const TorchDefault&) const { return "torch_default"; }
    std::string operator()(const KerasDefault&) const { return "keras_default"; }
    std::string operator()(const Chrono& c) const { return c.tmax == 0 ? "chrono" : "chrono:tmax=" + std::to_string(c.tmax); }
    std::string operator()(const ForgetBias& f) const { return "forget_bias:value=" + num(f.value); }
  };
  return std::visit(Formatter{}, init);
}

std::uint64_t parse_seed(std::string_view text) {
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);  // digits only, base 10
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    const std::string shown = text.size() > 40 ? std::string(text.substr(0, 40)) + "..." : std::string(text);
    throw Error("'" + shown + "' is not a seed; expected an integer from 0 to 18446744073709551615 (2^64 - 1)");
  }
  return value;
}

}  // namespace initlab
