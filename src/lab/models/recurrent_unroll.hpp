// A lab model's recurrent layer run step by step with its own parameters, PyTorch's equations
// (torch.nn.RNN with tanh or relu, LSTM, GRU; one layer, batch first), so each step's hidden
// state is a tensor of its own: its size, and the gradient that reaches it, can be measured
// (experiments/through_time.hpp). The result equals the module's forward (tested).
#pragma once
#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
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
bool has_recurrent_layer(torch::nn::Sequential& net);

// The spectrum of one gate block of weight_hh (LSTM i, f, g, o; GRU r, z, n; one block for a plain RNN).
struct RecurrentBlock {
  std::string gate;
  double spectral_radius = 0;  // max |eigenvalue|
  double max_singular = 0, min_singular = 0;
};
std::vector<RecurrentBlock> gate_spectra(const Unrolled& u);

// Per step t = 1..T: rms of h_t over the batch and units, and rms of dL/dh_t where
// L = fc(h_T) . c with a Gaussian cotangent c drawn from `seed` (the gradient of the last step's
// prediction carried back through the recurrence). The parameters' .grad are left untouched.
struct StepRms {
  std::vector<double> hidden, grad;
};
StepRms gradient_through_time(torch::nn::Sequential& net, const Unrolled& u, std::uint64_t seed);

}  // namespace initlab::lab
