#include "experiments/through_time.hpp"

#include <torch/torch.h>

#include <cmath>

#include "data/dataset.hpp"
#include "data/spec_options.hpp"
#include "initlab/error.hpp"
#include "initlab/number_text.hpp"
#include "initlab/shape.hpp"
#include "initlab/spec.hpp"
#include "initlab/torch/apply.hpp"
#include "models/footprint.hpp"
#include "models/models.hpp"
#include "models/recurrent_unroll.hpp"
#include "netinit/network_init.hpp"
#include "train/error_line.hpp"

namespace initlab::lab {
namespace {

// The data the study pushes through, without labels: sequence or token data, or Gaussian sequences.
DataSplits input_data(const PropagateConfig& c, const ModelSpec& model) {
  const std::string& in = c.input;
  DataSplits d;
  if (in.rfind("data:", 0) == 0) {
    DataOptions o;
    o.val_fraction = 0;
    d = load_data(in.substr(5), o);
    if (!d.sequence && d.vocabulary == 0)
      throw Error("--input '" + excerpt(in, 40) + "' is not sequence data; --model '" + excerpt(model.text, 40) +
                  "' reads sequences: data:fashion-mnist,sequence=rows, data:synthetic:adding,T=100, or gaussian:STEPSxFEATURES");
    return d;
  }
  if (in.rfind("gaussian:", 0) == 0) {
    Shape shape;
    try {
      shape = parse_shape(in.substr(9));
    } catch (const Error& e) {
      throw Error("--input '" + excerpt(in, 40) + "': " + error_line(e) + " (expected gaussian:STEPSxFEATURES, e.g. gaussian:100x2)");
    }
    if (shape.size() != 2) throw Error("--input '" + excerpt(in, 40) + "': a recurrent model reads gaussian:STEPSxFEATURES, e.g. gaussian:100x2");
    d.name = in;
    d.sample_shape = shape;
    d.sequence = true;
    d.num_classes = 10;
    return d;
  }
  throw Error("--model '" + excerpt(model.text, 40) + "' needs sequences: --input gaussian:STEPSxFEATURES (e.g. gaussian:100x2) or data:SPEC " +
              "with sequence data (data:fashion-mnist,sequence=rows)");
}

struct Measured {
  std::vector<TimeStep> steps;
  std::vector<RecurrentBlock> blocks;
  bool nan = false, inf = false;
};

Measured measure(const PropagateConfig& c, const ModelSpec& model, const DataSplits& d, const std::string& init, const torch::Tensor& input,
                 std::uint64_t seed, bool spectrum) {
  torch::nn::Sequential net = build_model(model, d, {});
  const auto network = parse_network_init(init);
  if (network && network->rules.empty())
    throw Error("--init '" + excerpt(init, 40) + "': propagate on a recurrent model takes per-tensor specs and the recurrent recipes "
                "(irnn, rnn_orthogonal, chrono, forget_bias)");
  if (network) check_network_init(net, *network);
  const std::string bias = c.bias_std > 0 ? "normal:std=" + number_text(c.bias_std) : "";  // "": the init's own bias rule
  libtorch::InitPlan plan = base_plan(network, init, bias, {}, GeneratorKind::philox, seed);
  plan.sequence_length = sequence_length(d);
  libtorch::apply_plan(*net, plan);
  net->eval();
  const Unrolled u = unroll_recurrent(net, input);
  const StepRms r = gradient_through_time(net, u, seed);
  Measured m;
  for (std::size_t t = 0; t < u.hidden.size(); ++t) {
    const double h = r.hidden[t], g = r.grad[t];
    m.nan = m.nan || std::isnan(h) || std::isnan(g);
    m.inf = m.inf || std::isinf(h) || std::isinf(g);
    m.steps.push_back({static_cast<int>(t + 1), h, g});
  }
  if (spectrum) m.blocks = gate_spectra(u);
  return m;
}

std::vector<ThroughTime> checked(const PropagateConfig& c) {
  const ModelSpec model = parse_model_spec(c.model);
  if (model.kind != ModelKind::rnn) throw Error("--model '" + excerpt(c.model, 40) + "' is not recurrent: propagation through time needs rnn:CELL-H");
  if (c.batch < 1) throw Error("--batch " + std::to_string(c.batch) + " is invalid; expected >= 1");
  if (c.jacobian_samples > 0) throw Error("--jacobian is for feed-forward models; a recurrent model shows its gradient through time instead");
  std::vector<SweepPoint> inits;
  for (const auto& i : c.inits)
    for (const auto& e : expand_sweep(i)) {
      try {
        if (!parse_network_init(e.spec)) parse_spec(e.spec);
      } catch (const Error& err) {
        throw Error("--init '" + excerpt(e.spec, 40) + "': " + error_line(err));
      }
      inits.push_back(e);
    }
  if (inits.empty()) throw Error("--init is required");
  const DataSplits d = input_data(c, model);
  const std::int64_t batch = d.train.size() > 0 ? std::min(c.batch, d.train.size()) : c.batch;
  const std::int64_t outputs = d.task == Task::regression ? d.num_outputs : d.num_classes;
  double features = 1;
  for (auto s : d.sample_shape) features *= static_cast<double>(s);
  // Every step's state, its gradient and the cell's gates are kept for the backward pass: the
  // model's tally (tally_lab_model counts steps x (gates + 2) x hidden) covers them.
  const Footprint f = footprint_of(tally_lab_model(model, d.sample_shape, outputs, d.vocabulary), features, static_cast<double>(outputs), batch, 0);
  check_footprint("--model '" + excerpt(c.model, 40) + "'", f, batch, c.max_memory_bytes);
  torch::Tensor input;
  if (d.train.size() > 0) {
    input = d.train.x.slice(0, 0, batch);
  } else {
    auto gen = at::detail::createCPUGenerator(c.seed);
    input = torch::randn({batch, d.sample_shape[0], d.sample_shape[1]}, gen);
  }
  std::vector<ThroughTime> out;
  const std::size_t runs = inits.size() * static_cast<std::size_t>(c.seeds);
  std::size_t run = 0;
  for (const auto& [init, value] : inits) {
    ThroughTime r;
    r.init = init;
    r.sweep_value = value;
    bool nan = false, inf = false;
    for (int k = 0; k < c.seeds; ++k) {
      if (c.progress) c.progress(PropagateProgress{run++, runs, init, k, f.bytes});
      Measured m = measure(c, model, d, init, input, c.seed + static_cast<std::uint64_t>(k), k == 0);
      nan = nan || m.nan;
      inf = inf || m.inf;
      if (k == 0) r.blocks = m.blocks;
      const auto& s = m.steps;
      r.grad_ratio += (s.back().grad_rms > 0 ? s.front().grad_rms / s.back().grad_rms : 0.0) / c.seeds;
      r.hidden_ratio += (s.front().hidden_rms > 0 ? s.back().hidden_rms / s.front().hidden_rms : 0.0) / c.seeds;
      r.seeds.push_back(std::move(m.steps));
    }
    r.verdict = nan                                          ? "nan"
                : inf || r.grad_ratio > kExplodingRatio      ? "exploding"
                : r.grad_ratio < kVanishingRatio             ? "vanishing"
                : std::isnan(r.grad_ratio)                   ? "nan"
                                                             : "stable";
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::vector<ThroughTime> propagate_through_time(const PropagateConfig& config) {
  try {
    return checked(config);
  } catch (...) {
    rethrow_one_line("propagate", "lower --batch or the model's size");
  }
}

}  // namespace initlab::lab
