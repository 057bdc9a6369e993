// `initlab audit`: what a TorchScript model's parameters hold, one by one, measured against what
// the usual schemes give with the right fan, and the known initialization pitfalls flagged:
//   grouped_fan          a grouped / depthwise conv whose std matches a fan that ignores its groups
//                        (e.g. kaiming_normal_(mode="fan_out"): PyTorch's fan_out counts every
//                        output channel, but each input feeds only out/groups of them)
//   packed_qkv           MultiheadAttention's in_proj_weight drawn as one [3d, d] matrix
//                        (PyTorch's default): q, k and v each get a std sqrt(2) below a [d, d] Xavier
//   gated_whole_tensor   an LSTM / GRU weight drawn as one [G h, n] matrix (Xavier over the stack,
//                        or orthogonal over the stack, so no gate block is orthogonal)
//   torch_default        PyTorch's Linear / Conv default kaiming_uniform_(a=sqrt(5)): variance
//                        1/(3 fan_in), a sixth of He's 2/fan_in (each ReLU layer shrinks the signal)
//   untruncated_normal   a small-std normal with no truncation: trunc_normal_(std=s) keeps its
//                        default bounds a=-2, b=2, absolute, not in units of s (a note)
//   nonfinite            NaN or inf values
//   residual_unscaled    two or more residual blocks add their branch at full scale (no zero norm
//                        weight, scalar gate or zero weight), so the trunk's variance grows with
//                        depth: a note with a norm in each branch (up to 15 blocks), else a warning;
//                        post-LN blocks (every add goes into a norm) are renormalized, not flagged
// Torch-typed; the CLI (cmd_audit) prints it and adds propagate's verdict on the model as it is.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "initlab/shape.hpp"

namespace torch::jit {
struct Module;
}

namespace initlab::lab {

// A scheme's std for one block of a parameter, and how the measured std compares.
struct SchemeMatch {
  std::string scheme;   // e.g. "he fan_in", "xavier (packed [3d, d])"
  double expected_std = 0;
  double ratio = 0;     // measured std / expected_std
  bool pitfall = false; // a wrong fan (groups ignored, packed, whole gate stack)
};

struct ParameterAudit {
  std::string name;          // qualified: features.1.conv.0.0.weight
  std::string module_type;   // Conv2d
  std::string role;          // weight | bias | norm | embedding | other
  Shape shape;
  int blocks = 1;            // gate / projection blocks, each measured against its own fan
  std::optional<Fan> fan;    // the right fan of one block (groups taken into account)
  std::int64_t groups = 1;   // conv
  double mean = 0, std = 0, max_abs = 0;
  double kurtosis = 0;       // E(w - mean)^4 / std^4: uniform 1.8, normal truncated at 2 std 2.37, normal 3
  std::string distribution;  // constant | uniform | truncated normal | normal | orthogonal | non-finite | other | "" (too few values)
  double tolerance = 0;      // relative: a scheme matches when |ratio - 1| is within it (4 standard errors of a std)
  std::optional<SchemeMatch> match;  // the closest scheme within tolerance
};

struct AuditFinding {
  std::string parameter;
  std::string pitfall;   // grouped_fan | packed_qkv | gated_whole_tensor | torch_default | untruncated_normal | nonfinite | residual_unscaled
  std::string severity;  // warning | note
  std::string text;      // one line
};

struct AuditReport {
  std::vector<ParameterAudit> parameters;
  std::vector<AuditFinding> findings;
  double values = 0;     // parameter values in all
};

AuditReport audit_module(const torch::jit::Module& module);

}  // namespace initlab::lab
