#include "models/fused_lstm.hpp"

#include <torch/autograd.h>

#include <cstdint>

namespace initlab::lab {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Time-major buffers (T, N, ...), so that each step's slice is one contiguous matrix.
struct FusedLstm : torch::autograd::Function<FusedLstm> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w_ih, const at::Tensor& w_hh,
                            const at::Tensor& b_ih, const at::Tensor& b_hh) {
    const std::int64_t n = x.size(0), steps = x.size(1), in = x.size(2), h = w_hh.size(1);
    const at::Tensor xt = x.transpose(0, 1).contiguous();  // (T, N, I)
    // Every step's input projection and both biases in one product: the gates' pre-activations.
    at::Tensor gates = at::addmm(b_ih + b_hh, xt.view({steps * n, in}), w_ih.t()).view({steps, n, 4 * h});
    at::Tensor cells = at::empty({steps, n, h}, x.options());
    at::Tensor tanh_cells = at::empty({steps, n, h}, x.options());
    at::Tensor hidden = at::empty({steps, n, h}, x.options());
    const at::Tensor w_hh_t = w_hh.t();
    for (std::int64_t t = 0; t < steps; ++t) {
      at::Tensor g = gates[t];
      if (t > 0) g.addmm_(hidden[t - 1], w_hh_t);
      g.narrow(1, 0, 2 * h).sigmoid_();  // i, f
      g.narrow(1, 2 * h, h).tanh_();     // g
      g.narrow(1, 3 * h, h).sigmoid_();  // o
      const float* a = g.data_ptr<float>();
      const float* prev = t > 0 ? cells[t - 1].data_ptr<float>() : nullptr;
      float* c = cells[t].data_ptr<float>();
      for (std::int64_t r = 0; r < n; ++r) {
        const float* i_ = a + r * 4 * h;
        const float* f_ = i_ + h;
        const float* g_ = i_ + 2 * h;
        float* c_ = c + r * h;
        if (prev) {
          const float* p_ = prev + r * h;
          for (std::int64_t j = 0; j < h; ++j) c_[j] = f_[j] * p_[j] + i_[j] * g_[j];
        } else {
          for (std::int64_t j = 0; j < h; ++j) c_[j] = i_[j] * g_[j];
        }
      }
      at::Tensor tanh_c = tanh_cells[t];
      at::tanh_out(tanh_c, cells[t]);
      const float* tc = tanh_c.data_ptr<float>();
      float* hv = hidden[t].data_ptr<float>();
      for (std::int64_t r = 0; r < n; ++r) {
        const float* o_ = a + r * 4 * h + 3 * h;
        for (std::int64_t j = 0; j < h; ++j) hv[r * h + j] = o_[j] * tc[r * h + j];
      }
    }
    ctx->save_for_backward({xt, w_ih, w_hh, gates, cells, tanh_cells, hidden});
    return hidden.transpose(0, 1);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const variable_list saved = ctx->get_saved_variables();
    const at::Tensor &xt = saved[0], &w_ih = saved[1], &w_hh = saved[2], &gates = saved[3], &cells = saved[4], &tanh_cells = saved[5],
                     &hidden = saved[6];
    const std::int64_t steps = xt.size(0), n = xt.size(1), in = xt.size(2), h = w_hh.size(1);
    const at::Tensor d_out = grad_outputs[0].defined() ? grad_outputs[0].transpose(0, 1).contiguous() : at::zeros({steps, n, h}, xt.options());  // (T, N, H)
    at::Tensor d_gates = at::empty({steps, n, 4 * h}, xt.options());
    at::Tensor dh_next = at::zeros({n, h}, xt.options());
    at::Tensor dc_next = at::zeros({n, h}, xt.options());
    float* dhn = dh_next.data_ptr<float>();
    float* dcn = dc_next.data_ptr<float>();
    for (std::int64_t t = steps - 1; t >= 0; --t) {
      const float* a = gates[t].data_ptr<float>();
      const float* tc = tanh_cells[t].data_ptr<float>();
      const float* prev = t > 0 ? cells[t - 1].data_ptr<float>() : nullptr;
      const float* dout = d_out[t].data_ptr<float>();
      float* dg = d_gates[t].data_ptr<float>();
      for (std::int64_t r = 0; r < n; ++r) {
        const float* i_ = a + r * 4 * h;
        const float* f_ = i_ + h;
        const float* g_ = i_ + 2 * h;
        const float* o_ = i_ + 3 * h;
        float* di = dg + r * 4 * h;
        float* df = di + h;
        float* dgg = di + 2 * h;
        float* d_o = di + 3 * h;
        for (std::int64_t j = 0; j < h; ++j) {
          const std::int64_t k = r * h + j;
          const float dh = dout[k] + dhn[k];
          const float tcv = tc[k];
          const float dc = dh * o_[j] * (1.0f - tcv * tcv) + dcn[k];
          const float cp = prev ? prev[k] : 0.0f;
          di[j] = dc * g_[j] * i_[j] * (1.0f - i_[j]);
          df[j] = dc * cp * f_[j] * (1.0f - f_[j]);
          dgg[j] = dc * i_[j] * (1.0f - g_[j] * g_[j]);
          d_o[j] = dh * tcv * o_[j] * (1.0f - o_[j]);
          dcn[k] = dc * f_[j];
        }
      }
      if (t > 0) at::mm_out(dh_next, d_gates[t], w_hh);  // dL/dh_{t-1} through the recurrence
    }
    const at::Tensor flat = d_gates.view({steps * n, 4 * h});
    at::Tensor dx, d_w_hh;
    if (ctx->needs_input_grad(0)) dx = at::mm(flat, w_ih).view({steps, n, in}).transpose(0, 1);
    const at::Tensor d_w_ih = at::mm(flat.t(), xt.view({steps * n, in}));
    if (steps > 1) d_w_hh = at::mm(d_gates.narrow(0, 1, steps - 1).reshape({(steps - 1) * n, 4 * h}).t(), hidden.narrow(0, 0, steps - 1).reshape({(steps - 1) * n, h}));
    else d_w_hh = at::zeros_like(w_hh);
    const at::Tensor d_b = flat.sum(0);
    return {dx, d_w_ih, d_w_hh, d_b, d_b.clone()};
  }
};

}  // namespace

bool fused_lstm_applies(const at::Tensor& x) { return x.is_cpu() && x.scalar_type() == at::kFloat && x.dim() == 3 && x.size(1) > 0; }

at::Tensor fused_lstm(const at::Tensor& x, const at::Tensor& weight_ih, const at::Tensor& weight_hh, const at::Tensor& bias_ih,
                      const at::Tensor& bias_hh) {
  return FusedLstm::apply(x, weight_ih, weight_hh, bias_ih, bias_hh);
}

}  // namespace initlab::lab
