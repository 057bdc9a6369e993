// The seed notebooks' experiments as presets of compare / train: seed-mlp, seed-keras-mlp,
// seed-cnn, seed-rnn, seed-toy-regression.
#pragma once
#include <string>
#include <vector>

#include "experiments/experiment.hpp"

namespace initlab::lab {

// Applies the preset to `config` (fields the user set explicitly are kept by the caller).
void apply_preset(const std::string& name, ExperimentConfig& config);
const std::vector<std::string>& preset_names();

}  // namespace initlab::lab
