#include "train/fused_mlp.hpp"

#include <torch/torch.h>

#include "train/trainer.hpp"

namespace initlab::lab {

std::unique_ptr<FusedMlp> FusedMlp::make(torch::nn::Sequential& model, const TrainConfig& config, Loss loss) {
  if (loss != Loss::ce || config.optimizer != Optimizer::sgd || config.clip_norm > 0 || !config.lr_multipliers.empty()) return nullptr;
  std::unique_ptr<FusedMlp> f(new FusedMlp());
  bool first = true;
  bool activation_open = false;  // the last Linear may still take an activation
  for (const auto& child : model->children()) {
    const bool was_first = first;
    first = false;
    if (const auto* flatten = dynamic_cast<const torch::nn::FlattenImpl*>(child.get())) {
      if (!was_first || flatten->options.start_dim() != 1 || flatten->options.end_dim() != -1) return nullptr;
      continue;
    }
    if (const auto* linear = dynamic_cast<const torch::nn::LinearImpl*>(child.get())) {
      if (!linear->bias.defined()) return nullptr;
      Layer l;
      l.weight = linear->weight;
      l.bias = linear->bias;
      l.grad_weight = torch::empty_like(l.weight);
      l.grad_bias = torch::empty_like(l.bias);
      f->layers_.push_back(std::move(l));
      activation_open = true;
      continue;
    }
    // An activation: after a Linear that has none yet.
    if (!activation_open) return nullptr;
    Act act;
    if (dynamic_cast<const torch::nn::ReLUImpl*>(child.get())) act = Act::relu;
    else if (dynamic_cast<const torch::nn::TanhImpl*>(child.get())) act = Act::tanh;
    else if (dynamic_cast<const torch::nn::SigmoidImpl*>(child.get())) act = Act::sigmoid;
    else if (dynamic_cast<const torch::nn::IdentityImpl*>(child.get())) act = Act::identity;
    else return nullptr;  // BatchNorm, Dropout, residual blocks, other activations: autograd
    f->layers_.back().act = act;
    activation_open = false;
  }
  if (f->layers_.empty() || !activation_open) return nullptr;  // must end with a Linear (the logits)
  for (auto& l : f->layers_) {
    f->params_.push_back(l.weight);
    f->params_.push_back(l.bias);
    f->grads_.push_back(l.grad_weight);
    f->grads_.push_back(l.grad_bias);
  }
  if (model->parameters().size() != f->params_.size()) return nullptr;
  f->lr_ = config.lr;
  f->momentum_factor_ = config.momentum;
  f->nesterov_ = config.nesterov;
  f->weight_decay_ = config.weight_decay;
  return f;
}

void FusedMlp::resize(std::int64_t rows) {
  const auto options = layers_.front().weight.options().requires_grad(false);
  for (auto& l : layers_) {
    l.z = torch::empty({rows, l.weight.size(0)}, options);
    l.delta = torch::empty({rows, l.weight.size(0)}, options);
    l.back = torch::empty({rows, l.weight.size(1)}, options);  // scratch: d loss / d (this layer's input)
  }
  ones_ = torch::ones({rows}, options);
  minus_ones_ = torch::full({rows, 1}, -1.0, options);
  rows_ = rows;
}

at::Tensor FusedMlp::step(const at::Tensor& x, const at::Tensor& y) {
  torch::NoGradGuard no_grad;
  const std::int64_t rows = x.size(0);
  if (rows != rows_) resize(rows);
  const at::Tensor input = x.reshape({rows, -1});
  // Forward; activations in place, so z holds the layer's output (the logits for the last).
  const at::Tensor* h = &input;
  for (auto& l : layers_) {
    at::addmm_out(l.z, l.bias, *h, l.weight.t());
    switch (l.act) {
      case Act::relu: at::relu_(l.z); break;
      case Act::tanh: at::tanh_(l.z); break;
      case Act::sigmoid: at::sigmoid_(l.z); break;
      case Act::identity: break;
    }
    h = &l.z;
  }
  Layer& top = layers_.back();
  at::log_softmax_out(top.delta, top.z, 1);  // each delta below is d loss / d output times B
  const at::Tensor loss = at::nll_loss(top.delta, y);
  // d loss / d logits = (softmax - onehot) / B; the 1/B is applied in the weight gradients.
  top.delta.exp_();
  top.delta.scatter_add_(1, y.view({rows, 1}), minus_ones_);
  const double scale = 1.0 / static_cast<double>(rows);
  for (std::size_t i = layers_.size(); i-- > 0;) {
    Layer& l = layers_[i];
    const at::Tensor& below = i == 0 ? input : layers_[i - 1].z;
    at::addmm_out(l.grad_weight, l.grad_weight, l.delta.t(), below, 0.0, scale);
    at::addmv_out(l.grad_bias, l.grad_bias, l.delta.t(), ones_, 0.0, scale);
    if (i == 0) break;
    Layer& prev = layers_[i - 1];
    if (prev.act == Act::identity) {
      at::mm_out(prev.delta, l.delta, l.weight);
      continue;
    }
    at::mm_out(l.back, l.delta, l.weight);
    switch (prev.act) {
      case Act::relu: at::threshold_backward_out(prev.delta, l.back, prev.z, 0.0); break;
      case Act::tanh: at::tanh_backward_out(prev.delta, l.back, prev.z); break;
      case Act::sigmoid: at::sigmoid_backward_out(prev.delta, l.back, prev.z); break;
      case Act::identity: break;
    }
  }
  return loss;
}

// torch::optim::SGD's update: d = g + wd p; buf = d (first step) or m buf + d; d = d + m buf
// (Nesterov) or buf; p -= lr d.
void FusedMlp::apply_update() {
  torch::NoGradGuard no_grad;
  if (weight_decay_ != 0) at::_foreach_add_(grads_, params_, weight_decay_);
  if (momentum_factor_ == 0) {
    at::_foreach_add_(params_, grads_, -lr_);
    return;
  }
  if (first_update_) {
    for (const auto& g : grads_) momentum_.push_back(g.clone());
    first_update_ = false;
  } else {
    at::_foreach_mul_(momentum_, momentum_factor_);
    at::_foreach_add_(momentum_, grads_);
  }
  if (nesterov_) {
    at::_foreach_add_(grads_, momentum_, momentum_factor_);
    at::_foreach_add_(params_, grads_, -lr_);
  } else {
    at::_foreach_add_(params_, momentum_, -lr_);
  }
}

std::vector<at::Tensor> FusedMlp::output_gradients() const {
  std::vector<at::Tensor> out;
  for (const Layer& l : layers_) out.push_back(l.delta / static_cast<double>(l.delta.size(0)));
  return out;
}

}  // namespace initlab::lab
