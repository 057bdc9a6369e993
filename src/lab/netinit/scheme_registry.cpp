#include "netinit/scheme_registry.hpp"

namespace initlab::lab {

const std::vector<SchemeInfo>& scheme_registry() {
  static const std::vector<SchemeInfo> schemes = {
      {"lsuv",
       {{"tol", "0.1", "stop when |Var(output) - 1| < tol"}, {"max_iter", "10", "rescalings per layer at most"}, {"batch", "256", "samples"}},
       "orthogonal weights, then for each layer in order W <- W / sqrt(Var(layer output)) on a batch until within tol",
       "deep plain nets of any activation; a data-driven check of the scale", "Mishkin & Matas 2016, All you need is a good init"},
      {"datadep", {{"batch", "256", "samples"}, {"mean", "0", "each unit's mean after"}},
       "kaiming_normal, then per layer and unit: W_i <- W_i / s_i, b_i <- (b_i - m_i) / s_i + mean (unit mean and std on a batch)",
       "CNNs without normalization layers", "Kraehenbuehl et al. 2016, Data-dependent initializations of convolutional neural networks"},
      {"zero_init", {}, "ZerO per tensor (identity / Hadamard), and the last layer of every residual branch set to 0",
       "residual nets, reproducible (deterministic) training", "Zhao et al. 2022, ZerO initialization"},
      {"fixup", {}, "kaiming_normal, then branch layers scaled by L^(-1/(2m-2)) and each branch's last layer 0 (L branches of m layers)",
       "residual nets without normalization", "Zhang, Dauphin & Ma 2019, Fixup initialization"},
      {"skipinit", {{"base", "kaiming_normal", "the per-tensor spec drawn first"}}, "base, then every residual branch's last layer 0",
       "residual nets without normalization", "De & Smith 2020, Batch normalization biases residual blocks towards the identity function"},
      {"pretrain:ae", {{"epochs", "1", "per layer"}, {"lr", "0.001", "Adam"}, {"batch", "64", "samples"}, {"base", "kaiming_normal", "drawn first"}},
       "each Linear layer in turn trained as a one-layer autoencoder on the codes of the layers below", "MLPs (historical)",
       "Bengio et al. 2007, Greedy layer-wise training of deep networks"},
      {"irnn", {{"std", "0.001", "stddev of the non-recurrent weights"}},
       "weight_hh = I (per gate block), every other weight ~ N(0, std^2), biases 0",
       "ReLU RNNs (rnn:relu-H) on long dependencies (the adding problem, pixel-by-pixel MNIST)",
       "Le, Jaitly & Hinton 2015, A simple way to initialize recurrent networks of rectified linear units"},
      {"rnn_orthogonal", {{"gain", "1", "gain of the recurrent matrices"}, {"base", "xavier_uniform", "the input and output weights"}},
       "weight_hh orthogonal (per gate block) times gain, every other weight base, biases 0 (Keras's LSTM without the forget bias)",
       "tanh RNNs, LSTMs and GRUs: recurrent singular values 1 at init",
       "Saxe et al. 2014, Exact solutions to the nonlinear dynamics of learning in deep linear networks"},
      {"chrono", {{"tmax", "data", "longest time dependency in steps (default: the data's sequence length)"}, {"gain", "1", "of weight_hh"}, {"base", "xavier_uniform", "other weights"}},
       "rnn_orthogonal's weights; LSTM bias_ih: b_f = log(u), u ~ U(1, tmax - 1), b_i = -b_f, b_g = b_o = 0; bias_hh = 0",
       "LSTMs on long sequences (sequential / permuted pixels)", "Tallec & Ollivier 2018, Can recurrent neural networks warp time?"},
      {"forget_bias", {{"value", "1", "the forget gate's bias"}, {"gain", "1", "of weight_hh"}, {"base", "xavier_uniform", "other weights"}},
       "rnn_orthogonal's weights; LSTM bias_ih: b_f = value, other gates 0; bias_hh = 0 (Keras's LSTM default with value 1)",
       "LSTMs: start by remembering", "Gers, Schmidhuber & Cummins 2000, Learning to forget; Jozefowicz et al. 2015"},
      {"gpt2", {{"std", "0.02", "stddev of every matrix and of the position embeddings"}},
       "every matrix N(0, std^2); each block's attn.o and mlp.fc2 N(0, (std / sqrt(2L))^2) for L blocks; biases 0; LayerNorm 1, 0",
       "pre-LN transformers (vit:D-L-H): the GPT-2 / GPT-3 / BERT-style baseline",
       "Radford et al. 2019, Language models are unsupervised multitask learners (GPT-2)"},
      {"small_init", {}, "every matrix N(0, 2 / (5 D)) for model width D (Xavier normal of a D x 4D matrix); biases 0",
       "transformers of any depth; the GPT-NeoX default for the non-output layers",
       "Nguyen & Salazar 2019, Transformers without tears: improving the normalization of self-attention"},
      {"t_fixup", {},
       "Xavier uniform; each block's v, o, fc1, fc2 with gain 0.67 L^(-1/4), q, k with gain 1/sqrt(2); the patch projection "
       "N(0, (9L)^(-1/2) / fan_in) (embedding coordinates of std (9L)^(-1/4), as the reference code's scaled token table); biases 0",
       "transformers without LayerNorm (vit:...,norm=none) and without warm-up",
       "Huang, Perez, Ba & Volkovs 2020, Improving transformer optimization through better initialization"},
      {"deepnorm", {},
       "post-LN blocks x <- LN(alpha x + f(x)) with alpha = (2L)^(1/4); v, o, fc1, fc2 Xavier normal with gain beta = (8L)^(-1/4); "
       "q, k and the rest Xavier normal; biases 0",
       "deep post-LN transformers (vit:...,norm=post)", "Wang et al. 2022, DeepNet: scaling transformers to 1,000 layers"},
  };
  return schemes;
}

const std::vector<SchemeInfo>& parametrization_registry() {
  static const std::vector<SchemeInfo> entries = {
      {"standard", {}, "every parameter at --lr; the init as drawn", "the default; what PyTorch and Keras do",
       "-"},
      {"mup",
       {{"base_width", "64", "the width at which μP equals the standard parametrization"},
        {"readout", "scaled", "the readout's init: scaled (x m^(-1/2)) or zero"}},
       "m = width / base_width; input matrix and width-sized vectors: init as drawn, lr x m (SGD) or x 1 (Adam); hidden "
       "matrices: init as drawn (1/fan_in), lr x 1 (SGD) or x 1/m (Adam); readout: init x m^(-1/2) (or 0), lr x 1/m; "
       "attention logits q.k sqrt(d0)/d instead of q.k/sqrt(d)",
       "mlp: and vit: models whose width will grow: the best learning rate found at the base width transfers (initlab "
       "coordcheck checks it)",
       "Yang et al. 2021, Tensor Programs V: tuning large neural networks via zero-shot hyperparameter transfer (Table 3)"},
  };
  return entries;
}

}  // namespace initlab::lab
