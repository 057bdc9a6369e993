#include "models/parametrization.hpp"

#include <algorithm>
#include <cmath>

#include "data/spec_options.hpp"  // excerpt
#include "initlab/error.hpp"
#include "initlab/key_values.hpp"

namespace initlab::lab {

namespace {
constexpr const char* kUsage = "; expected standard or mup[:base_width=W,readout=scaled|zero], e.g. mup:base_width=64";
}

Parametrization parse_parametrization(std::string_view text) {
  Parametrization p;
  const auto colon = text.find(':');
  const std::string_view kind = text.substr(0, colon);
  if (kind == "standard" && colon == std::string_view::npos) return p;
  if (kind != "mup") throw Error("--param '" + excerpt(text) + "' is unknown" + kUsage);
  p.kind = ParamKind::mup;
  const KeyValues options(colon == std::string_view::npos ? std::string_view() : text.substr(colon + 1),
                          {"--param '" + excerpt(text) + "'", "option", "mup", {"base_width", "readout"}, {}});
  p.base_width = options.integer("base_width", p.base_width, 1, 1 << 24);
  const std::string readout = options.text("readout", "scaled");
  if (readout == "zero") p.readout = ReadoutInit::zero;
  else if (readout != "scaled") throw Error("--param '" + excerpt(text) + "': readout=" + excerpt(readout) + " is unknown; expected scaled or zero");
  return p;
}

std::string to_string(const Parametrization& p) {
  if (p.kind == ParamKind::standard) return "standard";
  std::string s = "mup:base_width=" + std::to_string(p.base_width);
  if (p.readout == ReadoutInit::zero) s += ",readout=zero";
  return s;
}

const char* to_string(MupRole role) {
  switch (role) {
    case MupRole::input: return "input";
    case MupRole::hidden: return "hidden";
    case MupRole::output: return "output";
    case MupRole::vector: return "vector";
    case MupRole::output_bias: return "output_bias";
  }
  return "?";
}

MupScale mup_scale(const Parametrization& p, MupRole role, double m, Optimizer optimizer) {
  if (p.kind == ParamKind::standard) return {};
  const bool adam = optimizer == Optimizer::adam;
  switch (role) {
    case MupRole::input:
    case MupRole::vector: return {1, adam ? 1 : m};
    case MupRole::hidden: return {1, adam ? 1 / m : 1};
    case MupRole::output: return {p.readout == ReadoutInit::zero ? 0 : 1 / std::sqrt(m), 1 / m};
    case MupRole::output_bias: return {};
  }
  return {};
}

std::int64_t mup_width(const ModelSpec& spec) {
  if (spec.kind == ModelKind::vit) return spec.vit.dim;
  if (spec.kind == ModelKind::mlp) {
    if (spec.widths.size() < 3)
      throw Error("--param mup: --model '" + excerpt(spec.text) + "' has no hidden layer, so no width to scale; give one, e.g. mlp:784-256-10");
    const auto first = spec.widths.begin() + 1, last = spec.widths.end() - 1;
    if (const auto other = std::find_if(first, last, [&](std::int64_t w) { return w != *first; }); other != last)
      throw Error("--param mup: --model '" + excerpt(spec.text) + "' has hidden layers of " + std::to_string(*first) + " and " +
                  std::to_string(*other) + " units; μP here scales one width, so every hidden layer must have it (e.g. mlp:784-256x3-10)");
    return *first;
  }
  throw Error("--param mup is defined here for mlp: and vit: models; --model '" + excerpt(spec.text) +
              "' is neither (use --param standard)");
}

double width_multiplier(const ModelSpec& spec, const Parametrization& p) {
  if (p.kind == ParamKind::standard) return 1;
  return static_cast<double>(mup_width(spec)) / static_cast<double>(p.base_width);
}

double attention_logit_multiplier(const Parametrization& p, std::int64_t dim, std::int64_t heads) {
  const double d = static_cast<double>(dim) / static_cast<double>(heads);
  if (p.kind == ParamKind::standard) return 1 / std::sqrt(d);
  const double d0 = static_cast<double>(p.base_width) / static_cast<double>(heads);
  return std::sqrt(d0) / d;
}

}  // namespace initlab::lab
