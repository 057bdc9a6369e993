// An initialization plan: which initializer each parameter of a model gets, by rules:
// the weight spec for weights of Linear / Conv / ConvTranspose / RNN layers, the bias spec for
// their biases, ones/zeros for normalization layers, N(0,1) for embeddings (PyTorch's default),
// and name patterns that override all of these ('fc3.*=zeros'). Torch-free: strings at the edge.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "initlab/generator.hpp"
#include "initlab/initializer.hpp"
#include "initlab/torch/layer_kind.hpp"

namespace initlab::libtorch {

struct InitRule {
  std::string pattern;  // glob on the qualified parameter name: '*' any run, '?' one character
  std::string spec;
  Initializer init;
  bool implied = false;  // a rule of a recurrent scheme (irnn, ...), not a user's --override: may match nothing
};

struct InitPlan {
  std::string weight_spec = "torch_default";
  Initializer weight = TorchDefault{};
  std::string bias_spec;          // empty: follow the weight (torch_default / keras_default rules), else zeros
  std::optional<Initializer> bias;
  std::vector<InitRule> overrides;  // in order: a parameter gets the first one whose pattern matches its name
  GeneratorKind generator = GeneratorKind::philox;
  std::uint64_t seed = 0;
  int threads = 0;
  std::int64_t sequence_length = 0;  // the data's steps: chrono's tmax where the spec gives none (0: unknown)
  // MultiheadAttention's in_proj_weight [3d, d]: false draws q, k, v as three [d, d] matrices (each
  // with its own fans, like RNN gates); true draws the packed matrix as one, as PyTorch's
  // xavier_uniform_(in_proj_weight) does (q, k, v then each get a std sqrt(2) too small for Xavier).
  // torch_default always reproduces PyTorch (packed).
  bool packed_qkv = false;
};

// Builds a plan from specs; overrides are "PATTERN=SPEC". Throws Error naming the bad piece.
InitPlan make_plan(const std::string& weight_spec, const std::string& bias_spec,
                   const std::vector<std::string>& overrides, GeneratorKind generator, std::uint64_t seed);

// Appends a scheme's role rules ("PATTERN=SPEC", e.g. "*.weight_hh_l*=eye") after the user's
// overrides, marked implied: a user's --override on the same parameter wins.
void add_implied_rules(InitPlan& plan, const std::vector<std::string>& rules);

bool glob_match(std::string_view pattern, std::string_view text);

// What apply_plan did to one parameter.
struct ParamInit {
  std::string name;   // qualified, e.g. "layers.0.weight"
  LayerKind layer = LayerKind::other;
  std::string spec;   // the spec applied ("kept" when the parameter was left as it was)
  Shape shape;
  std::optional<Fan> fan;
  int gates = 1;      // RNN weights: initialized per gate block; attention in_proj_weight: per projection (3)
  std::string rule;   // what chose `spec` ("--init", "--override 'fc.*=zeros'", ...); for "kept", why nothing did
};

// The rules every plan ends with, for parameters that belong to no Linear / Conv / RNN / norm /
// embedding module: position embeddings N(0, 0.02^2) and class tokens zeros (torchvision's ViT and
// initlab's vit). A --override on the same name wins.
const std::vector<InitRule>& named_parameter_defaults();

}  // namespace initlab::libtorch
