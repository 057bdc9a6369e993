// Model builders from specs: the seed notebooks' networks and their deeper relatives, as
// torch::nn::Sequential with named children (fc1, act1, bn1, conv1, blocks.0.fc2, ...), so
// --override patterns and later per-layer probes can address every layer by name.
#pragma once
#include <torch/nn/modules/container/any.h>
#include <ATen/core/Generator.h>
#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "models/model_spec.hpp"
#include "models/parametrization.hpp"

namespace initlab::lab {

struct ModelOptions {
  std::string activation = "relu";  // relu | leaky_relu | elu | selu | gelu | silu | tanh | sigmoid | linear
  bool batchnorm = false;
  double dropout = 0.0;
  Parametrization param;  // --param: standard or μP (the vit's attention-logit scale; the rest is models/mup.hpp)
};

// The model-spec grammar, one for every command (train, compare, sweep, propagate, advise;
// docs/models.md):
//   mlp:IN-W1-...-OUT   a list of widths: IN inputs, then one Linear layer per further width.
//                       Every layer but the last is followed by the activation (and BatchNorm /
//                       dropout when asked); the last is the output layer, linear.
//                       NxK in the list is K widths of N: mlp:784-100x10-10 is 784 inputs, ten
//                       hidden layers of 100, 10 outputs (11 Linear layers); mlp:100-100x10 is
//                       100 inputs, then ten Linear layers of 100 (nine activated, the tenth linear).
//                       A lone NxK (mlp:100x10) is refused: the list needs a dash.
//   resmlp:IN-W...-OUT  Linear IN->W, then a residual block x + fc2(act(fc1(x))) between every two
//                       equal consecutive hidden widths, then Linear W->OUT: resmlp:784-256x4-10 has
//                       three blocks (256x4 is four widths of 256).
//   rescnn:CxK          a 3x3 conv stem to C channels, K residual conv blocks x + conv2(act(conv1(x))),
//                       global average pooling, a dense classifier.
//   cnn                 the seed CNN: conv32-pool-conv64-pool-dense64-dense, input shape from the data.
//   rnn:CELL-H          an LSTM / GRU / tanh RNN / ReLU RNN of H units on sequence data
//                       (fashion-mnist,sequence=rows, synthetic:adding,T=100), dense on the last state
//                       (on every step's state for data with a class per step: synthetic:copy).
//   rnn:CELL-E-H        the same after an embedding of E (token data, text:DIR). CELL: tanh (or rnn), relu, lstm, gru.
//   toy                 the seed's 5-10-1 regression net.
// The first width must match the data's sample size; the last, its classes. The string form
// parses the spec (model_spec.hpp) first.
torch::nn::Sequential build_model(const ModelSpec& spec, const DataSplits& data, const ModelOptions& options);
torch::nn::Sequential build_model(const std::string& spec, const DataSplits& data, const ModelOptions& options);

// The activation module for a name (throws Error listing the names).
torch::nn::AnyModule make_activation(const std::string& name);

// Whether a module is one of the lab's residual blocks (x + branch(x)); its parameters' order is
// the branch's layer order.
bool is_residual_block(const torch::nn::Module& module);

// The branch of a residual block, x + second(act(first(x))), layer by layer, for the schemes that
// look at each layer's output (LSUV, datadep). Empty `layers` for any other module.
struct ResidualBranch {
  struct Layer {
    std::string name;  // fc1, conv2, ...
    torch::Tensor weight, bias;
    std::function<torch::Tensor(const torch::Tensor&)> forward;
  };
  std::vector<Layer> layers;
  std::function<torch::Tensor(const torch::Tensor&)> activation;  // between the layers
};
ResidualBranch residual_branch(torch::nn::Module& module);

// Gives every dropout layer of `model` the generator its masks come from (the run's own).
void set_dropout_generator(torch::nn::Module& model, const at::Generator& generator);

// The activation names build_model accepts, for error messages and validation.
const std::vector<std::string>& activation_names();

}  // namespace initlab::lab
