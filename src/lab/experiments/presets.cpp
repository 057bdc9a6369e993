#include "experiments/presets.hpp"

#include "initlab/error.hpp"

namespace initlab::lab {
namespace {

// data empty: keep the user's --data (default fashion-mnist).
struct Preset {
  const char* name;
  const char* model;
  const char* data;
  Optimizer optimizer;
  double lr;
  std::int64_t batch;
  int epochs;
  std::vector<std::string> inits;
  const char* normalize;  // the notebook's input scaling (DataOptions::normalize)
};

const std::vector<Preset>& presets() {
  static const std::vector<Preset> table = {
      // notebook 002: PyTorch MLP 784-128-10, SGD lr 0.01, batch 64, inputs ToTensor + Normalize((0.5,), (0.5,))
      {"seed-mlp", "mlp:784-128-10", "", Optimizer::sgd, 0.01, 64, 10,
       {"zeros", "normal:std=0.01", "xavier_uniform", "kaiming_uniform", "torch_default"}, "symmetric"},
      // notebook 000: Keras MLP 784-25-25-10, Adam, fit(batch_size=64), inputs x / 255
      {"seed-keras-mlp", "mlp:784-25-25-10", "", Optimizer::adam, 0.001, 64, 10, {"glorot_uniform", "he_uniform"}, "unit"},
      // notebook 003: conv32-pool-conv64-pool-dense64-dense10, Adam, Keras' default batch of 32, inputs x / 255,
      // the three inits it compares (Keras' random_normal is N(0, 0.05^2))
      {"seed-cnn", "cnn", "", Optimizer::adam, 0.001, 32, 5, {"glorot_uniform", "he_normal", "normal:std=0.05"}, "unit"},
      // notebook 003: IMDB sentiment with an LSTM of 64 units, Adam. Offline by default on Fashion-MNIST
      // read row by row (28 steps of 28 pixels); with --data text:DIR (IMDB) an embedding of 64 first.
      {"seed-rnn", "rnn:lstm-64", "fashion-mnist,sequence=rows", Optimizer::adam, 0.001, 64, 3,
       {"glorot_uniform", "orthogonal", "he_normal", "torch_default", "rnn_orthogonal", "chrono", "forget_bias"}, "standard"},
      // notebook 003: the 5-10-1 regression net on random 5-feature data, MSE (Keras random_normal: N(0, 0.05^2))
      {"seed-toy-regression", "toy", "synthetic:regression", Optimizer::adam, 0.01, 32, 50,
       {"zeros", "normal:std=0.05", "glorot_normal", "he_normal", "orthogonal"}, "standard"},
  };
  return table;
}

}  // namespace

const std::vector<std::string>& preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Preset& p : presets()) v.push_back(p.name);
    return v;
  }();
  return names;
}

void apply_preset(const std::string& name, ExperimentConfig& c) {
  for (const Preset& p : presets()) {
    if (name != p.name) continue;
    const bool tokens = c.data.starts_with("text:");  // the user's token data: the notebook's embedding first
    c.model = tokens && std::string_view(p.model) == "rnn:lstm-64" ? "rnn:lstm-64-64" : p.model;
    if (*p.data && !tokens) c.data = p.data;
    c.model_options.activation = "relu";
    c.train.optimizer = p.optimizer;
    c.train.lr = p.lr;
    c.train.batch = p.batch;
    c.train.epochs = p.epochs;
    c.inits = p.inits;
    c.data_options.normalize = p.normalize;
    return;
  }
  throw Error("unknown --preset '" + name + "'; expected one of: " + join_choices(preset_names()));
}

}  // namespace initlab::lab
