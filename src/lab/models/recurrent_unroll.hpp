// A lab model's recurrent layer run step by step with its own parameters, PyTorch's equations
// (torch.nn.RNN with tanh or relu, LSTM, GRU; one layer, batch first), so each step's hidden
// state is a tensor of its own: its size, and the gradient that reaches it, can be measured
// (experiments/through_time.hpp). The result equals the module's forward (tested).
#pragma once
#include <torch/nn/modules/container/sequential.h>

#include <string>
#include <vector>

namespace initlab::lab {

struct Unrolled {
  std::string name;                   // the recurrent module's qualified name, e.g. recurrent.lstm
  std::string cell;                   // tanh | relu | lstm | gru
  std::vector<torch::Tensor> hidden;  // h_1 .. h_T, each (N, H), part of the autograd graph
  torch::Tensor weight_hh;            // (gates x H, H)
  std::vector<std::string> gates;     // the blocks of weight_hh: i, f, g, o | r, z, n | hh
};

// Embeds token ids first when the model has an embedding. Throws Error when `net` has no
// recurrent layer.
Unrolled unroll_recurrent(torch::nn::Sequential& net, const torch::Tensor& x);

}  // namespace initlab::lab
