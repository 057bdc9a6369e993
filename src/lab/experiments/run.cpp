#include "experiments/run.hpp"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>

#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"
#include "initlab/torch/apply.hpp"
#include "models/models.hpp"
#include "models/mup.hpp"
#include "models/script_net.hpp"
#include "netinit/network_init.hpp"
#include "train/error_line.hpp"
#include "train/monitor.hpp"

namespace initlab::lab {
namespace {

std::string g4(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string network_init_line(const std::string& scheme, const LayerInitReport& r) {
  std::string line = "  " + scheme + " " + r.layer + ":";
  if (scheme == "lsuv") line += " " + std::to_string(r.iterations) + " rescalings, output variance " + g4(r.variance);
  if (scheme == "datadep") line += " mean unit variance " + g4(r.variance);
  if (scheme == "pretrain") line += " " + std::to_string(r.iterations) + " epochs, reconstruction MSE " + g4(r.variance);
  if (!r.note.empty()) line += " " + r.note;
  return line;
}

nlohmann::json optional_json(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }
std::optional<double> optional_from(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<double>();
}

// A file: model's parameters no rule reached (a layer scale, an unknown module's tensor): how many,
// their share of the values, the first; "" when none.
std::string kept_line(const std::vector<libtorch::ParamInit>& report) {
  const KeptShare k = kept_share(report);
  if (k.count == 0) return "";
  return "  kept " + std::to_string(k.count) + " parameter" + (k.count == 1 ? "" : "s") + " of the model file as saved (" +
         g4(100 * k.share) + "% of the values), first '" + k.first + "' (" + k.first_reason + "); give them a rule with --override 'PATTERN=SPEC'";
}

}  // namespace

PreparedRun prepare_run(const RunSpec& spec, const DataSplits& data, const std::function<void(const std::string&)>& note) {
  const ParsedSpec& init = parsed(spec);
  const std::optional<NetworkInit>& network = init.network;
  libtorch::InitPlan plan = init.plan;
  plan.seed = spec.seed;
  plan.sequence_length = sequence_length(data);
  PreparedRun out{build_model(init.model, data, spec.model_options), spec.train};
  torch::nn::Sequential& model = out.model;
  if (init.model.kind == ModelKind::file && file_digest(init.model.path) != spec.model_digest)
    throw Error("--model '" + excerpt(spec.model) + "' changed since the experiment was planned (its content is not the one in the "
                "experiment's key); plan it again");
  if (network) check_network_init(model, *network);
  const auto report = apply_init_plan(model, plan);
  if (const std::string kept = init.model.kind == ModelKind::file ? kept_line(report) : ""; !kept.empty() && note) note(kept);
  if (network)
    for (const auto& r : apply_network_init(model, *network, data, spec.seed))
      if (note) note(network_init_line(network->scheme, r));
  out.train.seed = spec.seed;
  if (spec.model_options.param.kind != ParamKind::standard) {
    const auto scales = parameter_scales(init.model, spec.model_options.param, *model, out.train.optimizer);
    apply_parametrization_init(scales, *model);
    out.train.lr_multipliers = lr_multipliers(scales);
  }
  return out;
}

RunResult run_one(const RunSpec& spec, const DataSplits& data, const std::atomic<bool>* stop, const RunCallbacks& callbacks) {
  RunResult result;
  try {
    PreparedRun prepared = prepare_run(spec, data, callbacks.note);
    torch::nn::Sequential& model = prepared.model;
    const TrainConfig& train = prepared.train;
    std::optional<TrainingMonitor> monitor;
    if (spec.monitor_every > 0) {
      monitor.emplace(model, spec.monitor_every);
      monitor->on_warning = [&](const MonitorWarning& w) {
        if (callbacks.warning) callbacks.warning(w.message);
      };
    }
    const RunOutcome outcome = train_model(model, data, train, callbacks.epoch, stop, monitor ? &*monitor : nullptr);
    if (monitor) {
      monitor->finish();
      result.monitor = monitor->record();
    }
    if (callbacks.note)
      for (const auto& n : outcome.notes) callbacks.note("  " + n);
    result.status = outcome.status;
    result.diverged_epoch = outcome.diverged_epoch;
    result.epochs = outcome.epochs;
  } catch (const Error&) {
    throw;  // a configuration error: every other run would fail the same way
  } catch (const std::exception& e) {
    result.status = RunStatus::failed;
    result.error = error_line(e);
  }
  return result;
}

nlohmann::json epoch_json(const EpochMetrics& m) {
  return {{"epoch", m.epoch}, {"train_loss", m.train_loss}, {"train_acc", m.train_acc}, {"val_loss", optional_json(m.val_loss)},
          {"val_acc", optional_json(m.val_acc)}, {"test_loss", optional_json(m.test_loss)}, {"test_acc", optional_json(m.test_acc)},
          {"seconds", m.seconds}, {"grad_norm", m.grad_norm}};
}

EpochMetrics epoch_from_json(const nlohmann::json& j) {
  const auto real = [](const nlohmann::json& v) { return v.is_null() ? std::nan("") : v.get<double>(); };  // JSON writes NaN as null
  EpochMetrics m;
  m.epoch = j.at("epoch").get<int>();
  m.train_loss = real(j.at("train_loss"));
  m.train_acc = real(j.at("train_acc"));
  m.val_loss = optional_from(j.at("val_loss"));
  m.val_acc = optional_from(j.at("val_acc"));
  m.test_loss = optional_from(j.at("test_loss"));
  m.test_acc = optional_from(j.at("test_acc"));
  m.seconds = real(j.at("seconds"));
  m.grad_norm = real(j.at("grad_norm"));
  return m;
}

nlohmann::json run_result_json(const RunResult& r) {
  nlohmann::json j = {{"status", to_string(r.status)}, {"diverged_epoch", r.diverged_epoch}, {"error", r.error}};
  j["epochs"] = nlohmann::json::array();
  for (const auto& m : r.epochs) j["epochs"].push_back(epoch_json(m));
  if (r.monitor) {
    nlohmann::json snaps = nlohmann::json::array(), hists = nlohmann::json::array(), warns = nlohmann::json::array(),
                   recurrent = nlohmann::json::array();
    for (const auto& s : r.monitor->snapshots)
      snaps.push_back({s.step, s.epoch, s.layer, s.weight_mean, s.weight_std, s.weight_norm, s.act_mean, s.act_std, s.dead,
                       s.saturated, s.grad_std, s.grad_norm, s.update_ratio, s.grad_pre_std});
    for (const auto& h : r.monitor->histograms) hists.push_back({h.layer, h.stage, h.lo, h.hi, h.counts});
    for (const auto& w : r.monitor->warnings) warns.push_back({w.step, w.epoch, w.layer, w.kind, w.message});
    for (const auto& s : r.monitor->recurrent)
      recurrent.push_back({s.step, s.epoch, s.layer, s.gate, s.spectral_radius, s.max_singular, s.min_singular, s.grad_ratio, s.hidden_ratio});
    j["monitor"] = {{"snapshots", snaps}, {"histograms", hists}, {"warnings", warns}, {"recurrent", recurrent}};
  }
  return j;
}

RunResult run_result_from_json(const nlohmann::json& j) {
  try {
    RunResult r;
    r.status = parse_run_status(j.at("status").get<std::string>());
    r.diverged_epoch = j.at("diverged_epoch").get<int>();
    r.error = j.at("error").get<std::string>();
    for (const auto& e : j.at("epochs")) r.epochs.push_back(epoch_from_json(e));
    if (j.contains("monitor")) {
      MonitorRecord m;
      // JSON numbers for NaN are null: read them back as NaN.
      const auto real = [](const nlohmann::json& v) { return v.is_null() ? std::nan("") : v.get<double>(); };
      for (const auto& s : j["monitor"].at("snapshots"))
        m.snapshots.push_back({s[0].get<std::int64_t>(), s[1].get<int>(), s[2].get<std::string>(), real(s[3]), real(s[4]), real(s[5]),
                               real(s[6]), real(s[7]), real(s[8]), real(s[9]), real(s[10]), real(s[11]), real(s[12]),
                               s.size() > 13 ? real(s[13]) : std::nan("")});
      for (const auto& h : j["monitor"].at("histograms"))
        m.histograms.push_back({h[0].get<std::string>(), h[1].get<std::string>(), real(h[2]), real(h[3]),
                                h[4].get<std::vector<std::int64_t>>()});
      for (const auto& w : j["monitor"].at("warnings"))
        m.warnings.push_back({w[0].get<std::int64_t>(), w[1].get<int>(), w[2].get<std::string>(), w[3].get<std::string>(),
                              w[4].get<std::string>()});
      for (const auto& s : j["monitor"].at("recurrent"))
        m.recurrent.push_back({s[0].get<std::int64_t>(), s[1].get<int>(), s[2].get<std::string>(), s[3].get<std::string>(), real(s[4]),
                               real(s[5]), real(s[6]), real(s[7]), real(s[8])});
      r.monitor = std::move(m);
    }
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed run result from a worker: ") + e.what());
  }
}

}  // namespace initlab::lab
