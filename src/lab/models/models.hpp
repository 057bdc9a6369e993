// Model builders from specs: the seed notebooks' networks and their deeper relatives, as
// torch::nn::Sequential with named children (fc1, act1, bn1, conv1, blocks.0.fc2, ...), so
// --override patterns and later per-layer probes can address every layer by name.
#pragma once
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/container/sequential.h>

#include <functional>
#include <string>
#include <vector>

#include "data/dataset.hpp"

namespace initlab::lab {

struct ModelOptions {
  std::string activation = "relu";  // relu | leaky_relu | elu | selu | gelu | silu | tanh | sigmoid | linear
  bool batchnorm = false;
  double dropout = 0.0;
};

// mlp:784-128-10, mlp:784-100x10-10 (ten hidden layers of 100), resmlp:784-256x4-10 (an input
// layer, four residual blocks x + fc2(act(fc1(x))), an output layer), rescnn:32x4 (a conv stem,
// four residual blocks x + conv2(act(conv1(x))), average pooling, dense), cnn (the seed CNN:
// conv32-pool-conv64-pool-dense64-dense, input shape from the data), rnn:lstm-64-64 (embedding,
// LSTM / GRU / tanh RNN, dense on the last state; text data), toy (the seed's 5-10-1 regression net). The first width must match the data's sample size; the last, its classes.
torch::nn::Sequential build_model(const std::string& spec, const DataSplits& data, const ModelOptions& options);

// "784-100x10-10" -> {784, 100 (ten times), 10}; throws Error naming `spec` and the bad piece.
std::vector<std::int64_t> parse_widths(const std::string& spec, const std::string& text);

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

// The activation names build_model accepts, for error messages and validation.
const std::vector<std::string>& activation_names();

}  // namespace initlab::lab
