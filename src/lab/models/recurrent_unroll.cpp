#include "models/recurrent_unroll.hpp"

#include <torch/torch.h>

#include "initlab/error.hpp"

namespace initlab::lab {

namespace {

double rms(const torch::Tensor& t) { return t.defined() ? t.detach().to(torch::kFloat64).pow(2).mean().sqrt().item<double>() : 0.0; }

bool is_recurrent(torch::nn::Module* m) {
  return dynamic_cast<torch::nn::LSTMImpl*>(m) != nullptr || dynamic_cast<torch::nn::GRUImpl*>(m) != nullptr ||
         dynamic_cast<torch::nn::RNNImpl*>(m) != nullptr;
}

}  // namespace

bool has_recurrent_layer(torch::nn::Sequential& net) {
  for (const auto& item : net->named_modules("", /*include_self=*/false))
    if (is_recurrent(item.value().get())) return true;
  return false;
}

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
    u.hidden.push_back(h);
  }
  return u;
}

std::vector<RecurrentBlock> gate_spectra(const Unrolled& u) {
  torch::NoGradGuard no_grad;
  std::vector<RecurrentBlock> out;
  const auto blocks = u.weight_hh.detach().to(torch::kFloat64).cpu().chunk(static_cast<std::int64_t>(u.gates.size()), 0);
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    const torch::Tensor s = at::linalg_svdvals(blocks[k]);
    out.push_back({u.gates[k], at::linalg_eigvals(blocks[k]).abs().max().item<double>(), s.max().item<double>(), s.min().item<double>()});
  }
  return out;
}

StepRms gradient_through_time(torch::nn::Sequential& net, const Unrolled& u, std::uint64_t seed) {
  StepRms r;
  for (const auto& h : u.hidden) r.hidden.push_back(rms(h));
  torch::Tensor out;
  for (const auto& child : net->named_children())
    if (auto* fc = dynamic_cast<torch::nn::LinearImpl*>(child.value().get()); fc && child.key() == "fc") out = fc->forward(u.hidden.back());
  if (!out.defined()) throw Error("the model has no dense layer 'fc' after its recurrent layer (rnn:CELL-H models have one)");
  if (!out.requires_grad()) {  // no graph (parameters frozen or grad mode off): nothing reaches any step
    r.grad.assign(u.hidden.size(), 0.0);
    return r;
  }
  auto gen = at::detail::createCPUGenerator(seed ^ 0x9e3779b97f4a7c15ULL);  // the cotangent's own stream
  const torch::Tensor cotangent = torch::randn(out.sizes(), gen, torch::TensorOptions().dtype(out.scalar_type())).to(out.device());
  const auto grads = torch::autograd::grad({(out * cotangent).sum()}, u.hidden, /*grad_outputs=*/{}, /*retain_graph=*/false,
                                           /*create_graph=*/false, /*allow_unused=*/true);
  for (const auto& g : grads) r.grad.push_back(rms(g));
  return r;
}

}  // namespace initlab::lab
