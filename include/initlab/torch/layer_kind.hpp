// What kind of layer a module is, from its type name (C++ "torch::nn::Conv2dImpl" or
// TorchScript "__torch__.torch.nn.modules.conv.Conv2d"): decides fans and parameter roles.
#pragma once
#include <string_view>

namespace initlab::libtorch {

enum class LayerKind { linear, conv, conv_transpose, embedding, rnn, lstm, gru, norm, attention, other };

LayerKind layer_kind_of(std::string_view type_name);
// The type's own name: the last component of a qualified name, without a trailing "Impl"
// ("__torch__.torch.nn.modules.conv.Conv2d", "torch::nn::Conv2dImpl" -> "Conv2d").
std::string_view type_base_name(std::string_view type_name);
std::string_view to_string(LayerKind kind);
// Gate blocks stacked in an RNN weight: rnn 1, lstm 4 (i, f, g, o), gru 3 (r, z, n); 1 otherwise.
int gate_count(LayerKind kind);
bool is_recurrent(LayerKind kind);

}  // namespace initlab::libtorch
