// The model-spec grammar, parsed once into a typed value (torch-free): every command reads
// --model through parse_model_spec, the builder (models.hpp) and the memory estimate
// (footprint.hpp) take the parsed spec. The grammar itself is documented at build_model and in
// docs/models.md.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace initlab::lab {

// Limits on a model spec, checked before anything is built.
inline constexpr std::size_t kMaxModelSpecLength = 1000;     // characters
inline constexpr std::int64_t kMaxModelLayers = 100000;       // layers: widths in a list (NxK expanded) less the input

enum class ModelKind { mlp, resmlp, cnn, rescnn, rnn, vit, toy, file };

// Where a transformer block's LayerNorms sit: pre-LN x + f(LN(x)), post-LN LN(alpha x + f(x)), or
// none (x + f(x): T-Fixup's setting).
enum class VitNorm { pre, post, none };

// vit:DIM-LAYERS-HEADS[,patch=7,mlp=4,norm=pre|post|none,act=gelu]
struct VitSpec {
  std::int64_t dim = 0, layers = 0, heads = 0;
  std::int64_t patch = 7;      // square patches of PATCH x PATCH pixels
  std::int64_t mlp_ratio = 4;  // the MLP's hidden width is mlp_ratio x dim
  VitNorm norm = VitNorm::pre;
  std::string activation = "gelu";  // the MLP's
};

struct ModelSpec {
  std::string text;                  // as written: the experiment's identity and every message
  ModelKind kind = ModelKind::mlp;
  std::vector<std::int64_t> widths;  // mlp, resmlp: IN, hidden..., OUT; rnn: EMBEDDING, HIDDEN (token data) or HIDDEN (sequences); toy: 5, 10, 1
  std::int64_t channels = 0;         // rescnn
  std::int64_t blocks = 0;           // rescnn
  std::string cell;                  // rnn: tanh | relu | lstm | gru ("rnn" is read as tanh)
  VitSpec vit;                       // vit
  std::string path;                  // file: a TorchScript model (models/script_net.hpp)
};

std::string to_string(VitNorm norm);

// Throws Error naming the spec (an excerpt of it) and what to write instead. What the data must
// match (input size, classes, images, tokens) is checked by build_model.
ModelSpec parse_model_spec(std::string_view text);

// The widths of an mlp: or resmlp: spec, exactly as build_model reads them (IN, hidden..., OUT);
// throws Error naming the spec (an excerpt of it) and what to write instead.
std::vector<std::int64_t> mlp_widths(const std::string& spec);

// "784-100x10-10" -> {784, 100 (ten times), 10}; throws Error naming `spec` and the bad piece.
std::vector<std::int64_t> parse_widths(const std::string& spec, const std::string& text);

}  // namespace initlab::lab
