// `initlab audit MODEL.pt`: what a TorchScript model's weights are, parameter by parameter, against
// the usual schemes with the right fan; the known pitfalls flagged; with --input, propagate's
// verdict on the model as it is.
#include <fmt/core.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "audit/audit.hpp"
#include "commands.hpp"
#include "experiments/propagate.hpp"
#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"
#include "initlab/shape.hpp"
#include "option_checks.hpp"
#include "models/script_net.hpp"
#include "train/error_line.hpp"

namespace initlab::cli {
namespace {

struct AuditOptions {
  std::string model;
  std::string input;         // gaussian:SHAPE | tokens:VOCABxLEN | data:SPEC: propagate's proof
  std::int64_t batch = 16;
  std::uint64_t seed = 0;
  bool json = false;
};

nlohmann::json to_json(const lab::ParameterAudit& a) {
  nlohmann::json j{{"name", a.name},          {"module", a.module_type}, {"role", a.role},      {"shape", a.shape},
                   {"blocks", a.blocks},      {"groups", a.groups},      {"mean", a.mean},      {"std", a.std},
                   {"max_abs", a.max_abs},    {"kurtosis", a.kurtosis},  {"distribution", a.distribution},
                   {"tolerance", a.tolerance}};
  if (a.fan) j["fan"] = {{"in", a.fan->in}, {"out", a.fan->out}};
  if (a.match)
    j["match"] = {{"scheme", a.match->scheme}, {"expected_std", a.match->expected_std}, {"ratio", a.match->ratio}, {"pitfall", a.match->pitfall}};
  return j;
}

void run_audit(const AuditOptions& o) {
  torch::jit::Module module = lab::load_script_file(o.model, "model file");
  const lab::AuditReport report = lab::audit_module(module);
  std::optional<lab::InitPropagation> proof;
  if (!o.input.empty()) {
    lab::PropagateConfig c;
    c.model = "file:" + o.model;
    c.inits = {lab::kWeightsAsTheyAre};
    c.input = o.input;
    c.batch = o.batch;
    c.seed = o.seed;
    try {
      proof = lab::propagate(c).front();
    } catch (...) {
      lab::rethrow_one_line("audit", "lower --batch");
    }
  }
  if (o.json) {
    nlohmann::json j{{"model", o.model}, {"values", report.values}, {"parameters", nlohmann::json::array()}, {"findings", nlohmann::json::array()}};
    for (const auto& a : report.parameters) j["parameters"].push_back(to_json(a));
    for (const auto& f : report.findings)
      j["findings"].push_back({{"parameter", f.parameter}, {"pitfall", f.pitfall}, {"severity", f.severity}, {"text", f.text}});
    if (proof) {
      nlohmann::json layers = nlohmann::json::array();
      for (const auto& l : proof->seeds.front())
        layers.push_back({{"name", l.name}, {"pre_var", l.pre_var}, {"act_std", l.act_std}, {"grad_pre_std", l.grad_pre_std}});
      j["propagate"] = {{"input", o.input},
                        {"batch", o.batch},
                        {"verdict", proof->verdict},
                        {"forward_ratio", proof->forward_ratio},
                        {"backward_ratio", proof->backward_ratio},
                        {"layers", layers}};
    }
    fmt::print("{}\n", j.dump(2));
    return;
  }
  std::size_t width = std::string_view("parameter").size();
  std::size_t type_width = std::string_view("module").size();
  for (const auto& a : report.parameters) width = std::max(width, a.name.size()), type_width = std::max(type_width, a.module_type.size());
  fmt::print("audit of {}: {} parameters, {:.0f} values\n", o.model, report.parameters.size(), report.values);
  fmt::print("{:<{}} {:<{}} {:<14} {:<17} {:>10} {:>10}  {}\n", "parameter", width, "module", type_width, "shape", "distribution", "mean", "std",
             "matches (measured / scheme std)");
  for (const auto& a : report.parameters)
    fmt::print("{:<{}} {:<{}} {:<14} {:<17} {:>10.3g} {:>10.3g}  {}\n", a.name, width, a.module_type, type_width, format_shape(a.shape),
               a.distribution.empty() ? "-" : a.distribution, a.mean, a.std,
               a.match ? fmt::format("{} ({:.3f}){}", a.match->scheme, a.match->ratio, a.blocks > 1 ? fmt::format(", per block of {}", a.blocks) : "")
                       : "");
  std::size_t warnings = 0;
  for (const auto& f : report.findings) warnings += f.severity == "warning";
  fmt::print("\n{} warning{}, {} note{}\n", warnings, warnings == 1 ? "" : "s", report.findings.size() - warnings,
             report.findings.size() - warnings == 1 ? "" : "s");
  for (const auto& f : report.findings) fmt::print("{}: [{}] {}\n", f.severity, f.pitfall, f.text);
  if (proof) {
    fmt::print("\npropagate --init as_is --input {} --batch {}: {} (forward ratio {:.3g}, backward ratio {:.3g})\n", o.input, o.batch,
               proof->verdict, proof->forward_ratio, proof->backward_ratio);
    if (proof->nonfinite)
      fmt::print("first non-finite value: {} in '{}' ({} pass)\n", proof->nonfinite->value, proof->nonfinite->name, proof->nonfinite->pass);
  } else {
    fmt::print("\n(no --input: give --input gaussian:SHAPE, tokens:VOCABxLEN or data:SPEC for propagate's verdict on these weights)\n");
  }
}

}  // namespace

void add_audit_command(CLI::App& app) {
  auto o = std::make_shared<AuditOptions>();
  CLI::App* cmd = app.add_subcommand("audit", "What a TorchScript model's weights are, against the usual schemes, with known pitfalls flagged");
  cmd->add_option("model", o->model, "TorchScript file (torch.jit.script(model).save('model.pt'))")->required();
  cmd->add_option("--input", o->input, "gaussian:SHAPE | tokens:VOCABxLEN | data:SPEC: also run propagate on the weights as they are");
  cmd->add_option("--batch", o->batch, "Inputs propagate pushes through")->check(int64_text())->check(CLI::PositiveNumber);
  cmd->add_option("--seed", o->seed, "Seed of the inputs")->transform(seed_value());
  cmd->add_flag("--json", o->json, "Print JSON instead of the table");
  cmd->footer("Pitfalls: grouped_fan (a depthwise / grouped conv's fan ignores its groups), packed_qkv (MultiheadAttention's [3d, d]\n"
              "in_proj_weight drawn as one matrix), gated_whole_tensor (an LSTM / GRU weight drawn over the whole gate stack),\n"
              "torch_default (PyTorch's kaiming_uniform_(a=sqrt(5)): a sixth of He's variance), untruncated_normal (a note),\n"
              "residual_unscaled (residual branches added at full scale: the trunk's variance grows with depth), nonfinite.\n"
              "Examples:\n  initlab audit resnet18.pt --input gaussian:3x224x224\n  initlab audit vit.pt --json > audit.json");
  cmd->callback([o] { run_audit(*o); });
}

}  // namespace initlab::cli
