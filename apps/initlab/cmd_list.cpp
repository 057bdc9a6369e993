// `initlab list`: every initializer with its formula, when to use it and the reference, then the
// network schemes (lsuv, fixup, irnn, chrono, ...) where the lab is built.
#include <fmt/core.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "initlab/registry.hpp"
#ifdef INITLAB_LIST_SCHEMES
#include "netinit/scheme_registry.hpp"
#endif

namespace initlab::cli {
namespace {

struct ListOptions {
  bool json = false;
};

nlohmann::json params_json(const std::vector<ParamInfo>& params) {
  nlohmann::json out = nlohmann::json::array();
  for (const ParamInfo& p : params) out.push_back({{"name", p.name}, {"default", p.default_value}, {"description", p.description}});
  return out;
}

void print_entry(const std::string& head, const std::vector<ParamInfo>& params, const std::string& formula, const std::string& use_for,
                 const std::string& reference) {
  std::string list;
  for (const ParamInfo& p : params) list += (list.empty() ? "" : ", ") + p.name + "=" + p.default_value;
  fmt::print("{}{}\n", head, list.empty() ? "" : "  [" + list + "]");
  fmt::print("  formula:   {}\n  use for:   {}\n  reference: {}\n\n", formula, use_for, reference);
}

void run_list(const ListOptions& options) {
  if (options.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const InitInfo& info : registry())
      out.push_back({{"name", info.name}, {"aliases", info.aliases}, {"params", params_json(info.params)}, {"formula", info.formula},
                     {"use_for", info.use_for}, {"reference", info.reference}, {"kind", "tensor"}});
#ifdef INITLAB_LIST_SCHEMES
    for (const lab::SchemeInfo& s : lab::scheme_registry())
      out.push_back({{"name", s.name}, {"aliases", nlohmann::json::array()}, {"params", params_json(s.params)}, {"formula", s.formula},
                     {"use_for", s.use_for}, {"reference", s.reference}, {"kind", "network"}});
    for (const lab::SchemeInfo& s : lab::parametrization_registry())
      out.push_back({{"name", s.name}, {"aliases", nlohmann::json::array()}, {"params", params_json(s.params)}, {"formula", s.formula},
                     {"use_for", s.use_for}, {"reference", s.reference}, {"kind", "parametrization"}});
#endif
    fmt::print("{}\n", out.dump(2));
    return;
  }
  for (const InitInfo& info : registry()) {
    std::string head = info.name;
    if (!info.aliases.empty()) {
      head += " (";
      for (std::size_t i = 0; i < info.aliases.size(); ++i) head += (i ? ", " : "") + info.aliases[i];
      head += ")";
    }
    print_entry(head, info.params, info.formula, info.use_for, info.reference);
  }
  fmt::print("Spec syntax: NAME or NAME:key=value,... e.g. kaiming_normal:mode=fan_out,nonlinearity=relu\n");
#ifdef INITLAB_LIST_SCHEMES
  fmt::print("\nNetwork schemes (--init / --inits of train, compare, sweep; a whole network at once):\n\n");
  for (const lab::SchemeInfo& s : lab::scheme_registry()) print_entry(s.name, s.params, s.formula, s.use_for, s.reference);
  fmt::print("Parametrizations (--param of train, compare, sweep, coordcheck; how init and learning rates scale with width):\n\n");
  for (const lab::SchemeInfo& s : lab::parametrization_registry()) print_entry(s.name, s.params, s.formula, s.use_for, s.reference);
#endif
}

}  // namespace

void add_list_command(CLI::App& app) {
  auto options = std::make_shared<ListOptions>();
  CLI::App* cmd = app.add_subcommand("list", "List every initializer: formula, when to use it, reference");
  cmd->footer("Examples:\n  initlab list\n  initlab list --json");
  cmd->add_flag("--json", options->json, "Machine-readable output");
  cmd->callback([options] { run_list(*options); });
}

}  // namespace initlab::cli
