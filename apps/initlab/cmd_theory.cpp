// `initlab theory`: mean-field predictions for a wide fully connected net at initialization.
#include <fmt/core.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "initlab/error.hpp"
#include "initlab/mean_field.hpp"

namespace initlab::cli {
namespace {

struct TheoryOptions {
  std::string activation = "tanh";
  std::optional<double> param;
  double sigma_w = 1.0;
  double sigma_b = 0.0;
  int depth = 0;
  double q0 = 1.0;
  bool critical_line = false;
  double sigma_b_max = 0.3;
  int points = 7;
  bool json = false;
};

// A finite number, > min (strict) or >= min; the error names the flag (CLI11 prefixes it) and the range.
CLI::Validator finite_number(double min, bool strict) {
  const std::string range = std::string(strict ? "> " : ">= ") + fmt::format("{:g}", min);
  return CLI::Validator(
      [min, strict, range](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        const bool number = !text.empty() && *end == '\0' && std::isfinite(v);
        if (number && (strict ? v > min : v >= min)) return "";
        return "'" + text.substr(0, 40) + (text.size() > 40 ? "..." : "") + "' is invalid; expected a finite number " + range;
      },
      "NUMBER " + range);
}

// Any finite number (a slope or alpha may be negative).
CLI::Validator any_finite_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (!text.empty() && *end == '\0' && std::isfinite(v)) return "";
        return "'" + text.substr(0, 40) + (text.size() > 40 ? "..." : "") + "' is invalid; expected a finite number";
      },
      "NUMBER");
}

std::string opt(const std::optional<double>& v) { return v ? fmt::format("{:.6g}", *v) : "undefined"; }
nlohmann::json opt_json(const std::optional<double>& v) {
  if (!v) return nullptr;
  return std::isfinite(*v) ? nlohmann::json(*v) : nlohmann::json("inf");
}

void run_theory(const TheoryOptions& o) {
  const Nonlinearity nl = parse_nonlinearity(o.activation);
  if (o.param && nl != Nonlinearity::leaky_relu && nl != Nonlinearity::elu)
    throw Error("--param is the leaky_relu slope or the elu alpha; --activation " + o.activation + " takes none");
  const double param = o.param.value_or(default_param(nl));
  if (o.critical_line) {
    nlohmann::json rows = nlohmann::json::array();
    if (!o.json) fmt::print("order-to-chaos line for {} (chi_1 = 1 at q*):\n{:>10} {:>12}\n", o.activation, "sigma_b", "sigma_w");
    for (int k = 0; k < o.points; ++k) {
      const double sb = o.points == 1 ? o.sigma_b_max : o.sigma_b_max * k / (o.points - 1);
      const auto sw = critical_sigma_w(nl, param, sb);
      if (o.json) rows.push_back({{"sigma_b", sb}, {"sigma_w", sw ? nlohmann::json(*sw) : nlohmann::json(nullptr)}});
      else fmt::print("{:>10.4g} {:>12}\n", sb, sw ? fmt::format("{:.6f}", *sw) : "none");
    }
    if (o.json) fmt::print("{}\n", rows.dump(2));
    return;
  }
  const MeanField m{nl, param, o.sigma_w, o.sigma_b};
  const MeanFieldReport r = analyze(m);
  const auto trajectory = variance_trajectory(m, o.q0, o.depth);
  if (o.json) {
    nlohmann::json j = {{"activation", o.activation}, {"sigma_w", o.sigma_w}, {"sigma_b", o.sigma_b},
                        {"q_star", std::isfinite(r.q_star.value) ? nlohmann::json(r.q_star.value) : nlohmann::json(nullptr)},
                        {"q_star_converged", r.q_star.converged}, {"chi_1", r.chi_1}, {"c_star", r.c_star.value},
                        {"phase", to_string(r.phase)}, {"trajectory", trajectory}};
    j["depth_scale_q"] = opt_json(r.depth_scale_q);
    j["depth_scale_c"] = opt_json(r.depth_scale_c);
    fmt::print("{}\n", j.dump(2));
    return;
  }
  fmt::print("activation {}  sigma_w {}  sigma_b {}\n", o.activation, o.sigma_w, o.sigma_b);
  fmt::print("q*      {}{}\n", std::isfinite(r.q_star.value) ? fmt::format("{:.6g}", r.q_star.value) : "diverges",
             r.q_star.converged || !std::isfinite(r.q_star.value) ? "" : " (still moving after 20000 layers)");
  fmt::print("chi_1   {:.6g}\nc*      {:.6g}{}\nxi_q    {}\nxi_c    {}\nphase   {}\n", r.chi_1, r.c_star.value,
             r.c_star.converged ? "" : " (still moving after 20000 layers)", opt(r.depth_scale_q), opt(r.depth_scale_c),
             to_string(r.phase));
  if (o.depth > 0) {
    fmt::print("\nlayer  q (pre-activation variance)\n");
    for (std::size_t l = 0; l < trajectory.size(); ++l) fmt::print("{:>5}  {:.6g}\n", l, trajectory[l]);
  }
}

}  // namespace

void add_theory_command(CLI::App& app) {
  auto o = std::make_shared<TheoryOptions>();
  CLI::App* cmd = app.add_subcommand("theory", "Mean-field theory at initialization: q*, chi_1, c*, depth scales, phase");
  cmd->add_option("--activation", o->activation, "Any nonlinearity initlab knows (tanh, relu, selu, gelu, ...)");
  cmd->add_option("--param", o->param, "leaky_relu slope or elu alpha (a finite number; only for those two)")->check(any_finite_number());
  cmd->add_option("--sigma-w", o->sigma_w, "Weight scale: W ~ N(0, sigma_w^2 / fan_in)")->check(finite_number(0, true));
  cmd->add_option("--sigma-b", o->sigma_b, "Bias scale: b ~ N(0, sigma_b^2)")->check(finite_number(0, false));
  cmd->add_option("--depth", o->depth, "Also print q_l for l = 0..depth")->check(CLI::Range(0, 100000));
  cmd->add_option("--q0", o->q0, "Input variance q_0 for --depth")->check(finite_number(0, true));
  cmd->add_flag("--critical-line", o->critical_line, "Print sigma_w on the order-to-chaos line for sigma_b in [0, --sigma-b-max]");
  cmd->add_option("--sigma-b-max", o->sigma_b_max, "Largest sigma_b for --critical-line")->check(finite_number(0, false));
  cmd->add_option("--points", o->points, "Points on the critical line")->check(CLI::Range(1, 1000));
  cmd->add_flag("--json", o->json, "Machine-readable output");
  cmd->footer("Examples:\n  initlab theory --activation tanh --sigma-w 1.5 --sigma-b 0.05\n"
              "  initlab theory --activation relu --sigma-w 1.4142135623730951 --depth 10\n"
              "  initlab theory --activation tanh --critical-line");
  cmd->callback([o] { run_theory(*o); });
}

}  // namespace initlab::cli
