#include "models/footprint.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "initlab/byte_size.hpp"
#include "initlab/error.hpp"

namespace initlab::lab {
namespace {

constexpr double kBytesPerFloat = 4;
// The statistics and the backward pass add a few layer-sized transients.
constexpr double kTransientLayers = 3;



double product(const std::vector<std::int64_t>& v) {
  double p = 1;
  for (auto x : v) p *= static_cast<double>(x);
  return p;
}

}  // namespace

ModelTally tally_lab_model(const ModelSpec& model, const std::vector<std::int64_t>& sample, std::int64_t outputs, std::int64_t vocabulary) {
  const double out = static_cast<double>(outputs);
  ModelTally t;
  if (model.kind == ModelKind::mlp || model.kind == ModelKind::resmlp) {
    const auto& w = model.widths;
    std::vector<double> d(w.begin(), w.end());
    if (model.kind == ModelKind::mlp) {
      for (std::size_t i = 1; i < d.size(); ++i) t.layer((d[i - 1] + 1) * d[i], d[i]);
    } else if (d.size() >= 3) {
      t.layer((d[0] + 1) * d[1], d[1]);
      for (std::size_t i = 1; i + 2 < d.size(); ++i) {
        t.layer(2 * (d[i] + 1) * d[i], d[i], 3);  // fc1, act, fc2 inside the block
        t.layer(0, d[i]);                         // the block's sum, its activation, the retained gradient
      }
      t.layer((d[d.size() - 2] + 1) * d.back(), d.back());
    }
  } else if (model.kind == ModelKind::cnn && sample.size() == 3) {
    const double c = static_cast<double>(sample[0]), h = static_cast<double>(sample[1]), w = static_cast<double>(sample[2]);
    const double h1 = std::floor((h - 2) / 2), w1 = std::floor((w - 2) / 2);
    const double h2 = std::floor((h1 - 2) / 2), w2 = std::floor((w1 - 2) / 2);
    if (h2 < 1 || w2 < 1) return t;  // the builder says why
    t.layer(32 * (9 * c + 1), 32 * (h - 2) * (w - 2));
    t.layer(0, 32 * h1 * w1, 1);  // pooling
    t.layer(64 * (9 * 32 + 1), 64 * (h1 - 2) * (w1 - 2));
    t.layer(0, 64 * h2 * w2, 1);
    t.layer((64 * h2 * w2 + 1) * 64, 64);
    t.layer(65 * out, out);
  } else if (model.kind == ModelKind::rescnn && sample.size() == 3) {
    const std::int64_t blocks = model.blocks;
    const double ch = static_cast<double>(model.channels), hw = static_cast<double>(sample[1]) * static_cast<double>(sample[2]);
    t.layer(ch * (9 * static_cast<double>(sample[0]) + 1), ch * hw);
    for (std::int64_t b = 0; b < blocks; ++b) {
      t.layer(2 * ch * (9 * ch + 1), ch * hw, 3);
      t.layer(0, ch * hw);
    }
    t.layer(0, ch, 1);
    t.layer((ch + 1) * out, out);
  } else if (model.kind == ModelKind::rnn) {
    const auto& w = model.widths;
    const double gates = model.cell == "lstm" ? 4 : model.cell == "gru" ? 3 : 1, hd = static_cast<double>(w.back());
    const bool tokens = w.size() == 2;  // an embedding first; else sequence data (steps, features)
    const double e = tokens ? static_cast<double>(w[0]) : sample.size() == 2 ? static_cast<double>(sample[1]) : 1;
    const double steps = tokens ? (sample.empty() ? 1 : product(sample)) : sample.empty() ? 1 : static_cast<double>(sample[0]);
    if (tokens) t.layer(static_cast<double>(vocabulary) * e, steps * e);
    t.layer(gates * hd * (e + hd + 2), steps * (gates + 2) * hd);
    t.layer((hd + 1) * out, out);
  } else if (model.kind == ModelKind::vit && sample.size() == 3) {
    const VitSpec& v = model.vit;
    const double d = static_cast<double>(v.dim), p = static_cast<double>(v.patch), h = static_cast<double>(v.heads),
                 hidden = static_cast<double>(v.mlp_ratio) * d;
    const double tokens = std::floor(static_cast<double>(sample[1]) / p) * std::floor(static_cast<double>(sample[2]) / p) + 1;
    t.layer((static_cast<double>(sample[0]) * p * p + 1) * d + (tokens + 1) * d, tokens * d);
    for (std::int64_t b = 0; b < v.layers; ++b)  // q, k, v, o; scores and their softmax; fc1 and its activation; norms and sums
      t.layer(4 * (d + 1) * d + 2 * (d + 1) * hidden + 4 * d, tokens * (10 * d + 2 * hidden) + 2 * h * tokens * tokens, 1);
    t.layer((d + 1) * out, out);
  } else if (model.kind == ModelKind::toy) {
    t.layer(60, 10);
    t.layer(11, 1);
  }
  return t;
}

Footprint footprint_of(const ModelTally& t, double in, double out, std::int64_t batch, int jacobian_samples, double state_copies) {
  Footprint f;
  f.parameters = t.parameters;
  const double b = static_cast<double>(batch);
  double floats = (2 + state_copies) * t.parameters   // weights, their gradients, an optimizer's state
                  + b * (in + out)                    // the input batch, the cotangent
                  + b * (t.kept + kTransientLayers * t.widest);
  if (jacobian_samples > 0) floats += 6 * out * in;   // one input's rows, stacked, in float64, and the SVD's work
  f.bytes = floats * kBytesPerFloat;
  return f;
}

void check_footprint(const std::string& what, const Footprint& f, std::int64_t batch, double limit_bytes) {
  const bool given = limit_bytes > 0;
  const double limit = given ? limit_bytes : static_cast<double>(available_memory());
  if (f.bytes <= limit) return;
  std::ostringstream params;
  params.precision(3);
  params << f.parameters;
  throw Error(what + " needs about " + bytes_text(f.bytes) + " for one run (" + params.str() + " parameters, --batch " +
              std::to_string(batch) + "); the limit is " + bytes_text(limit) +
              (given ? " (--max-memory)" : " (the memory available now)") +
              ": raise it with --max-memory SIZE (e.g. 64G), or use a smaller model or --batch");
}

std::int64_t largest_batch(const ModelTally& tally, double in, double out, double limit_bytes) {
  const double limit = limit_bytes > 0 ? limit_bytes : static_cast<double>(available_memory());
  const double fixed = footprint_of(tally, in, out, 0, 0).bytes;
  const double per_sample = footprint_of(tally, in, out, 1, 0).bytes - fixed;
  if (!(limit > fixed) || !(per_sample > 0)) return 0;
  return static_cast<std::int64_t>(std::min(std::floor((limit - fixed) / per_sample), 9.0e18));
}

Footprint lab_model_footprint(const ModelSpec& model, const std::vector<std::int64_t>& sample_shape, std::int64_t batch,
                              std::int64_t outputs, std::int64_t vocabulary, int jacobian_samples, double state_copies) {
  const ModelTally t = tally_lab_model(model, sample_shape, outputs, vocabulary);
  double out = static_cast<double>(outputs);
  if (model.kind == ModelKind::mlp || model.kind == ModelKind::resmlp) out = static_cast<double>(model.widths.back());
  return footprint_of(t, product(sample_shape), out, batch, jacobian_samples, state_copies);
}

}  // namespace initlab::lab
