#pragma once
// A one-layer LSTM over a whole sequence with its own backward: the CPU training path of rnn:lstm-H.
//
// Same equations, gate order (i, f, g, o) and parameters as torch::nn::LSTM (batch first, zero
// initial state), so every init, rule and override reaches the same tensors. What differs is
// the work per step: LibTorch's CPU LSTM runs each step as ~15 operators under autograd and three
// small matrix products (one forward, two backward); here the input projection of every step
// is one product before the loop, the weight gradients one product each after it, the step
// itself one product each way plus a hand-written element-wise pass. bench/RESULTS.md has the
// measurement that asked for it.

#include <ATen/core/Tensor.h>

namespace initlab::lab {

// Whether fused_lstm serves this input: float32 on the CPU (elsewhere LibTorch's LSTM runs,
// with cuDNN on CUDA).
bool fused_lstm_applies(const at::Tensor& x);

// The hidden state at every step, (N, T, H), of x (N, T, I) through the LSTM with weight_ih
// (4H, I), weight_hh (4H, H), bias_ih and bias_hh (4H); differentiable in all five (first
// derivatives only).
at::Tensor fused_lstm(const at::Tensor& x, const at::Tensor& weight_ih, const at::Tensor& weight_hh, const at::Tensor& bias_ih,
                      const at::Tensor& bias_hh);

}  // namespace initlab::lab
