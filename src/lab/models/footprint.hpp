// The memory a model needs at its peak, estimated from its spec and the input's shape before
// anything large is allocated, and the check that refuses a run above a limit (--max-memory).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/model_spec.hpp"

namespace initlab::lab {

// Floats per sample a chain of layers keeps, and its parameters.
struct ModelTally {
  // Per weighted layer a run keeps its output (pre), the activation's output (act) and the
  // retained gradient of pre.
  static constexpr double kKeptPerLayer = 3;
  double parameters = 0, kept = 0, widest = 0;
  void layer(double params, double out, double kept_copies = kKeptPerLayer) {
    parameters += params;
    kept += kept_copies * out;
    widest = out > widest ? out : widest;
  }
};

// A lab model's tally (not file:; parsed once by parse_model_spec) on inputs of `sample`; `outputs`: the last layer's width where
// the data decides it (cnn, rescnn, rnn); `vocabulary`: for rnn: models. Unknown kinds tally 0
// (the builder says why).
ModelTally tally_lab_model(const ModelSpec& model, const std::vector<std::int64_t>& sample, std::int64_t outputs,
                           std::int64_t vocabulary);

// What one run holds at its peak: parameters, their gradients and `state_copies` more of them
// (an optimizer's state: 1 for SGD with momentum, 2 for Adam), the input batch, every layer's
// kept outputs and transients, and (propagate) the Jacobian's rows.
struct Footprint {
  double parameters = 0;
  double bytes = 0;
};
Footprint footprint_of(const ModelTally& tally, double in, double out, std::int64_t batch, int jacobian_samples,
                       double state_copies = 0);
Footprint lab_model_footprint(const ModelSpec& model, const std::vector<std::int64_t>& sample_shape, std::int64_t batch,
                              std::int64_t outputs, std::int64_t vocabulary, int jacobian_samples, double state_copies = 0);

// Throws Error "<what> needs about X for one run (N parameters, --batch B); the limit is Y (...):
// raise it with --max-memory SIZE ..." when f.bytes > limit_bytes (0: the memory available now).
void check_footprint(const std::string& what, const Footprint& f, std::int64_t batch, double limit_bytes);

// The largest batch whose footprint_of(tally, in, out, batch, 0) fits in `limit_bytes` (0: the
// memory available now); 0 when not even one sample does.
std::int64_t largest_batch(const ModelTally& tally, double in, double out, double limit_bytes);

}  // namespace initlab::lab
