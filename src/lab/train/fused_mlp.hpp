// The training step of a plain MLP (Linear layers and element-wise activations, softmax
// cross-entropy, SGD) written out by hand on ATen: forward, the backward pass and the update with
// preallocated buffers, no autograd graph and one ATen call per GEMM. The same mathematics as
// autograd + torch::optim::SGD (tested to agree), at a fraction of the per-step overhead, which
// dominates small-batch training of small networks on a CPU.
#pragma once
#include <ATen/core/Tensor.h>
#include <torch/nn/modules/container/sequential.h>

#include <memory>
#include <vector>

#include "train/train_config.hpp"

namespace initlab::lab {



class FusedMlp {
 public:
  // The fused step for `model` when it is Flatten? (Linear act?)* Linear with act one of ReLU,
  // Tanh, Sigmoid, Identity, trained with cross-entropy by SGD (any momentum, Nesterov, weight
  // decay) at one learning rate for every parameter; nullptr otherwise (the caller then uses autograd).
  static std::unique_ptr<FusedMlp> make(torch::nn::Sequential& model, const TrainConfig& config, Loss loss);

  // Forward and backward on x [B, ...] and labels y [B]: returns the mean loss (a 0-d tensor),
  // leaves the logits in logits() and the gradients in gradients().
  at::Tensor step(const at::Tensor& x, const at::Tensor& y);
  const at::Tensor& logits() const { return layers_.back().z; }
  // The gradients of the last step, in the order of model->parameters().
  const std::vector<at::Tensor>& gradients() const { return grads_; }
  // d loss / d (each layer's output before its activation) of the last step, first layer first
  // (new tensors: the training monitor's back-propagated gradient on the steps it observes).
  std::vector<at::Tensor> output_gradients() const;
  // The SGD update from those gradients (in place on the model's parameters).
  void apply_update();

 private:
  enum class Act { relu, tanh, sigmoid, identity };
  struct Layer {
    at::Tensor weight, bias;             // the model's own parameters
    at::Tensor grad_weight, grad_bias;   // preallocated
    Act act = Act::identity;             // applied after this layer (identity for the last)
    at::Tensor z, delta, back;           // output (activation applied in place), d loss / d pre-activation, d loss / d input
  };
  FusedMlp() = default;
  void resize(std::int64_t rows);

  std::vector<Layer> layers_;
  std::vector<at::Tensor> params_, grads_, momentum_;
  double lr_ = 0, momentum_factor_ = 0, weight_decay_ = 0;
  bool nesterov_ = false, first_update_ = true;
  std::int64_t rows_ = -1;
  at::Tensor ones_, minus_ones_;  // [B], [B, 1]
};

}  // namespace initlab::lab
