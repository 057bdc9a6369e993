// μP on a built model (models/parametrization.hpp has the table): each parameter's role (input,
// hidden, output, vector, output bias), the readout's init rescaled (or zeroed) after the init
// has drawn it, and the per-parameter learning-rate multipliers the optimizer applies.
#pragma once
#include <torch/nn/module.h>

#include <string>
#include <vector>

#include "models/parametrization.hpp"

namespace initlab::lab {

struct ParameterScale {
  std::string name;  // as in named_parameters(): fc1.weight, blocks.0.attn.q.weight
  MupRole role = MupRole::vector;
  MupScale scale;
};

// Every parameter of `model` (built from `spec`) with its role and multipliers, in
// named_parameters() order. Matrices ("*.weight" of rank 2): the first is the input layer, the
// last the readout, the rest hidden; the readout's bias is output_bias; everything else (biases,
// norms, class token, position embeddings) is a vector of width size. Throws Error for a model
// μP is not defined for (mup_width).
std::vector<ParameterScale> parameter_scales(const ModelSpec& spec, const Parametrization& p, torch::nn::Module& model,
                                             Optimizer optimizer);

// Multiplies each parameter by its init multiplier (the readout's m^-1/2, or 0); nothing under
// the standard parametrization. Call after the init plan and any network scheme.
void apply_parametrization_init(const std::vector<ParameterScale>& scales, torch::nn::Module& model);

// The learning-rate multipliers that are not 1, by parameter name (TrainConfig::lr_multipliers).
std::vector<std::pair<std::string, double>> lr_multipliers(const std::vector<ParameterScale>& scales);

}  // namespace initlab::lab
