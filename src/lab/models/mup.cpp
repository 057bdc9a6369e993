#include "models/mup.hpp"

#include <torch/torch.h>

namespace initlab::lab {

namespace {
bool is_matrix(const std::string& name, const torch::Tensor& t) {
  return t.dim() == 2 && name.size() >= 7 && name.compare(name.size() - 7, 7, ".weight") == 0;
}
std::string module_of(const std::string& name) { return name.substr(0, name.rfind('.')); }
}  // namespace

std::vector<ParameterScale> parameter_scales(const ModelSpec& spec, const Parametrization& p, torch::nn::Module& model,
                                             Optimizer optimizer) {
  const double m = width_multiplier(spec, p);  // throws for models μP is not defined for
  const auto named = model.named_parameters(/*recurse=*/true);
  std::string first, last;
  for (const auto& item : named)
    if (is_matrix(item.key(), item.value())) {
      if (first.empty()) first = item.key();
      last = item.key();
    }
  std::vector<ParameterScale> out;
  for (const auto& item : named) {
    const std::string& name = item.key();
    ParameterScale s{name, MupRole::vector, {}};
    if (is_matrix(name, item.value())) s.role = name == first ? MupRole::input : name == last ? MupRole::output : MupRole::hidden;
    else if (!last.empty() && module_of(name) == module_of(last)) s.role = MupRole::output_bias;
    s.scale = mup_scale(p, s.role, m, optimizer);
    out.push_back(std::move(s));
  }
  return out;
}

void apply_parametrization_init(const std::vector<ParameterScale>& scales, torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  auto named = model.named_parameters(/*recurse=*/true);
  for (const auto& s : scales)
    if (s.scale.init != 1) named[s.name].mul_(s.scale.init);
}

std::vector<std::pair<std::string, double>> lr_multipliers(const std::vector<ParameterScale>& scales) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& s : scales)
    if (s.scale.lr != 1) out.emplace_back(s.name, s.scale.lr);
  return out;
}

}  // namespace initlab::lab
