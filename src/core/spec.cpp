#include "initlab/spec.hpp"

#include <charconv>
#include <cmath>

#include "initlab/error.hpp"
#include "initlab/registry.hpp"
#include "initlab/number_text.hpp"
#include "spec_args.hpp"

namespace initlab {
namespace detail {
namespace {

double parse_plain(std::string_view text, bool& ok) {
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  ok = !text.empty() && ec == std::errc() && ptr == text.data() + text.size();
  return value;
}

}  // namespace

double parse_number(std::string_view key, std::string_view text) {
  bool ok = false;
  double value = 0.0;
  if (text.starts_with("sqrt(") && text.ends_with(")")) {
    value = std::sqrt(parse_plain(text.substr(5, text.size() - 6), ok));
  } else if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    bool ok2 = false;
    value = parse_plain(text.substr(0, slash), ok) / parse_plain(text.substr(slash + 1), ok2);
    ok = ok && ok2;
  } else {
    value = parse_plain(text, ok);
  }
  if (!ok || !std::isfinite(value))
    throw Error("parameter " + std::string(key) + "='" + std::string(text) +
                "' is not a number; expected e.g. 0.01, -2, 1e-3, 1/3 or sqrt(5)");
  return value;
}

double get_number(const SpecArgs& args, std::string_view key, double fallback) {
  const auto it = args.find(key);
  return it == args.end() ? fallback : parse_number(key, it->second);
}

std::int64_t get_integer(const SpecArgs& args, std::string_view key, std::int64_t fallback) {
  const auto it = args.find(key);
  if (it == args.end()) return fallback;
  std::int64_t value = 0;
  const std::string& t = it->second;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || ptr != t.data() + t.size())
    throw Error("parameter " + std::string(key) + "='" + t + "' is not an integer");
  return value;
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
  SpecArgs args;
  if (colon != std::string_view::npos) {
    std::string_view rest = spec.substr(colon + 1);
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      const auto eq = item.find('=');
      if (eq == std::string_view::npos || eq == 0)
        throw Error("spec '" + std::string(spec) + "': '" + std::string(item) + "' is not key=value");
      const std::string key(item.substr(0, eq));
      bool known = false;
      std::string valid;
      for (const ParamInfo& p : info.params) {
        known = known || p.name == key;
        valid += (valid.empty() ? "" : ", ") + p.name;
      }
      if (!known)
        throw Error("spec '" + std::string(spec) + "': unknown parameter '" + key + "' for " + info.name +
                    (valid.empty() ? "; it takes no parameters" : "; expected one of: " + valid));
      if (!args.emplace(key, std::string(item.substr(eq + 1))).second)
        throw Error("spec '" + std::string(spec) + "': parameter '" + key + "' is given twice");
    }
  }
  try {
    Initializer init = info.make(args);
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
