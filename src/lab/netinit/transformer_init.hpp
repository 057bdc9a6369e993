// The initialization schemes of transformers, on the lab's vit (models/vit.hpp). Each is a set of
// per-parameter rules computed from the model's depth L and width D (drawn through the plan, so
// every parameter keeps its own stream and a user's --override still wins), plus, for DeepNorm, the
// residual multiplier the scheme is defined with. Exact formulas: docs/transformers.md.
//
//   gpt2[:std=0.02]   Radford et al. 2019 (GPT-2): every matrix N(0, std^2), the residual branches'
//                     output projections (attn.o, mlp.fc2) N(0, (std / sqrt(2L))^2), biases 0
//   small_init        Nguyen & Salazar 2019: every matrix N(0, 2 / (5 D)), biases 0
//   t_fixup           Huang et al. 2020 (no LayerNorm: vit norm=none): Xavier uniform; v, o, fc1, fc2
//                     scaled by 0.67 L^(-1/4); the input embedding N(0, 1/D) scaled by (9L)^(-1/4)
//   deepnorm          Wang et al. 2022 (DeepNet, post-LN): x_{l+1} = LN(alpha x + f(x)) with
//                     alpha = (2L)^(1/4); v, o, fc1, fc2 Xavier normal with gain beta = (8L)^(-1/4),
//                     q, k (and the rest) Xavier normal with gain 1
#pragma once
#include <string>
#include <vector>

#include "models/model_spec.hpp"

namespace torch::nn {
class Module;
}

namespace initlab::lab {

struct NetworkInit;
struct LayerInitReport;

bool is_transformer_scheme(const std::string& scheme);

// The scheme's base spec (what every matrix not named by a rule gets).
std::string transformer_base(const std::string& scheme);

// The rules ("PATTERN=SPEC") the scheme gives a model of this spec; empty for other schemes.
// Throws Error when the scheme cannot apply to the model (not a vit, or the wrong norm), so a run
// is refused before it starts.
std::vector<std::string> transformer_rules(const NetworkInit& init, const ModelSpec& model);

// After the plan: DeepNorm's residual multiplier on every block; a line per block for the others.
std::vector<LayerInitReport> apply_transformer_init(torch::nn::Module& net, const NetworkInit& init);

}  // namespace initlab::lab
