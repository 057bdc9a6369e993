#include "models/vit.hpp"

#include <torch/torch.h>

#include <cmath>

#include "initlab/excerpt.hpp"
#include "initlab/error.hpp"
#include "models/models.hpp"

namespace initlab::lab {
namespace {


torch::Tensor tapped(const LinearTap* tap, const char* name, torch::Tensor y) {
  if (tap) (*tap)(name, y);
  return y;
}

// Sets `tap` on a block's attention and MLP for the duration of a forward.
struct TapScope {
  TransformerBlockImpl& block;
  TapScope(TransformerBlockImpl& b, const LinearTap* tap) : block(b) { block.attn->tap = block.mlp->tap = tap; }
  ~TapScope() { block.attn->tap = block.mlp->tap = nullptr; }
};

}  // namespace

SelfAttentionImpl::SelfAttentionImpl(std::int64_t dim, std::int64_t heads_)
    : q(register_module("q", torch::nn::Linear(dim, dim))),
      k(register_module("k", torch::nn::Linear(dim, dim))),
      v(register_module("v", torch::nn::Linear(dim, dim))),
      o(register_module("o", torch::nn::Linear(dim, dim))),
      heads(heads_),
      logit_multiplier(1.0 / std::sqrt(static_cast<double>(dim / heads_))) {}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x) {
  const std::int64_t n = x.size(0), t = x.size(1), d = x.size(2), hd = d / heads;
  const auto split = [&](const torch::Tensor& y) { return y.view({n, t, heads, hd}).transpose(1, 2); };  // [N, h, T, hd]
  const torch::Tensor qs = split(tapped(tap, "attn.q", q(x))), ks = split(tapped(tap, "attn.k", k(x))),
                      vs = split(tapped(tap, "attn.v", v(x)));
  const torch::Tensor scores = torch::matmul(qs, ks.transpose(-2, -1)).mul_(logit_multiplier);
  if (record_logits) logits = scores.detach();
  const torch::Tensor mixed = torch::matmul(torch::softmax(scores, -1), vs).transpose(1, 2).reshape({n, t, d});
  return tapped(tap, "attn.o", o(mixed));
}

TransformerMlpImpl::TransformerMlpImpl(std::int64_t dim, std::int64_t hidden, const std::string& activation)
    : fc1(register_module("fc1", torch::nn::Linear(dim, hidden))),
      fc2(register_module("fc2", torch::nn::Linear(hidden, dim))),
      act(make_activation(activation)) {}

torch::Tensor TransformerMlpImpl::forward(const torch::Tensor& x) {
  return tapped(tap, "mlp.fc2", fc2(act.forward(tapped(tap, "mlp.fc1", fc1(x)))));
}

TransformerBlockImpl::TransformerBlockImpl(const VitSpec& spec) : norm(spec.norm) {
  if (norm != VitNorm::none) norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({spec.dim})));
  attn = register_module("attn", SelfAttention(spec.dim, spec.heads));
  if (norm != VitNorm::none) norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({spec.dim})));
  mlp = register_module("mlp", TransformerMlp(spec.dim, spec.mlp_ratio * spec.dim, spec.activation));
  alpha = register_buffer("alpha", torch::ones({}));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x) {
  switch (norm) {
    case VitNorm::pre: {
      const torch::Tensor h = x + attn(norm1(x));
      return h + mlp(norm2(h));
    }
    case VitNorm::post: {
      const torch::Tensor h = norm1(x * alpha + attn(x));
      return norm2(h * alpha + mlp(h));
    }
    case VitNorm::none: {
      const torch::Tensor h = x + attn(x);
      return h + mlp(h);
    }
  }
  return x;
}

torch::Tensor TransformerBlockImpl::forward_tapped(const torch::Tensor& x, const LinearTap& tap) {
  TapScope scope(*this, &tap);
  return forward(x);
}

std::vector<std::pair<std::string, torch::nn::Linear>> TransformerBlockImpl::linears() const {
  return {{"attn.q", attn->q}, {"attn.k", attn->k}, {"attn.v", attn->v}, {"attn.o", attn->o}, {"mlp.fc1", mlp->fc1}, {"mlp.fc2", mlp->fc2}};
}

TransformerStackImpl::TransformerStackImpl(const VitSpec& spec) {
  for (std::int64_t i = 0; i < spec.layers; ++i) blocks.push_back(register_module(std::to_string(i), TransformerBlock(spec)));
}

torch::Tensor TransformerStackImpl::forward(torch::Tensor x) {
  for (auto& b : blocks) x = b(x);
  return x;
}

PatchEmbeddingImpl::PatchEmbeddingImpl(std::int64_t channels, std::int64_t patch_, std::int64_t tokens, std::int64_t dim)
    : patch(patch_),
      proj(register_module("proj", torch::nn::Linear(channels * patch_ * patch_, dim))),
      cls_token(register_parameter("cls_token", torch::zeros({1, 1, dim}))),
      pos_embedding(register_parameter("pos_embedding", torch::zeros({1, tokens + 1, dim}))) {}

torch::Tensor PatchEmbeddingImpl::forward(const torch::Tensor& x) { return forward_tapped(x, LinearTap()); }

torch::Tensor PatchEmbeddingImpl::forward_tapped(const torch::Tensor& x, const LinearTap& tap) {
  const std::int64_t n = x.size(0), c = x.size(1), gh = x.size(2) / patch, gw = x.size(3) / patch;
  const torch::Tensor patches = x.reshape({n, c, gh, patch, gw, patch}).permute({0, 2, 4, 1, 3, 5}).reshape({n, gh * gw, c * patch * patch});
  const torch::Tensor tokens = proj(patches);
  if (tap) tap("proj", tokens);
  return torch::cat({cls_token.expand({n, 1, tokens.size(2)}), tokens}, 1) + pos_embedding;
}

ClassTokenPoolImpl::ClassTokenPoolImpl(std::int64_t dim, bool final_norm) {
  if (final_norm) norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
}

torch::Tensor ClassTokenPoolImpl::forward(const torch::Tensor& x) {
  const torch::Tensor cls = x.select(1, 0);
  return norm ? norm(cls) : cls;
}

torch::nn::Sequential vision_transformer(const ModelSpec& spec, const DataSplits& data) {
  const VitSpec& v = spec.vit;
  const auto& s = data.sample_shape;
  if (s.size() != 3 || data.task == Task::regression)
    throw Error("--model '" + excerpt(spec.text) + "' classifies images (channels x height x width); --data '" + excerpt(data.name) + "' is not image classification");
  if (s[1] % v.patch != 0 || s[2] % v.patch != 0)
    throw Error("--model '" + excerpt(spec.text) + "': patch=" + std::to_string(v.patch) + " does not divide --data '" + excerpt(data.name) +
                "' images of " + std::to_string(s[1]) + "x" + std::to_string(s[2]) + " pixels");
  make_activation(v.activation);  // validates act=
  const std::int64_t tokens = (s[1] / v.patch) * (s[2] / v.patch);
  torch::nn::Sequential net;
  net->push_back("embed", PatchEmbedding(s[0], v.patch, tokens, v.dim));
  net->push_back("blocks", TransformerStack(v));
  net->push_back("pool", ClassTokenPool(v.dim, v.norm == VitNorm::pre));
  net->push_back("head", torch::nn::Linear(v.dim, data.num_classes));
  return net;
}

std::vector<TransformerBlockImpl*> transformer_blocks(torch::nn::Module& model) {
  std::vector<TransformerBlockImpl*> out;
  for (const auto& m : model.modules(/*include_self=*/true))
    if (auto* b = dynamic_cast<TransformerBlockImpl*>(m.get())) out.push_back(b);
  return out;
}

PatchEmbeddingImpl* patch_embedding(torch::nn::Module& model) {
  for (const auto& m : model.modules(/*include_self=*/true))
    if (auto* e = dynamic_cast<PatchEmbeddingImpl*>(m.get())) return e;
  return nullptr;
}

std::vector<std::string> model_default_rules(const ModelSpec& spec) {
  if (spec.kind != ModelKind::vit) return {};
  return {"embed.pos_embedding=normal:std=0.02", "embed.cls_token=zeros"};
}

}  // namespace initlab::lab
