#include "initlab/torch/layer_kind.hpp"

namespace initlab::libtorch {

std::string_view type_base_name(std::string_view name) {
  const auto sep = name.find_last_of(".:");
  if (sep != std::string_view::npos) name = name.substr(sep + 1);
  if (name.ends_with("Impl")) name.remove_suffix(4);
  return name;
}

LayerKind layer_kind_of(std::string_view type_name) {
  const std::string_view n = type_base_name(type_name);
  // NonDynamicallyQuantizableLinear: MultiheadAttention's out_proj.
  if (n.ends_with("Linear") || n == "Bilinear") return LayerKind::linear;
  if (n == "MultiheadAttention") return LayerKind::attention;
  if (n.starts_with("ConvTranspose")) return LayerKind::conv_transpose;
  if (n.starts_with("Conv")) return LayerKind::conv;
  if (n.starts_with("Embedding")) return LayerKind::embedding;
  if (n == "LSTM") return LayerKind::lstm;
  if (n == "GRU") return LayerKind::gru;
  if (n == "RNN") return LayerKind::rnn;
  if (n.starts_with("BatchNorm") || n == "LayerNorm" || n == "GroupNorm" || n.starts_with("InstanceNorm"))
    return LayerKind::norm;
  return LayerKind::other;
}

std::string_view to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::linear: return "linear";
    case LayerKind::conv: return "conv";
    case LayerKind::conv_transpose: return "conv_transpose";
    case LayerKind::embedding: return "embedding";
    case LayerKind::rnn: return "rnn";
    case LayerKind::lstm: return "lstm";
    case LayerKind::gru: return "gru";
    case LayerKind::norm: return "norm";
    case LayerKind::attention: return "attention";
    case LayerKind::other: return "other";
  }
  return "other";
}

int gate_count(LayerKind kind) {
  if (kind == LayerKind::lstm) return 4;
  if (kind == LayerKind::gru) return 3;
  return 1;
}

bool is_recurrent(LayerKind kind) { return kind == LayerKind::rnn || kind == LayerKind::lstm || kind == LayerKind::gru; }

}  // namespace initlab::libtorch
