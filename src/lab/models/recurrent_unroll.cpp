#include "models/recurrent_unroll.hpp"

#include <torch/torch.h>

#include "initlab/error.hpp"

namespace initlab::lab {

Unrolled unroll_recurrent(torch::nn::Sequential& net, const torch::Tensor& x) {
  Unrolled u;
  torch::Tensor w_ih, w_hh, b_ih, b_hh;
  for (const auto& item : net->named_modules("", /*include_self=*/false)) {
    torch::nn::Module* m = item.value().get();
    if (dynamic_cast<torch::nn::LSTMImpl*>(m) != nullptr) {
      u.cell = "lstm", u.gates = {"i", "f", "g", "o"};
    } else if (dynamic_cast<torch::nn::GRUImpl*>(m) != nullptr) {
      u.cell = "gru", u.gates = {"r", "z", "n"};
    } else if (auto* r = dynamic_cast<torch::nn::RNNImpl*>(m)) {
      u.cell = c10::holds_alternative<torch::enumtype::kReLU>(r->options.nonlinearity()) ? "relu" : "tanh";
      u.gates = {"hh"};
    } else {
      continue;
    }
    u.name = item.key();
    auto p = m->named_parameters(/*recurse=*/false);
    w_ih = p["weight_ih_l0"], w_hh = p["weight_hh_l0"];
    if (p.contains("bias_ih_l0")) b_ih = p["bias_ih_l0"], b_hh = p["bias_hh_l0"];
    break;
  }
  if (u.cell.empty()) throw Error("the model has no recurrent layer (rnn:CELL-H models have one)");
  torch::Tensor input = x;
  for (const auto& child : net->named_children())
    if (auto* e = dynamic_cast<torch::nn::EmbeddingImpl*>(child.value().get())) input = e->forward(x);
  u.weight_hh = w_hh;
  const std::int64_t n = input.size(0), steps = input.size(1), hidden = w_hh.size(1);
  torch::Tensor h = torch::zeros({n, hidden}, input.options()), c = torch::zeros({n, hidden}, input.options());
  // The input's contribution to every step at once, as PyTorch computes it.
  const torch::Tensor projected = at::linear(input, w_ih, b_ih);  // (N, T, gates x H)
  for (std::int64_t t = 0; t < steps; ++t) {
    const torch::Tensor xi = projected.select(1, t), hh = at::linear(h, w_hh, b_hh);
    if (u.cell == "lstm") {
      const auto z = (xi + hh).chunk(4, 1);
      c = torch::sigmoid(z[1]) * c + torch::sigmoid(z[0]) * torch::tanh(z[2]);
      h = torch::sigmoid(z[3]) * torch::tanh(c);
    } else if (u.cell == "gru") {
      const auto a = xi.chunk(3, 1), b = hh.chunk(3, 1);
      const torch::Tensor r = torch::sigmoid(a[0] + b[0]), z = torch::sigmoid(a[1] + b[1]);
      const torch::Tensor cand = torch::tanh(a[2] + r * b[2]);
      h = (1 - z) * cand + z * h;
    } else {
      h = u.cell == "relu" ? torch::relu(xi + hh) : torch::tanh(xi + hh);
    }
    if (h.requires_grad()) h.retain_grad();
    u.hidden.push_back(h);
  }
  return u;
}

}  // namespace initlab::lab
