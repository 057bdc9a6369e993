#include "experiments/coordcheck.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "data/spec_options.hpp"  // excerpt
#include "experiments/experiment.hpp"
#include "experiments/run.hpp"
#include "initlab/error.hpp"
#include "models/vit.hpp"
#include "train/trainer.hpp"

namespace initlab::lab {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct LayerOutput {
  std::string name, role;
  torch::Tensor value;
};

// Every layer's output on x, in execution order: the Linear children (the first the input layer,
// the last the output), and for a vit the embedding, each block's Linear layers and each block.
std::vector<LayerOutput> layer_outputs(torch::nn::Sequential& model, const torch::Tensor& x) {
  std::vector<LayerOutput> out;
  const auto children = model->named_children();
  torch::Tensor h = x;
  std::size_t i = 0;
  for (auto& any : *model) {
    const std::string& name = children[i++].key();
    torch::nn::Module* m = any.ptr().get();
    if (auto* stack = dynamic_cast<TransformerStackImpl*>(m)) {
      for (std::size_t b = 0; b < stack->blocks.size(); ++b) {
        const std::string prefix = name + "." + std::to_string(b);
        const LinearTap tap = [&](const std::string& inner, const torch::Tensor& t) { out.push_back({prefix + "." + inner, "hidden", t}); };
        h = stack->blocks[b]->forward_tapped(h, tap);
        out.push_back({prefix, "block", h});
      }
      continue;
    }
    h = any.forward(h);
    if (dynamic_cast<PatchEmbeddingImpl*>(m)) out.push_back({name, "embedding", h});
    else if (dynamic_cast<torch::nn::LinearImpl*>(m)) out.push_back({name, "hidden", h});
  }
  // The Linear children: the first is the input layer (unless an embedding came first), the last the readout.
  std::size_t first = out.size(), last = out.size();
  for (std::size_t k = 0; k < out.size(); ++k)
    if (out[k].role == "hidden" && out[k].name.find('.') == std::string::npos) {
      if (first == out.size()) first = k;
      last = k;
    }
  if (first < out.size() && (out.front().role != "embedding")) out[first].role = "input";
  if (last < out.size()) out[last].role = "output";
  return out;
}

double mean_abs(const torch::Tensor& t) { return t.abs().mean().item<double>(); }

void check(const CoordCheckConfig& c) {
  if (c.widths.size() < 2) throw Error("--widths needs at least two widths to fit a slope; got " + std::to_string(c.widths.size()));
  for (std::size_t k = 0; k < c.widths.size(); ++k) {
    if (c.widths[k] < 1 || c.widths[k] > (1 << 16))
      throw Error("--widths: " + std::to_string(c.widths[k]) + " is out of range; expected widths from 1 to 65536");
    if (k > 0 && c.widths[k] <= c.widths[k - 1]) throw Error("--widths must increase; " + std::to_string(c.widths[k]) + " follows " + std::to_string(c.widths[k - 1]));
  }
  if (c.steps < 1 || c.steps > 1000) throw Error("--steps " + std::to_string(c.steps) + " is out of range; expected 1 to 1000");
  if (c.seeds < 1 || c.seeds > 1000) throw Error("--seeds " + std::to_string(c.seeds) + " is out of range; expected 1 to 1000");
  check_seed_range(c.first_seed, c.seeds);
  validate(c.train);
}

}  // namespace

std::string model_at_width(const std::string& model, std::int64_t width, const DataSplits& data) {
  if (model.rfind("file:", 0) == 0)
    throw Error("--model '" + excerpt(model) + "': coordcheck varies the width of a lab model (mlp, vit); a TorchScript model's is fixed");
  std::string spec = model;
  if (model == "mlp") {
    std::int64_t in = 1;
    for (auto s : data.sample_shape) in *= s;
    spec = "mlp:" + std::to_string(in) + "-Wx3-" + std::to_string(data.task == Task::classification ? data.num_classes : data.num_outputs);
  } else if (model == "vit") {
    spec = "vit:W-2-4";
  }
  if (spec.find('W') == std::string::npos)
    throw Error("--model '" + excerpt(model) + "' has no W to vary; write the width as W (mlp:784-Wx3-10, vit:W-2-4), or give mlp or vit");
  std::string out;
  for (char ch : spec) out += ch == 'W' ? std::to_string(width) : std::string(1, ch);
  return out;
}

std::optional<double> log_log_slope(const std::vector<std::int64_t>& widths, const std::vector<double>& values) {
  const std::size_t n = widths.size();
  if (n < 2 || values.size() != n) return std::nullopt;
  double sx = 0, sy = 0;
  std::vector<double> xs(n), ys(n);
  for (std::size_t k = 0; k < n; ++k) {
    if (!(values[k] > 0) || !std::isfinite(values[k])) return std::nullopt;
    xs[k] = std::log(static_cast<double>(widths[k]));
    ys[k] = std::log(values[k]);
    sx += xs[k];
    sy += ys[k];
  }
  const double mx = sx / static_cast<double>(n), my = sy / static_cast<double>(n);
  double sxy = 0, sxx = 0;
  for (std::size_t k = 0; k < n; ++k) {
    sxy += (xs[k] - mx) * (ys[k] - my);
    sxx += (xs[k] - mx) * (xs[k] - mx);
  }
  return sxy / sxx;
}

CoordCheckResult coordcheck(const CoordCheckConfig& c, DataCache& cache, const std::atomic<bool>* stop) {
  check(c);
  const DataSplits& data = cache.get(c.data, c.data_options);
  CoordCheckResult r;
  r.widths = c.widths;
  r.steps = c.steps;
  r.seeds = c.seeds;
  // Every width and seed checked before anything trains.
  std::vector<RunSpec> specs;
  for (std::int64_t w : c.widths) {
    RunSpec s;
    s.model = model_at_width(c.model, w, data);
    s.data = c.data;
    s.data_options = c.data_options;
    s.train = c.train;
    s.init = c.init;
    s.model_options.param = c.param;
    try {
      parse_run_spec(s);
      // The model against the data (and μP against the model), its training memory against what
      // the machine has, the init against the model: as train checks a run.
      check_run_spec(s, cache, 0);
    } catch (const Error& e) {
      throw Error("at width " + std::to_string(w) + ": " + e.what());
    }
    r.models.push_back(s.model);
    specs.push_back(std::move(s));
  }
  const std::int64_t batch = c.train.batch;
  if (batch > data.train.size() / (c.steps + 1))  // divided, not multiplied: --batch can be near 2^63
    throw Error("--data '" + excerpt(c.data) + "' has " + std::to_string(data.train.size()) + " training samples; " + std::to_string(c.steps) +
                " steps of --batch " + std::to_string(batch) + " and a probe batch need " +
                (batch > data.train.size() ? std::string("more") : std::to_string(batch * (c.steps + 1))));
  const std::size_t W = c.widths.size(), T = static_cast<std::size_t>(c.steps) + 1;
  for (std::size_t wi = 0; wi < W; ++wi)
    for (int k = 0; k < c.seeds; ++k) {
      if (stop && stop->load()) throw Error("interrupted");
      if (c.progress) c.progress(c.widths[wi], k);
      RunSpec spec = specs[wi];
      spec.seed = c.first_seed + static_cast<std::uint64_t>(k);
      PreparedRun run;
      try {
        run = prepare_run(spec, data, nullptr);
      } catch (const Error& e) {
        throw Error("at width " + std::to_string(c.widths[wi]) + ": " + e.what());
      }
      torch::nn::Sequential& model = run.model;
      auto optimizer = make_optimizer(model, run.train);
      const Loss loss = resolved_loss(run.train, data);
      // The same batches at every width: a permutation of the training set by the seed.
      auto generator = at::detail::createCPUGenerator(spec.seed);
      const torch::Tensor order = torch::randperm(data.train.size(), generator, torch::kInt64);
      const auto rows = [&](std::int64_t from) { return order.slice(0, from, from + batch); };
      const torch::Tensor probe = data.train.x.index_select(0, rows(batch * c.steps));
      std::vector<torch::Tensor> first;
      const auto record = [&](std::size_t t) {
        torch::NoGradGuard no_grad;
        model->eval();
        const auto outputs = layer_outputs(model, probe);
        model->train();
        if (r.layers.empty())
          for (const auto& o : outputs) {
            CoordLayer l;
            l.name = o.name;
            l.role = o.role;
            l.size.assign(W, std::vector<double>(T, 0.0));
            l.update.assign(W, std::vector<double>(T, 0.0));
            r.layers.push_back(std::move(l));
          }
        if (outputs.size() != r.layers.size()) throw Error("at width " + std::to_string(c.widths[wi]) + ": the model's layers differ from the first width's");
        if (t == 0)
          for (const auto& o : outputs) first.push_back(o.value.clone());
        for (std::size_t j = 0; j < outputs.size(); ++j) {
          r.layers[j].size[wi][t] += mean_abs(outputs[j].value) / c.seeds;
          r.layers[j].update[wi][t] += mean_abs(outputs[j].value - first[j]) / c.seeds;
        }
      };
      record(0);
      for (int t = 1; t <= c.steps; ++t) {
        const torch::Tensor idx = rows(batch * (t - 1));
        optimizer->zero_grad();
        const torch::Tensor l = batch_loss(loss, model->forward(data.train.x.index_select(0, idx)), data.train.y.index_select(0, idx), data);
        if (!std::isfinite(l.item<double>()))
          r.diverged.push_back("width " + std::to_string(c.widths[wi]) + ", seed " + std::to_string(spec.seed) + ", step " + std::to_string(t));
        l.backward();
        optimizer->step();
        record(static_cast<std::size_t>(t));
      }
    }
  for (auto& l : r.layers) {
    for (std::size_t t = 0; t < T; ++t) {
      std::vector<double> size(W), update(W);
      for (std::size_t wi = 0; wi < W; ++wi) {
        size[wi] = std::isfinite(l.size[wi][t]) ? l.size[wi][t] : kNaN;
        update[wi] = std::isfinite(l.update[wi][t]) ? l.update[wi][t] : kNaN;
      }
      l.slope.push_back(log_log_slope(c.widths, size));
      l.update_slope.push_back(t == 0 ? std::nullopt : log_log_slope(c.widths, update));
    }
  }
  return r;
}

CoordVerdict coord_verdict(const CoordCheckResult& r) {
  CoordVerdict v;
  char buf[128];
  for (const auto& l : r.layers) {
    // The worst step after the first update: the change since init beyond +-kStableSlope, or the
    // size growing by more than kStableSlope (a size that shrinks, as μP's readout does from its
    // o(1) init, is not a blow-up).
    double worst = 0, excess = 0;  // the violation with the largest excess over the threshold (NaN: a missing slope counts)
    int at = 0;
    const char* what = "";
    const auto consider = [&](double slope, double over, const char* kind, std::size_t t) {
      if (!(over > 0) && !std::isnan(over)) return;
      const double e = std::isnan(over) ? HUGE_VAL : over;
      if (at == 0 || e > excess) worst = slope, excess = e, at = static_cast<int>(t), what = kind;
    };
    // A step where a layer's value is exactly 0 at every width has no slope and is no violation
    // (no change yet: below a zero-initialized readout nothing moves in the first step).
    const auto all_zero = [&](const std::vector<std::vector<double>>& v, std::size_t t) {
      return std::all_of(v.begin(), v.end(), [&](const std::vector<double>& row) { return row[t] == 0.0; });
    };
    for (std::size_t t = 1; t < l.slope.size(); ++t) {
      const double u = l.update_slope[t] ? *l.update_slope[t] : kNaN, s = l.slope[t] ? *l.slope[t] : kNaN;
      if (!all_zero(l.update, t)) consider(u, std::fabs(u) - kStableSlope, "change", t);
      if (!all_zero(l.size, t)) consider(s, s - kStableSlope, "size", t);
    }
    if (at > 0) {
      std::snprintf(buf, sizeof buf, "%s (%s slope %.2f at t=%d)", l.name.c_str(), what, worst, at);
      v.unstable.push_back(buf);
    }
    if (!l.slope.empty() && l.slope.back() && *l.slope.back() > kGrowingSlope) {
      std::snprintf(buf, sizeof buf, "%s (%.2f)", l.name.c_str(), *l.slope.back());
      v.growing.push_back(buf);
    }
  }
  return v;
}

nlohmann::json coordcheck_config_json(const CoordCheckConfig& c) {
  return {{"kind", "coordcheck"}, {"model", c.model}, {"widths", c.widths}, {"steps", c.steps}, {"seeds", c.seeds}, {"seed", c.first_seed},
          {"init", c.init}, {"data", c.data}, {"limit", c.data_options.limit}, {"normalize", c.data_options.normalize},
          {"param", to_string(c.param)}, {"optimizer", to_string(c.train.optimizer)}, {"lr", c.train.lr}, {"momentum", c.train.momentum},
          {"batch", c.train.batch}};
}

nlohmann::json coordcheck_json(const CoordCheckResult& r) {
  const auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  const auto optional = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : r.layers) {
    nlohmann::json size = nlohmann::json::array(), update = nlohmann::json::array(), slope = nlohmann::json::array(),
                   update_slope = nlohmann::json::array();
    for (std::size_t wi = 0; wi < l.size.size(); ++wi) {
      nlohmann::json s = nlohmann::json::array(), u = nlohmann::json::array();
      for (std::size_t t = 0; t < l.size[wi].size(); ++t) {
        s.push_back(number(l.size[wi][t]));
        u.push_back(number(l.update[wi][t]));
      }
      size.push_back(s);
      update.push_back(u);
    }
    for (std::size_t t = 0; t < l.slope.size(); ++t) {
      slope.push_back(optional(l.slope[t]));
      update_slope.push_back(optional(l.update_slope[t]));
    }
    layers.push_back({{"name", l.name}, {"role", l.role}, {"size", size}, {"update", update}, {"slope", slope}, {"update_slope", update_slope}});
  }
  const CoordVerdict v = coord_verdict(r);
  return {{"kind", "coordcheck"},
          {"models", r.models},
          {"widths", r.widths},
          {"steps", r.steps},
          {"seeds", r.seeds},
          {"layers", layers},
          {"diverged", r.diverged},
          {"thresholds", {{"stable_within", kStableSlope}, {"growing_above", kGrowingSlope}}},
          {"verdict", {{"stable", v.stable()}, {"unstable", v.unstable}, {"growing", v.growing}}}};
}

}  // namespace initlab::lab
