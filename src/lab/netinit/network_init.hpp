// Initializations of a whole network rather than of one tensor: data-dependent (LSUV,
// Krähenbühl's within-layer scheme, autoencoder pretraining) and architecture-aware (ZerO with
// zero residual branches, Fixup, SkipInit). Each first draws its base per-tensor spec through the
// adapter's plan (so every parameter keeps its named stream), then adjusts the network.
//
//   lsuv[:tol=0.1,max_iter=10,batch=256]     Mishkin & Matas 2016, "All you need is a good init"
//   datadep[:batch=256,mean=0]               Krähenbühl et al. 2016, "Data-dependent initializations of CNNs"
//   zero_init | ZerO                          Zhao et al. 2022, Algorithm 1, with zero residual branches
//   fixup                                     Zhang, Dauphin & Ma 2019, "Fixup initialization"
//   skipinit[:base=SPEC]                      De & Smith 2020: each residual branch starts at zero
//   pretrain:ae[,epochs=1,lr=0.001,batch=64]  greedy layer-wise autoencoders (Bengio et al. 2007)
// and recurrent recipes, rules by parameter role drawn through the plan itself (rules()):
//   irnn[:std=0.001]                          Le, Jaitly & Hinton 2015: weight_hh = I, other weights N(0, std^2), biases 0
//   rnn_orthogonal[:gain=1,base=xavier_uniform]  weight_hh orthogonal per gate block (Saxe et al. 2014), the rest base, biases 0
//   chrono[:tmax=T,base=xavier_uniform]       rnn_orthogonal's weights, LSTM gate biases by Tallec & Ollivier 2018
//   forget_bias[:value=1,base=xavier_uniform] rnn_orthogonal's weights, LSTM forget-gate bias 1 (Gers et al. 2000; Keras's LSTM)
// and the transformer schemes (netinit/transformer_init.hpp): gpt2[:std=0.02], small_init, t_fixup, deepnorm.
#pragma once
#include <torch/nn/modules/container/sequential.h>

#include <optional>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "models/model_spec.hpp"
#include "initlab/generator.hpp"
#include "initlab/torch/init_plan.hpp"

namespace torch::jit {
struct Module;
}

namespace initlab::lab {

// LSUV's defaults, from Mishkin & Matas 2016, section 2 (Algorithm 1: Tol_var = 0.1, T_max = 10).
inline constexpr double kLsuvTolerance = 0.1;
inline constexpr int kLsuvMaxIterations = 10;
inline constexpr std::int64_t kDataInitBatch = 256;  // samples the data-dependent schemes look at

struct NetworkInit {
  std::string scheme;       // lsuv | datadep | zero_init | fixup | skipinit | pretrain | irnn | rnn_orthogonal | chrono | forget_bias
  std::string spec;         // as written
  double tol = kLsuvTolerance;
  int max_iter = kLsuvMaxIterations;
  std::int64_t batch = kDataInitBatch;
  double mean = 0.0;        // datadep: the units' mean after initialization
  int epochs = 1;           // pretrain
  double lr = 1e-3;         // pretrain (Adam)
  double std = 0.02;        // gpt2
  std::string base;         // the per-tensor spec drawn first
  std::string bias;         // recurrent recipes: the bias spec ("" none; a user's --bias wins)
  std::vector<std::string> rules;  // recurrent recipes: "PATTERN=SPEC" by role, after the user's --override
};

// The rules a scheme gives this model (transformer_rules), then the model's own defaults
// (model_default_rules): base_plan's `model_rules`. Throws Error when the scheme cannot apply.
std::vector<std::string> model_rules(const std::optional<NetworkInit>& network, const ModelSpec& model);

// The per-tensor plan a run draws first: `init` itself, or the scheme's base with its bias and
// role rules, then the model's own defaults (`model_rules`: model_default_rules, e.g. a vit's
// position embeddings). A user's --bias and --override take precedence, then the scheme's rules.
// Throws Error naming a bad spec.
libtorch::InitPlan base_plan(const std::optional<NetworkInit>& network, const std::string& init, const std::string& bias,
                             const std::vector<std::string>& overrides, GeneratorKind generator, std::uint64_t seed,
                             const std::vector<std::string>& model_rules = {});

// The scheme named by `spec`, or nullopt when it is a per-tensor spec (initlab list). Throws Error
// naming the spec on a bad parameter.
std::optional<NetworkInit> parse_network_init(const std::string& spec);
// Every network scheme's name, for `initlab list` and errors.
const std::vector<std::string>& network_init_names();

// What the scheme did to one layer.
struct LayerInitReport {
  std::string layer;
  int iterations = 0;       // LSUV rescalings; pretraining epochs
  double variance = 0;      // the layer's output variance after (LSUV, datadep); reconstruction MSE (pretrain)
  std::string note;         // e.g. "zeroed (last layer of a residual branch)", "skipped: ..."
};

// Throws Error when `init` cannot apply to this model (fixup / skipinit without residual blocks,
// pretrain:ae on anything but an MLP), so an experiment fails before it starts.
void check_network_init(torch::nn::Sequential& net, const NetworkInit& init);

// Applies `init` to a lab model whose parameters already hold init.base (through the adapter).
// Data-dependent schemes take their batch from data.train, shuffled by `seed`.
std::vector<LayerInitReport> apply_network_init(torch::nn::Sequential& net, const NetworkInit& init, const DataSplits& data,
                                                std::uint64_t seed);
// On a TorchScript model: lsuv and datadep (the recurrent recipes need nothing after the plan; the
// others need to know the architecture).
std::vector<LayerInitReport> apply_network_init(torch::jit::Module& module, const NetworkInit& init, const torch::Tensor& batch);

}  // namespace initlab::lab
