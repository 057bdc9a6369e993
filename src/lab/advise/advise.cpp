#include "advise/advise.hpp"

#include <torch/script.h>
#include <torch/torch.h>

#include <map>
#include <set>

#include "initlab/torch/layer_kind.hpp"
#include "models/probe.hpp"
#include "models/script_graph.hpp"
#include "models/script_taps.hpp"

namespace initlab::lab {

Architecture describe(const torch::jit::Module& module, const torch::Tensor& x) {
  std::map<std::string, GraphFacts> facts = graph_facts(module);  // by the instance's qualified name
  torch::jit::Module copy = module;
  const bool training = copy.is_training();
  copy.eval();
  TappedModule tapped(copy);
  std::vector<ModuleCall> calls;
  ProbedForward f;
  f = probed_forward(tapped, x, false, &calls);  // with gradients on: see each_tapped_layer (network_init.cpp)
  copy.train(training);
  Architecture a;
  a.weighted_layers = static_cast<int>(f.layers.size());
  // Activation modules that ran, by family (ReLU6 is a ReLU for the recommendation; Hardswish a SiLU).
  static const std::map<std::string, std::string> families = {
      {"ReLU", "relu"}, {"ReLU6", "relu"}, {"LeakyReLU", "leaky_relu"}, {"ELU", "elu"},   {"SELU", "selu"}, {"GELU", "gelu"},
      {"SiLU", "silu"}, {"Hardswish", "silu"}, {"Mish", "silu"},        {"Tanh", "tanh"}, {"Sigmoid", "sigmoid"}};
  std::map<std::string, int> activations;
  for (const ModuleCall& c : calls)
    if (const auto family = families.find(c.type); c.leaf && family != families.end()) ++activations[family->second];
  std::set<std::string> residual;
  for (const ModuleCall& c : calls) {
    const libtorch::LayerKind kind = libtorch::layer_kind_of(c.type);
    if (kind == libtorch::LayerKind::conv) a.convolutional = true;
    if (libtorch::is_recurrent(kind)) a.recurrent = true;
    if (kind == libtorch::LayerKind::attention) a.attention = true;
    if (kind == libtorch::LayerKind::norm && a.normalization.empty()) a.normalization = c.type;
    if (!c.leaf && facts[c.name].residual_add) residual.insert(c.name);
  }
  a.residual_blocks = static_cast<int>(residual.size());
  a.batchnorm = !a.normalization.empty();
  if (activations.empty())  // no activation module after a layer: the functional calls
    for (const auto& [instance, facts_of] : facts)
      for (const auto& [name, count] : facts_of.activations) activations[name] += count;
  a.activation = "linear";
  int most = 0;
  for (const auto& [name, count] : activations)
    if (count > most) a.activation = name, most = count;
  return a;
}

Architecture describe(torch::nn::Sequential& net, const ModelOptions& options) {
  Architecture a;
  a.activation = options.activation;
  a.batchnorm = options.batchnorm;
  for (const auto& child : net->children())
    if (is_residual_block(*child)) ++a.residual_blocks;
  for (const auto& s : stages_of(net)) {
    if (s.kind != StageKind::weighted) continue;
    ++a.weighted_layers;
    if (s.type.rfind("Conv", 0) == 0) a.convolutional = true;
    if (s.type == "RecurrentLayer" || s.type == "LSTM" || s.type == "GRU" || s.type == "RNN") a.recurrent = true;
  }
  return a;
}

Advice advise(const Architecture& a) {
  Advice v;
  v.architecture = a;
  const std::string& f = a.activation;
  const bool relu_like = f == "relu" || f == "leaky_relu" || f == "elu" || f == "gelu" || f == "silu";
  const bool deep_plain = a.weighted_layers > kVeryDeep && a.residual_blocks == 0 && !a.batchnorm;
  if (a.attention) {
    v.init = "xavier_uniform";
    v.reason = "a transformer: with a norm before each sublayer the residual stream stays at unit scale when every projection "
               "keeps the variance, so Glorot's 2/(fan_in + fan_out) on q, k, v (drawn as three [d, d] matrices, not one [3d, d]), "
               "the output and MLP projections (Vaswani et al. 2017; torchvision's ViT)";
    v.runner_up = "normal:std=0.02";
    v.runner_up_reason = "GPT-2 / BERT's fixed std ignores the width: below Glorot's sqrt(1/d) for every d under 2500, so a narrow "
                         "model starts with near-uniform attention and a small signal";
  } else if (a.recurrent) {
    v.init = "orthogonal";
    v.reason = "recurrent weights are applied once per time step: an orthogonal matrix keeps the norm of the hidden state and of the "
               "gradients through time (Saxe et al. 2014; Keras's default for recurrent kernels)";
    v.runner_up = "xavier_uniform";
    v.runner_up_reason = "Glorot's uniform is what Keras uses for the input kernels; on the recurrent ones it lets gradients shrink or grow with sequence length";
  } else if (a.residual_blocks > 0 && !a.batchnorm) {
    v.init = "skipinit";
    v.reason = "each residual branch adds its variance to the trunk, so " + std::to_string(a.residual_blocks) +
               " branches at He scale make the output grow with depth; starting every branch at zero (the last layer of each "
               "branch zero-initialized, SkipInit, De & Smith 2020) makes the net start as a shallow one and lets each branch grow in; "
               "`fixup` (Zhang et al. 2019) adds a zero classifier and rescaled branches";
    v.runner_up = relu_like ? "kaiming_normal" : "xavier_normal";
    v.runner_up_reason = "the per-layer formula, which ignores that branches add up";
  } else if (f == "selu") {
    v.init = "lecun_normal";
    v.reason = "SELU's self-normalizing fixed point (mean 0, variance 1) needs Var(w) = 1/fan_in (Klambauer et al. 2017)";
    v.runner_up = "kaiming_normal";
    v.runner_up_reason = "He's 2/fan_in pushes SELU away from its fixed point";
  } else if (f == "linear") {
    v.init = "orthogonal";
    v.reason = "a deep linear net is a product of matrices: orthogonal ones keep every singular value at 1, so learning is depth-independent (Saxe et al. 2014)";
    v.runner_up = "xavier_normal";
    v.runner_up_reason = "Gaussian matrices keep the variance on average but spread the singular values with depth";
  } else if (deep_plain && relu_like) {
    v.init = "lsuv";
    v.reason = std::to_string(a.weighted_layers) + " plain layers without normalization: small deviations from He's variance compound with depth; "
               "LSUV (Mishkin & Matas 2016) starts orthogonal and rescales each layer on a data batch to unit output variance";
    v.runner_up = "kaiming_normal";
    v.runner_up_reason = "He's formula is right on average for ReLU (He et al. 2015) but finite width makes the signal drift over many layers";
  } else if (deep_plain && (f == "tanh" || f == "sigmoid")) {
    v.init = a.convolutional ? "delta_orthogonal" : "orthogonal";
    v.reason = std::to_string(a.weighted_layers) + " plain " + f + " layers: orthogonal weights near the order-to-chaos edge give dynamical isometry, "
               "a well-conditioned input-output Jacobian (Pennington et al. 2017" + std::string(a.convolutional ? "; delta-orthogonal kernels for convolutions, Xiao et al. 2018)" : ")");
    v.runner_up = "xavier_normal";
    v.runner_up_reason = "Glorot keeps the variance but not the Jacobian's conditioning at this depth";
  } else if (relu_like) {
    v.init = f == "leaky_relu" ? "kaiming_normal:nonlinearity=leaky_relu,a=0.01" : "kaiming_normal";
    v.reason = "the ReLU family zeroes about half of its inputs, so Var(w) = 2/fan_in keeps the activations' variance from layer to layer "
               "(He et al. 2015)" + std::string(a.batchnorm ? "; BatchNorm renormalizes anyway, He keeps the unnormalized start sane" : "");
    v.runner_up = "xavier_normal";
    v.runner_up_reason = "Glorot's 2/(fan_in + fan_out) assumes a linear activation: with ReLU the variance halves every layer";
  } else {  // tanh, sigmoid
    v.init = "xavier_normal";
    v.reason = f + " is linear around 0 and symmetric" + std::string(f == "sigmoid" ? " (after centering)" : "") +
               ": Var(w) = 2/(fan_in + fan_out) balances the forward and backward variance (Glorot & Bengio 2010)";
    v.runner_up = "kaiming_normal";
    v.runner_up_reason = "He's larger variance drives " + f + " into saturation";
  }
  return v;
}

}  // namespace initlab::lab
