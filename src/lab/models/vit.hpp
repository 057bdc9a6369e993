// A vision transformer (Dosovitskiy et al. 2021) small enough for a CPU: patches of an image,
// linearly embedded, a class token and learned position embeddings, then transformer blocks of
// multi-head self-attention and an MLP, each with a residual connection, and a linear head on the
// class token. Every matrix is a named Linear child, so init rules, overrides, probes, LSUV and
// the monitor reach each one:
//   embed.proj, embed.cls_token, embed.pos_embedding
//   blocks.I.norm1, blocks.I.attn.{q,k,v,o}, blocks.I.norm2, blocks.I.mlp.{fc1,fc2}
//   pool.norm (pre-LN only: the final LayerNorm), head
// The three places of the LayerNorms (VitNorm) are the subject of the transformer schemes
// (gpt2, small_init, t_fixup, deepnorm in netinit/transformer_init.hpp).
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <functional>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "models/model_spec.hpp"

namespace initlab::lab {

// Called with a Linear layer's name inside its block ("attn.q", "mlp.fc2") and its output, in
// execution order, while set (LSUV and the probes look inside blocks with it).
using LinearTap = std::function<void(const std::string&, const torch::Tensor&)>;

// Multi-head self-attention from four named D x D Linear layers q, k, v, o:
// softmax(q k^T x logit_multiplier) v per head, heads concatenated, then o.
struct SelfAttentionImpl : torch::nn::Module {
  SelfAttentionImpl(std::int64_t dim, std::int64_t heads);
  torch::Tensor forward(const torch::Tensor& x);  // [N, T, D] -> [N, T, D]
  torch::nn::Linear q{nullptr}, k{nullptr}, v{nullptr}, o{nullptr};
  std::int64_t heads = 1;
  double logit_multiplier = 1;  // 1 / sqrt(D / heads)
  bool record_logits = false;   // keep the last forward's attention logits (detached) in `logits`
  torch::Tensor logits;         // [N, heads, T, T]
  const LinearTap* tap = nullptr;
};
TORCH_MODULE(SelfAttention);

// fc2(act(fc1(x))): D -> mlp_ratio x D -> D.
struct TransformerMlpImpl : torch::nn::Module {
  TransformerMlpImpl(std::int64_t dim, std::int64_t hidden, const std::string& activation);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
  torch::nn::AnyModule act;
  const LinearTap* tap = nullptr;
};
TORCH_MODULE(TransformerMlp);

// pre:  x + attn(norm1(x)), then + mlp(norm2(.))
// post: norm1(alpha x + attn(x)), then norm2(alpha x + mlp(.))   (alpha: DeepNorm's residual multiplier, 1 by default)
// none: x + attn(x), then + mlp(.)
struct TransformerBlockImpl : torch::nn::Module {
  TransformerBlockImpl(const VitSpec& spec);
  torch::Tensor forward(const torch::Tensor& x);
  // The block's Linear layers in execution order, with their names inside the block.
  std::vector<std::pair<std::string, torch::nn::Linear>> linears() const;
  // Runs forward with `tap` called on every Linear output.
  torch::Tensor forward_tapped(const torch::Tensor& x, const LinearTap& tap);
  VitNorm norm;
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  SelfAttention attn{nullptr};
  TransformerMlp mlp{nullptr};
  torch::Tensor alpha;  // a 0-d buffer
};
TORCH_MODULE(TransformerBlock);

// The blocks, named 0, 1, ... (so parameters read blocks.3.attn.q.weight), run in order.
struct TransformerStackImpl : torch::nn::Module {
  explicit TransformerStackImpl(const VitSpec& spec);
  torch::Tensor forward(torch::Tensor x);
  std::vector<TransformerBlock> blocks;
};
TORCH_MODULE(TransformerStack);

// [N, C, H, W] -> [N, 1 + H W / p^2, D]: patches (C, p, p in a Conv2d weight's order), proj, the
// class token first, plus the position embeddings.
struct PatchEmbeddingImpl : torch::nn::Module {
  PatchEmbeddingImpl(std::int64_t channels, std::int64_t patch, std::int64_t tokens, std::int64_t dim);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor forward_tapped(const torch::Tensor& x, const LinearTap& tap);
  std::int64_t patch;
  torch::nn::Linear proj{nullptr};
  torch::Tensor cls_token, pos_embedding;  // [1, 1, D], [1, tokens + 1, D]
};
TORCH_MODULE(PatchEmbedding);

// The class token's state [N, D] (after the final LayerNorm, pre-LN only).
struct ClassTokenPoolImpl : torch::nn::Module {
  ClassTokenPoolImpl(std::int64_t dim, bool final_norm);
  torch::Tensor forward(const torch::Tensor& x);
  torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(ClassTokenPool);

// vit: on image data [C, H, W] (the patch must divide H and W); throws Error naming the spec.
torch::nn::Sequential vision_transformer(const ModelSpec& spec, const DataSplits& data);

// The transformer blocks of a model, in order (empty for other models).
std::vector<TransformerBlockImpl*> transformer_blocks(torch::nn::Module& model);
// The model's patch embedding (null for other models).
PatchEmbeddingImpl* patch_embedding(torch::nn::Module& model);

// The parameters a vit's plan reaches by default besides its Linear layers, as torchvision's
// VisionTransformer initializes them: the position embeddings N(0, 0.02^2) and the class token 0
// (rules after the user's overrides and a scheme's, "PATTERN=SPEC"). Empty for other models.
std::vector<std::string> model_default_rules(const ModelSpec& spec);

}  // namespace initlab::lab
