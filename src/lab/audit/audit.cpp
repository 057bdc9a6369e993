#include "audit/audit.hpp"

#include <fmt/core.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "initlab/torch/layer_kind.hpp"
#include "models/script_graph.hpp"

namespace initlab::lab {
namespace {

using libtorch::LayerKind;

constexpr std::int64_t kMinValues = 16;         // fewer: no distribution or scheme is named
constexpr std::int64_t kMaxGramSide = 4096;     // orthogonality is checked on Gram matrices up to this side
constexpr double kOrthogonalTolerance = 1e-3;   // max |G - g^2 I| / g^2
constexpr double kTruncatedRatio = 2.2737;      // half range / std of N(0, 1) cut at +-2: 2 / sqrt(0.77374)
constexpr double kTruncatedKurtosis = 2.3653;   // its kurtosis
constexpr std::size_t kMinResidualBlocks = 2;   // fewer unscaled residual blocks: no finding
constexpr std::size_t kManyResidualBlocks = 16;  // from this many, a warning even with a norm in each branch

struct Moments {
  double mean = 0, std = 0, max_abs = 0, half_range = 0, kurtosis = 0;
  bool finite = true;
};

Moments moments_of(const torch::Tensor& t) {
  const torch::Tensor x = t.detach().to(torch::kCPU, torch::kFloat64).flatten();
  Moments m;
  if (x.numel() == 0) return m;
  m.mean = x.mean().item<double>();
  const torch::Tensor c = x - m.mean;
  const double var = c.pow(2).mean().item<double>();
  m.std = std::sqrt(var);
  m.max_abs = x.abs().max().item<double>();
  m.half_range = (x.max().item<double>() - x.min().item<double>()) / 2;  // free of the sample mean's error
  m.finite = std::isfinite(m.mean) && std::isfinite(var);
  m.kurtosis = var > 0 ? c.pow(4).mean().item<double>() / (var * var) : 0;
  return m;
}

// Max |G - g^2 I| / g^2 for the Gram matrix of `m` [rows, cols] on its shorter side; +inf when too big or zero.
double orthogonality_error(const torch::Tensor& m) {
  const torch::Tensor x = m.detach().to(torch::kCPU, torch::kFloat64);
  const bool rows = x.size(0) <= x.size(1);
  const std::int64_t side = rows ? x.size(0) : x.size(1);
  if (side > kMaxGramSide || side < 2) return INFINITY;
  const torch::Tensor g = rows ? x.matmul(x.t()) : x.t().matmul(x);
  const double g2 = g.diagonal().mean().item<double>();
  if (!(g2 > 0)) return INFINITY;
  return (g - g2 * torch::eye(side, torch::kFloat64)).abs().max().item<double>() / g2;
}

bool orthogonal_blocks(const torch::Tensor& w, int blocks) {
  const torch::Tensor m = w.reshape({w.size(0), -1});
  for (const auto& b : m.chunk(blocks, 0))
    if (!(orthogonality_error(b) < kOrthogonalTolerance)) return false;
  return true;
}

std::string role_of(LayerKind kind, const std::string& local, const torch::Tensor& t) {
  if (kind == LayerKind::norm) return "norm";
  if (kind == LayerKind::embedding) return "embedding";
  if (local.find("bias") != std::string::npos && t.dim() <= 1) return "bias";
  if (t.dim() >= 2 && (local.find("weight") != std::string::npos)) return "weight";
  return "other";
}

std::string distribution_of(const Moments& m, std::int64_t n, double se, bool orthogonal) {
  if (n < kMinValues) return "";
  if (!m.finite) return "non-finite";
  if (m.std == 0) return "constant";
  if (orthogonal) return "orthogonal";
  const double ratio = m.half_range / m.std;
  const double slack = 1 + 3 * se;
  if (ratio <= std::sqrt(3.0) * slack && m.kurtosis < 2.1) return "uniform";
  if (ratio <= kTruncatedRatio * slack && m.kurtosis < 2.75) return "truncated normal";
  if (std::abs(m.kurtosis - 3) <= 4 * std::sqrt(24.0 / static_cast<double>(n)) + 0.05) return "normal";
  return "other";
}

// Tiers, tried in order: a scheme with the right fan, a pitfall's wrong fan, a fixed std (no fan).
enum class Tier { right_fan, pitfall, fixed_std };

struct Candidate {
  std::string scheme;
  double std = 0;
  Tier tier = Tier::right_fan;
  std::string pitfall_kind;  // also for a right-fan scheme that is a pitfall itself (torch_default)
  std::string right_scheme;  // a pitfall: the same scheme with the right fan, and its std
  double right_std = 0;
};

std::string fan_text(double in, double out) { return fmt::format("fan_in {:g}, fan_out {:g}", in, out); }

// The schemes a weight is compared with: right fans first, then the pitfalls' wrong fans.
std::vector<Candidate> candidates_for(LayerKind kind, const std::string& local, const Shape& shape, int blocks, std::int64_t groups,
                                      ParameterAudit& a) {
  std::vector<Candidate> out;
  if (kind == LayerKind::embedding) {
    out.push_back({"embedding default N(0, 1)", 1.0});
    out.push_back({"std 0.02 (GPT-2 / BERT)", 0.02, Tier::fixed_std});
    return out;
  }
  if (a.role != "weight") return out;
  double rf = 1;
  for (std::size_t k = 2; k < shape.size(); ++k) rf *= static_cast<double>(shape[k]);
  const double rows = static_cast<double>(shape[0]) / blocks, cols = static_cast<double>(shape[1]);
  const double g = static_cast<double>(groups);
  double fi = cols * rf, fo = rows * rf / g;                  // conv: [out, in/g, k...]; linear: [out, in]
  double torch_fan_in = cols * rf;                            // what PyTorch's kaiming_uniform_ reads
  if (kind == LayerKind::conv_transpose) fi = rows * rf / g, fo = cols * rf;  // [in, out/g, k...]
  a.fan = Fan{static_cast<std::int64_t>(fi), static_cast<std::int64_t>(fo), static_cast<std::int64_t>(rf)};
  if (fi == fo) {
    out.push_back({"he (fan_in = fan_out)", std::sqrt(2 / fi)});
  } else {
    out.push_back({"he fan_in", std::sqrt(2 / fi)});
    out.push_back({"he fan_out", std::sqrt(2 / fo)});
  }
  out.push_back({"xavier", std::sqrt(2 / (fi + fo))});
  out.push_back({"lecun", std::sqrt(1 / fi)});
  if (kind == LayerKind::linear || kind == LayerKind::conv || kind == LayerKind::conv_transpose)
    out.push_back({"torch_default (kaiming_uniform_, a=sqrt(5))", std::sqrt(1 / (3 * torch_fan_in)), Tier::right_fan, "torch_default"});
  if (libtorch::is_recurrent(kind)) out.push_back({"PyTorch's RNN default U(+-1/sqrt(hidden))", 1 / std::sqrt(3 * rows)});
  out.push_back({"std 0.02 (GPT-2 / BERT / ViT)", 0.02, Tier::fixed_std});
  if (kind == LayerKind::conv && groups > 1) {
    const double fi_all = fi * g, fo_all = fo * g;  // counting every input / output channel
    const std::string all = "groups ignored (" + fan_text(fi_all, fo_all) + ")";
    const std::string pytorch = "groups ignored (" + fan_text(fi, fo_all) + ", PyTorch's)";
    if (fi_all == fo_all) {  // a depthwise conv: both modes give one std
      out.push_back({"he (fan_in or fan_out), " + all, std::sqrt(2 / fi_all), Tier::pitfall, "grouped_fan", "he fan_in", std::sqrt(2 / fi)});
    } else {
      out.push_back({"he fan_in, " + all, std::sqrt(2 / fi_all), Tier::pitfall, "grouped_fan", "he fan_in", std::sqrt(2 / fi)});
      out.push_back({"he fan_out, " + pytorch, std::sqrt(2 / fo_all), Tier::pitfall, "grouped_fan", "he fan_out", std::sqrt(2 / fo)});
    }
    out.push_back({"xavier, " + pytorch, std::sqrt(2 / (fi + fo_all)), Tier::pitfall, "grouped_fan", "xavier", std::sqrt(2 / (fi + fo))});
    out.push_back({"lecun, " + all, std::sqrt(1 / fi_all), Tier::pitfall, "grouped_fan", "lecun", std::sqrt(1 / fi)});
  }
  if (kind == LayerKind::attention && local == "in_proj_weight" && blocks == 3)
    out.push_back({"xavier over the packed [3d, d] matrix (PyTorch's default)", std::sqrt(2 / (cols + 3 * rows)), Tier::pitfall, "packed_qkv"});
  if (libtorch::is_recurrent(kind) && blocks > 1)
    out.push_back({fmt::format("xavier over the whole [{}h, n] stack", blocks), std::sqrt(2 / (cols + blocks * rows)), Tier::pitfall,
                   "gated_whole_tensor"});
  return out;
}

// The closest scheme within tolerance of the first tier that has one: a right fan, a wrong fan (a
// pitfall), a fixed std.
std::optional<std::pair<Candidate, double>> closest(const std::vector<Candidate>& cs, double std, double tol) {
  for (const Tier tier : {Tier::right_fan, Tier::pitfall, Tier::fixed_std}) {
    std::optional<std::pair<Candidate, double>> best;
    for (const Candidate& c : cs) {
      if (c.tier != tier || !(c.std > 0)) continue;
      const double ratio = std / c.std;
      if (std::abs(ratio - 1) > tol) continue;
      if (!best || std::abs(std::log(ratio)) < std::abs(std::log(best->second))) best = {c, ratio};
    }
    // Schemes whose stds are within 2% of each other cannot be told apart by a std: the one listed
    // first is named (he before xavier: a depthwise conv's two differ by sqrt(1 + 1/C)).
    if (best)
      for (const Candidate& c : cs)
        if (c.tier == tier && c.std > 0 && std::abs(std::log(c.std / best->first.std)) < 0.02 && std::abs(std / c.std - 1) <= tol)
          return std::make_pair(c, std / c.std);
    if (best) return best;
  }
  return std::nullopt;
}

std::string g4(double x) { return fmt::format("{:.4g}", x); }

void add_findings(const ParameterAudit& a, LayerKind kind, const std::optional<Candidate>& matched, const std::vector<Candidate>& cs,
                  const torch::Tensor& t, std::vector<AuditFinding>& out) {
  const auto right = [&](const std::string& scheme) {
    for (const Candidate& c : cs)
      if (c.scheme == scheme) return c.std;
    return 0.0;
  };
  if (matched && matched->pitfall_kind == "grouped_fan") {
    const double want = matched->right_std;
    const std::string& base = matched->right_scheme;
    out.push_back({a.name, "grouped_fan", "warning",
                   fmt::format("'{}' ({}, groups={}): std {} matches {}; with its right fan ({}) {} gives std {}: variance {:.3g}x too small",
                               a.name, a.module_type, a.groups, g4(a.std), matched->scheme, fan_text(a.fan->in, a.fan->out), base,
                               g4(want), want * want / (a.std * a.std))});
  } else if (matched && matched->pitfall_kind == "packed_qkv") {
    out.push_back({a.name, "packed_qkv", "warning",
                   fmt::format("'{}' ({}): std {} is {}: q, k and v each get a std sqrt(2) below a [d, d] Xavier's {} "
                               "(`initlab init` draws them per projection; --packed-qkv keeps PyTorch's)",
                               a.name, a.module_type, g4(a.std), matched->scheme, g4(right("xavier")))});
  } else if (matched && matched->pitfall_kind == "gated_whole_tensor") {
    out.push_back({a.name, "gated_whole_tensor", "warning",
                   fmt::format("'{}' ({}): std {} is {}, not per gate block: each [h, n] gate gets a std {:.3g}x a per-gate Xavier's {}",
                               a.name, a.module_type, g4(a.std), matched->scheme, a.std / right("xavier"), g4(right("xavier")))});
  } else if (matched && matched->pitfall_kind == "torch_default") {
    out.push_back({a.name, "torch_default", "warning",
                   fmt::format("'{}' ({}): std {} is PyTorch's default kaiming_uniform_(a=sqrt(5)), variance 1/(3 fan_in): a sixth of "
                               "He's 2/fan_in, so without normalization each ReLU layer keeps 1/6 of the signal's variance",
                               a.name, a.module_type, g4(a.std))});
  }
  if (libtorch::is_recurrent(kind) && a.blocks > 1 && a.distribution != "orthogonal" &&
      orthogonality_error(t.reshape({t.size(0), -1})) < kOrthogonalTolerance)
    out.push_back({a.name, "gated_whole_tensor", "warning",
                   fmt::format("'{}' ({}): orthogonal over the whole [{}, {}] stack of {} gates, so no gate block is orthogonal "
                               "(init per gate: rnn_orthogonal)",
                               a.name, a.module_type, a.shape[0], a.shape[1], a.blocks)});
  if (a.distribution == "non-finite")
    out.push_back({a.name, "nonfinite", "warning",
                   fmt::format("'{}' ({}): holds NaN or inf values; every output it touches will too", a.name, a.module_type)});
  const auto n = static_cast<std::int64_t>(t.numel());
  const bool fan_scheme = matched && matched->tier != Tier::fixed_std;
  if (a.distribution == "normal" && !fan_scheme && a.std <= 0.05 && n >= 1000 && a.max_abs > 2.6 * a.std)
    out.push_back({a.name, "untruncated_normal", "note",
                   fmt::format("'{}': N(0, {}^2) with no truncation (max |w| = {:.2f} std): if it came from trunc_normal_(std={}), "
                               "the bounds a=-2, b=2 are absolute, not in units of std; pass a=-2*std, b=2*std to cut at 2 std",
                               a.name, g4(a.std), a.max_abs / a.std, g4(a.std))});
}

// Whether a residual block's branch starts near zero: a norm weight, a scalar gate or layer scale
// (a parameter of rank <= 1 that is not a bias) at |w| <= kSmallGate, or a weight all zeros (the
// branch's last layer zeroed, as Fixup and ZerO do; it need not be the last registered: a
// downsample shortcut often is).
constexpr double kSmallGate = 0.1;

bool branch_starts_small(const torch::jit::Module& block) {
  for (const auto& item : block.named_modules()) {
    const auto type = item.value.type()->name();
    const LayerKind kind = libtorch::layer_kind_of(type ? type->qualifiedName() : "");
    for (const auto& p : item.value.named_parameters(/*recurse=*/false)) {
      const torch::Tensor& t = p.value;
      if (t.numel() == 0) continue;
      const bool gate = t.dim() <= 1 && role_of(kind, p.name, t) != "bias" && (kind == LayerKind::norm ? p.name == "weight" : true);
      if (gate && t.detach().abs().max().item<double>() <= kSmallGate) return true;
      if (t.dim() >= 2 && t.detach().abs().max().item<double>() == 0) return true;
    }
  }
  return false;
}

bool has_norm(const torch::jit::Module& block) {
  for (const auto& m : block.modules())
    if (m.type()->name() && libtorch::layer_kind_of(m.type()->name()->qualifiedName()) == LayerKind::norm) return true;
  return false;
}

// Residual blocks (an add of two tensors the module computed: script_graph.hpp) whose branch is
// added at full scale: the trunk's variance grows with their number.
void add_residual_findings(const torch::jit::Module& module, std::vector<AuditFinding>& out) {
  const auto facts = graph_facts(module);
  std::vector<std::string> unscaled;
  int blocks = 0;
  bool normalized = true;
  for (const auto& item : module.named_modules()) {
    const auto type = item.value.type()->name();
    const LayerKind kind = libtorch::layer_kind_of(type ? type->qualifiedName() : "");
    const auto f = facts.find(item.name);
    if (f == facts.end() || !f->second.residual_add || kind == LayerKind::attention || kind == LayerKind::norm) continue;
    // Post-LN (norm1(x + f(x)), TransformerEncoderLayer's default): the trunk is renormalized after every add.
    if (f->second.renormalized_adds == f->second.residual_adds) continue;
    if (item.value.named_parameters(/*recurse=*/true).size() == 0) continue;  // adds nothing learned
    ++blocks;
    if (branch_starts_small(item.value)) continue;
    unscaled.push_back(item.name.empty() ? "(the model)" : item.name);
    normalized = normalized && has_norm(item.value);
  }
  if (unscaled.size() < kMinResidualBlocks) return;
  const std::size_t n = unscaled.size();
  const std::string which = n == 1 ? unscaled[0] : unscaled.front() + " ... " + unscaled.back();
  out.push_back({unscaled.front(), "residual_unscaled", normalized && n < kManyResidualBlocks ? "note" : "warning",
                 fmt::format("{} of {} residual blocks ({}) add their branch at full scale, so the trunk's variance grows with depth "
                             "({}); start each branch near zero: its last norm's weight at 0 (torchvision: zero_init_residual=True), "
                             "a scalar gate at 0 (SkipInit), or its last layer scaled by 1/sqrt({}) (GPT-2: 1/sqrt(2N))",
                             n, blocks, which,
                             normalized ? fmt::format("about {}x over {} blocks, each branch normalized", n + 1, n)
                                        : fmt::format("compounding over {} blocks without a norm in each branch", n),
                             n)});
}

}  // namespace

AuditReport audit_module(const torch::jit::Module& module) {
  AuditReport report;
  torch::NoGradGuard no_grad;
  for (const auto& item : module.named_modules()) {
    const auto type = item.value.type()->name();
    const std::string type_name = type ? type->qualifiedName() : "";
    const LayerKind kind = libtorch::layer_kind_of(type_name);
    std::int64_t groups = 1;
    if ((kind == LayerKind::conv || kind == LayerKind::conv_transpose) && item.value.hasattr("groups"))
      groups = std::max<std::int64_t>(1, item.value.attr("groups").toInt());
    for (const auto& p : item.value.named_parameters(/*recurse=*/false)) {
      const torch::Tensor& t = p.value;
      ParameterAudit a;
      a.name = item.name.empty() ? p.name : item.name + "." + p.name;
      a.module_type = std::string(libtorch::type_base_name(type_name));
      a.shape = Shape(t.sizes().begin(), t.sizes().end());
      a.groups = groups;
      a.role = role_of(kind, p.name, t);
      if (a.role == "weight" && t.dim() == 2 && libtorch::is_recurrent(kind)) a.blocks = libtorch::gate_count(kind);
      if (a.role == "weight" && kind == LayerKind::attention && p.name == "in_proj_weight" && t.size(0) % 3 == 0) a.blocks = 3;
      report.values += static_cast<double>(t.numel());
      const Moments m = moments_of(t);
      a.mean = m.mean, a.std = m.std, a.max_abs = m.max_abs, a.kurtosis = m.kurtosis;
      const auto n = static_cast<std::int64_t>(t.numel());
      const double se = n > 0 ? std::sqrt(std::max(m.kurtosis - 1, 0.1) / (4.0 * static_cast<double>(n))) : 1;
      a.tolerance = std::max(0.01, 4 * se);
      const bool orthogonal = a.role == "weight" && n >= kMinValues && orthogonal_blocks(t, a.blocks);
      a.distribution = distribution_of(m, n, se, orthogonal);
      const auto cs = candidates_for(kind, p.name, a.shape, a.blocks, groups, a);
      std::optional<Candidate> matched;
      if (n >= kMinValues && m.finite && m.std > 0 && !orthogonal)
        if (const auto best = closest(cs, m.std, a.tolerance)) {
          a.match = SchemeMatch{best->first.scheme, best->first.std, best->second, best->first.tier == Tier::pitfall};
          matched = best->first;
        }
      add_findings(a, kind, matched, cs, t, report.findings);
      report.parameters.push_back(std::move(a));
    }
  }
  add_residual_findings(module, report.findings);
  return report;
}

}  // namespace initlab::lab
