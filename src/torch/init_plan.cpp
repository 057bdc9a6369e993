#include "initlab/torch/init_plan.hpp"

#include "initlab/error.hpp"
#include "initlab/spec.hpp"

namespace initlab::libtorch {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with one backtracking point for the last '*'.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

InitPlan make_plan(const std::string& weight_spec, const std::string& bias_spec,
                   const std::vector<std::string>& overrides, GeneratorKind generator, std::uint64_t seed) {
  InitPlan plan;
  plan.weight_spec = weight_spec;
  plan.weight = parse_spec(weight_spec);
  if (is_gate_bias(plan.weight))
    throw Error("init '" + weight_spec.substr(0, 60) + "' sets the gate biases of an LSTM, not its weights: give it as --bias " + weight_spec.substr(0, 60) +
                " (or --override '*.bias_ih_l*=" + weight_spec.substr(0, 60) + "'), or use the recurrent scheme as the init (initlab list)");
  plan.bias_spec = bias_spec;
  if (!bias_spec.empty()) plan.bias = parse_spec(bias_spec);
  for (const std::string& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == o.size())
      throw Error("--override '" + o + "' is not PATTERN=SPEC, e.g. 'fc3.*=zeros' or 'layers.0.weight=orthogonal:gain=2'");
    plan.overrides.push_back({o.substr(0, eq), o.substr(eq + 1), parse_spec(o.substr(eq + 1))});
  }
  plan.generator = generator;
  plan.seed = seed;
  return plan;
}

const std::vector<InitRule>& named_parameter_defaults() {
  static const std::vector<InitRule> rules = [] {
    std::vector<InitRule> out;
    for (const char* pattern : {"*pos_embedding", "*pos_embed", "*position_embedding", "*position_embeddings"})
      out.push_back({pattern, "normal:std=0.02", parse_spec("normal:std=0.02"), true});
    for (const char* pattern : {"*class_token", "*cls_token"}) out.push_back({pattern, "zeros", parse_spec("zeros"), true});
    return out;
  }();
  return rules;
}

void add_implied_rules(InitPlan& plan, const std::vector<std::string>& rules) {
  for (const std::string& r : rules) {
    const auto eq = r.find('=');
    plan.overrides.push_back({r.substr(0, eq), r.substr(eq + 1), parse_spec(r.substr(eq + 1)), true});
  }
}

}  // namespace initlab::libtorch
