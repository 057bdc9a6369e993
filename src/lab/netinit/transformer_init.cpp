#include "netinit/transformer_init.hpp"

#include <torch/torch.h>

#include <cmath>

#include "initlab/error.hpp"
#include "initlab/number_text.hpp"
#include "models/vit.hpp"
#include "netinit/network_init.hpp"

namespace initlab::lab {
namespace {

std::string excerpt(const std::string& s) { return s.size() <= 40 ? s : s.substr(0, 40) + "..."; }

// The residual branches' output projections and the other two matrices T-Fixup and DeepNorm scale.
constexpr const char* kValue = "blocks.*.attn.v.weight";
constexpr const char* kOut = "blocks.*.attn.o.weight";
constexpr const char* kFc1 = "blocks.*.mlp.fc1.weight";
constexpr const char* kFc2 = "blocks.*.mlp.fc2.weight";

std::vector<std::string> rules_for(std::initializer_list<const char*> patterns, const std::string& spec) {
  std::vector<std::string> out;
  for (const char* p : patterns) out.push_back(std::string(p) + "=" + spec);
  return out;
}

void require_vit(const NetworkInit& init, const ModelSpec& model) {
  if (model.kind != ModelKind::vit)
    throw Error("--init '" + excerpt(init.spec) + "' initializes transformers; --model '" + excerpt(model.text) + "' is not one (use vit:DIM-LAYERS-HEADS)");
}

void require_norm(const NetworkInit& init, const ModelSpec& model, VitNorm norm, const char* why) {
  if (model.vit.norm != norm)
    throw Error("--init '" + excerpt(init.spec) + "' is defined for " + why + "; --model '" + excerpt(model.text) + "' has norm=" +
                to_string(model.vit.norm) + ": write " + model.text.substr(0, model.text.find(',')) + ",norm=" + to_string(norm));
}

double deepnorm_alpha(std::int64_t layers) { return std::pow(2.0 * static_cast<double>(layers), 0.25); }
double deepnorm_beta(std::int64_t layers) { return std::pow(8.0 * static_cast<double>(layers), -0.25); }

}  // namespace

bool is_transformer_scheme(const std::string& scheme) {
  return scheme == "gpt2" || scheme == "small_init" || scheme == "t_fixup" || scheme == "deepnorm";
}

std::string transformer_base(const std::string& scheme) {
  if (scheme == "t_fixup") return "xavier_uniform";
  if (scheme == "deepnorm") return "xavier_normal";
  return "normal:std=1";  // small_init: every matrix gets a rule with the model's width; gpt2: parse_network_init writes its std
}

std::vector<std::string> transformer_rules(const NetworkInit& init, const ModelSpec& model) {
  if (!is_transformer_scheme(init.scheme)) return {};
  require_vit(init, model);
  const double L = static_cast<double>(model.vit.layers), D = static_cast<double>(model.vit.dim);
  if (init.scheme == "gpt2") {
    // GPT-2 (and its reference implementations): std for everything, std / sqrt(2L) for the two
    // projections that write into the residual stream in each of the L blocks.
    // (The other matrices get the base, normal:std=STD.)
    auto out = rules_for({kOut, kFc2}, "normal:std=" + number_text(init.std / std::sqrt(2.0 * L)));
    out.push_back("embed.pos_embedding=normal:std=" + number_text(init.std));
    return out;
  }
  if (init.scheme == "small_init")
    return rules_for({"embed.proj.weight", "embed.pos_embedding", "blocks.*.attn.?.weight", "blocks.*.mlp.fc?.weight", "head.weight"},
                     "normal:std=" + number_text(std::sqrt(2.0 / (5.0 * D))));
  if (init.scheme == "t_fixup") {
    require_norm(init, model, VitNorm::none, "transformers without LayerNorm (T-Fixup removes it)");
    // The reference code (layer6ai-labs/T-Fixup, fairseq): q, k Xavier uniform with gain 1/sqrt(2);
    // v, the output projection, fc1, fc2 Xavier uniform times 0.67 N^(-1/4) (v's 1/sqrt(2) undone);
    // the token table N(0, 1/D) times (9N)^(-1/4), read with a sqrt(D) scale, so each embedding
    // coordinate has std (9N)^(-1/4). A patch projection of fan-in F gets that std on unit inputs:
    // N(0, (9L)^(-1/2) / F). Learned position embeddings are not scaled (the model's default).
    auto out = rules_for({"blocks.*.attn.q.weight", "blocks.*.attn.k.weight"}, "xavier_uniform:gain=" + number_text(1.0 / std::sqrt(2.0)));
    for (auto& r : rules_for({kValue, kOut, kFc1, kFc2}, "xavier_uniform:gain=" + number_text(0.67 * std::pow(L, -0.25)))) out.push_back(r);
    out.push_back("embed.proj.weight=variance_scaling:scale=" + number_text(std::pow(9.0 * L, -0.5)) + ",mode=fan_in,distribution=normal");
    return out;
  }
  require_norm(init, model, VitNorm::post, "post-LN transformers (DeepNorm is a post-LN residual)");
  return rules_for({kValue, kOut, kFc1, kFc2}, "xavier_normal:gain=" + number_text(deepnorm_beta(model.vit.layers)));
}

std::vector<LayerInitReport> apply_transformer_init(torch::nn::Module& net, const NetworkInit& init) {
  const auto blocks = transformer_blocks(net);
  if (blocks.empty()) throw Error("--init '" + excerpt(init.spec) + "' initializes transformers; this model has no transformer blocks (use vit:DIM-LAYERS-HEADS)");
  std::vector<LayerInitReport> out;
  if (init.scheme != "deepnorm") return out;  // the plan's rules did it all
  const std::int64_t layers = static_cast<std::int64_t>(blocks.size());
  const double alpha = deepnorm_alpha(layers);
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    if (blocks[i]->norm != VitNorm::post) throw Error("--init deepnorm is defined for post-LN transformers (vit:...,norm=post)");
    blocks[i]->alpha.fill_(alpha);
    out.push_back({"blocks." + std::to_string(i), 0, 0,
                   "residual multiplier alpha = (2L)^(1/4) = " + number_text(alpha) + "; v, o, fc1, fc2 gain beta = (8L)^(-1/4) = " +
                       number_text(deepnorm_beta(layers))});
  }
  return out;
}

}  // namespace initlab::lab
