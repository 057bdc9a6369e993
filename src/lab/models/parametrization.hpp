// How a model's init and learning rates scale with its width: the standard parametrization
// (every layer at --lr, the init as drawn) or μP, the maximal-update parametrization of Yang et
// al. 2021 (Tensor Programs V, Table 3), under which the best learning rate and every layer's
// update size stay put as the model widens. Torch-free: the table of multipliers per parameter
// role; models/mup.hpp assigns the roles to a built model's parameters and applies them.
//
// μP as written here (TP5's Table 3, relative to the standard parametrization at the base width,
// so that both agree there), with m = width / base_width:
//   role         init std   SGD lr   Adam lr   what it is
//   input        x1         x m      x1        the first matrix (fan_in fixed, fan_out ~ width)
//   hidden       x1         x1       x 1/m     width x width matrices (init already ~ 1/fan_in)
//   output       x m^-1/2   x 1/m    x 1/m     the readout (fan_in ~ width, fan_out fixed), or zero
//   vector       x1         x m      x1        biases, norms, tokens and embeddings of width size
//   output_bias  x1         x1       x1        the readout's bias (fixed size)
// The `mup` package (Table 8's form) keeps the readout at the standard init and lr and divides
// its input by m in the forward pass instead; with Adam (ignoring epsilon) and with SGD the
// trajectories are the same (docs/transformers.md derives it). Biases keep the init as drawn: Table 3
// has Theta(1) biases, while torch_default's U(+-1/sqrt(fan_in)) shrinks with width (--bias zeros or
// a constant-std --bias matches the table). Attention logits are scaled by
// sqrt(d0) / d instead of 1 / sqrt(d) (d the head dimension, d0 = base_width / heads): 1 / d in
// width, equal to the standard scale at the base width.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "models/model_spec.hpp"
#include "train/train_config.hpp"

namespace initlab::lab {

enum class ParamKind { standard, mup };
enum class ReadoutInit { scaled, zero };  // μP's readout: the drawn init x m^-1/2, or all zeros

struct Parametrization {
  ParamKind kind = ParamKind::standard;
  std::int64_t base_width = 64;  // μP: the width at which it equals the standard parametrization
  ReadoutInit readout = ReadoutInit::scaled;
  bool operator==(const Parametrization&) const = default;
};

// "standard" | "mup[:base_width=W,readout=scaled|zero]". Throws Error naming --param and what
// is expected.
Parametrization parse_parametrization(std::string_view text);
// The canonical text: "standard", "mup:base_width=64", "mup:base_width=64,readout=zero".
std::string to_string(const Parametrization& p);

enum class MupRole { input, hidden, output, vector, output_bias };
const char* to_string(MupRole role);

// Multipliers on the standard init's draw (its std) and on --lr for one parameter.
struct MupScale {
  double init = 1;  // 0: zero init (readout=zero)
  double lr = 1;
};
// The table above for one role at width multiplier m (= width / base_width); standard: all 1.
MupScale mup_scale(const Parametrization& p, MupRole role, double m, Optimizer optimizer);

// The width that μP scales for a model: the hidden width of an mlp: (every hidden layer must have
// it), the dimension of a vit:. Throws Error "--param mup: ..." for a model μP is not defined for
// here (only mlp: with at least one hidden layer, all of one width, and vit:).
std::int64_t mup_width(const ModelSpec& spec);
// width / base_width (1 under the standard parametrization).
double width_multiplier(const ModelSpec& spec, const Parametrization& p);
// The attention-logit multiplier of a vit head of dimension d_head with `heads` heads:
// 1 / sqrt(d_head) (standard) or sqrt(d0) / d_head with d0 = base_width / heads (μP).
double attention_logit_multiplier(const Parametrization& p, std::int64_t dim, std::int64_t heads);

}  // namespace initlab::lab
