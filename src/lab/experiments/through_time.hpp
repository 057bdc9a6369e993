// Signal propagation through time in a recurrent network at initialization: the hidden state's
// size and the gradient that reaches each step from the last one, per init (Bengio et al. 1994;
// Pascanu et al. 2013), and the recurrent matrix's spectrum. `initlab propagate` on rnn: models.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "experiments/propagate.hpp"  // PropagateConfig, thresholds
#include "models/recurrent_unroll.hpp"  // RecurrentBlock

namespace initlab::lab {

struct TimeStep {
  int step = 0;             // 1-based
  double hidden_rms = 0;    // sqrt(mean h_t^2) over the batch and units
  double grad_rms = 0;      // sqrt(mean (dL/dh_t)^2): L = fc(h_T) . cotangent, through the recurrence
};

struct ThroughTime {
  std::string init;
  std::optional<double> sweep_value;
  std::vector<std::vector<TimeStep>> seeds;  // [seed][step]
  std::vector<RecurrentBlock> blocks;        // the first seed's weight_hh
  double grad_ratio = 0;    // grad_rms(step 1) / grad_rms(step T), mean over seeds: what reaches the first step
  double hidden_ratio = 0;  // hidden_rms(step T) / hidden_rms(step 1), mean over seeds
  std::string verdict;      // vanishing | stable | exploding | nan (thresholds kVanishingRatio, kExplodingRatio on grad_ratio)
};

// Unrolls the model's recurrent layer step by step with its own parameters (PyTorch's equations
// for tanh / relu RNN, LSTM and GRU cells) on `config.input` (data:SPEC with sequence or token
// data, or gaussian:STEPSxFEATURES), for every init and seed. Throws Error on a model that is not
// rnn:, on an input that is not a sequence, and on a footprint above the limit.
std::vector<ThroughTime> propagate_through_time(const PropagateConfig& config);

}  // namespace initlab::lab
