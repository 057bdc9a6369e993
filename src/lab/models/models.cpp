#include "models/models.hpp"

#include <torch/torch.h>

#include <optional>

#include <charconv>
#include <numeric>

#include "initlab/excerpt.hpp"
#include "initlab/error.hpp"
#include "initlab/number_text.hpp"
#include "models/fused_lstm.hpp"
#include "models/script_net.hpp"
#include "models/vit.hpp"

namespace initlab::lab {
namespace {

torch::nn::AnyModule activation_module(const std::string& name) {
  if (name == "relu") return torch::nn::AnyModule(torch::nn::ReLU());
  if (name == "leaky_relu") return torch::nn::AnyModule(torch::nn::LeakyReLU());
  if (name == "elu") return torch::nn::AnyModule(torch::nn::ELU());
  if (name == "selu") return torch::nn::AnyModule(torch::nn::SELU());
  if (name == "gelu") return torch::nn::AnyModule(torch::nn::GELU());
  if (name == "silu") return torch::nn::AnyModule(torch::nn::SiLU());
  if (name == "tanh") return torch::nn::AnyModule(torch::nn::Tanh());
  if (name == "sigmoid") return torch::nn::AnyModule(torch::nn::Sigmoid());
  if (name == "linear") return torch::nn::AnyModule(torch::nn::Identity());
  throw Error("unknown --activation '" + name + "'; expected one of: " + join_choices(activation_names()));
}

}  // namespace

namespace {

// The spec as an error message repeats it: at most 40 characters, then "...".

}  // namespace

namespace {

std::int64_t outputs_of(const DataSplits& d) { return d.task == Task::regression ? d.num_outputs : d.num_classes; }

void check_ends(const std::string& spec, const std::vector<std::int64_t>& w, const DataSplits& d) {
  const std::int64_t in = std::accumulate(d.sample_shape.begin(), d.sample_shape.end(), std::int64_t{1}, std::multiplies<>());
  if (w.front() != in)
    throw Error("--model '" + excerpt(spec) + "' takes " + std::to_string(w.front()) + " inputs but --data '" + excerpt(d.name) + "' samples have " +
                std::to_string(in));
  if (w.back() != outputs_of(d))
    throw Error("--model '" + excerpt(spec) + "' has " + std::to_string(w.back()) + " outputs but --data '" + excerpt(d.name) + "' needs " +
                std::to_string(outputs_of(d)));
}

// Dropout whose masks come from a generator the run owns (set_dropout_generator): the same draws
// as torch::nn::Dropout from a generator seeded alike, without the process-wide generator.
class SeededDropoutImpl : public torch::nn::Cloneable<SeededDropoutImpl> {
 public:
  explicit SeededDropoutImpl(double p) : p_(p) {}
  void reset() override {}
  torch::Tensor forward(const torch::Tensor& x) {
    if (!is_training() || p_ == 0) return x;
    if (!generator_) throw Error("dropout has no generator: set_dropout_generator() before training");
    return x * at::empty_like(x).bernoulli_(1 - p_, *generator_) / (1 - p_);
  }
  void set_generator(const at::Generator& g) { generator_ = g; }
  void pretty_print(std::ostream& stream) const override { stream << "Dropout(p=" << p_ << ")"; }

 private:
  double p_;
  std::optional<at::Generator> generator_;
};
TORCH_MODULE(SeededDropout);

void add_hidden(torch::nn::Sequential& net, const std::string& suffix, std::int64_t width, const ModelOptions& o) {
  if (o.batchnorm) net->push_back("bn" + suffix, torch::nn::BatchNorm1d(width));
  net->push_back("act" + suffix, activation_module(o.activation));
  if (o.dropout > 0) net->push_back("drop" + suffix, SeededDropout(o.dropout));
}

torch::nn::Sequential mlp(const std::vector<std::int64_t>& w, const ModelOptions& o) {
  torch::nn::Sequential net;
  net->push_back("flatten", torch::nn::Flatten());
  for (std::size_t i = 0; i + 1 < w.size(); ++i) {
    const std::string k = std::to_string(i + 1);
    net->push_back("fc" + k, torch::nn::Linear(w[i], w[i + 1]));
    if (i + 2 < w.size()) add_hidden(net, k, w[i + 1], o);
  }
  return net;
}

// x + fc2(act(fc1(x))): the residual branch's last layer is fc2 (zero it with 'blocks.*.fc2.*=zeros').
struct ResidualBlockImpl : torch::nn::Module {
  ResidualBlockImpl(std::int64_t width, const std::string& activation)
      : fc1(register_module("fc1", torch::nn::Linear(width, width))),
        fc2(register_module("fc2", torch::nn::Linear(width, width))),
        act(activation_module(activation)) {}
  torch::Tensor forward(const torch::Tensor& x) { return x + fc2(act.forward(fc1(x))); }
  torch::nn::Linear fc1, fc2;
  torch::nn::AnyModule act;
};
TORCH_MODULE(ResidualBlock);

torch::nn::Sequential resmlp(const std::vector<std::int64_t>& w, const ModelOptions& o) {
  if (w.size() < 3) throw Error("a residual MLP needs input-width-output, e.g. resmlp:784-256x4-10");
  torch::nn::Sequential net;
  net->push_back("flatten", torch::nn::Flatten());
  net->push_back("fc_in", torch::nn::Linear(w[0], w[1]));
  net->push_back("act_in", activation_module(o.activation));
  for (std::size_t i = 1; i + 2 < w.size(); ++i) {
    if (w[i] != w[i + 1]) throw Error("residual blocks need equal widths, got " + std::to_string(w[i]) + " and " + std::to_string(w[i + 1]));
    net->push_back("block" + std::to_string(i), ResidualBlock(w[i], o.activation));
    net->push_back("act_block" + std::to_string(i), activation_module(o.activation));
  }
  net->push_back("fc_out", torch::nn::Linear(w[w.size() - 2], w.back()));
  return net;
}

torch::nn::Sequential seed_cnn(const DataSplits& d, const ModelOptions& o) {
  if (d.sample_shape.size() != 3)
    throw Error("--model cnn needs image data (channels x height x width); --data '" + excerpt(d.name) + "' has samples of rank " +
                std::to_string(d.sample_shape.size()));
  const std::int64_t c = d.sample_shape[0], h = d.sample_shape[1], w = d.sample_shape[2];
  // Keras-style 'valid' 3x3 convolutions and 2x2 max pooling, as in the seed notebook.
  const std::int64_t h2 = ((h - 2) / 2 - 2) / 2, w2 = ((w - 2) / 2 - 2) / 2;
  if (h2 < 1 || w2 < 1) throw Error("--model cnn needs images of at least 10x10");
  torch::nn::Sequential net;
  net->push_back("conv1", torch::nn::Conv2d(c, 32, 3));
  add_hidden(net, "_conv1", 32, ModelOptions{o.activation, false, 0.0});
  net->push_back("pool1", torch::nn::MaxPool2d(2));
  net->push_back("conv2", torch::nn::Conv2d(32, 64, 3));
  add_hidden(net, "_conv2", 64, ModelOptions{o.activation, false, 0.0});
  net->push_back("pool2", torch::nn::MaxPool2d(2));
  net->push_back("flatten", torch::nn::Flatten());
  net->push_back("fc1", torch::nn::Linear(64 * h2 * w2, 64));
  add_hidden(net, "1", 64, o);
  net->push_back("fc2", torch::nn::Linear(64, outputs_of(d)));
  return net;
}

// x + conv2(act(conv1(x))) with 3x3 'same' convolutions: the residual branch ends in conv2.
struct ResidualConvBlockImpl : torch::nn::Module {
  ResidualConvBlockImpl(std::int64_t channels, const std::string& activation)
      : conv1(register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 3).padding(1)))),
        conv2(register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 3).padding(1)))),
        act(activation_module(activation)) {}
  torch::Tensor forward(const torch::Tensor& x) { return x + conv2(act.forward(conv1(x))); }
  torch::nn::Conv2d conv1, conv2;
  torch::nn::AnyModule act;
};
TORCH_MODULE(ResidualConvBlock);

// rescnn:CxK: a 3x3 stem to C channels, K residual conv blocks, global average pooling, a dense
// classifier. Plain (no normalization), so initialization decides whether it trains.
torch::nn::Sequential rescnn(const ModelSpec& m, const DataSplits& d, const ModelOptions& o) {
  if (d.sample_shape.size() != 3)
    throw Error("--model '" + excerpt(m.text) + "' needs image data; --data '" + excerpt(d.name) + "' has samples of rank " + std::to_string(d.sample_shape.size()));
  const std::int64_t channels = m.channels, blocks = m.blocks;
  torch::nn::Sequential net;
  net->push_back("conv_in", torch::nn::Conv2d(torch::nn::Conv2dOptions(d.sample_shape[0], channels, 3).padding(1)));
  net->push_back("act_in", activation_module(o.activation));
  for (std::int64_t b = 1; b <= blocks; ++b) {
    net->push_back("block" + std::to_string(b), ResidualConvBlock(channels, o.activation));
    net->push_back("act_block" + std::to_string(b), activation_module(o.activation));
  }
  net->push_back("pool", torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions(1)));
  net->push_back("flatten", torch::nn::Flatten());
  net->push_back("fc_out", torch::nn::Linear(channels, outputs_of(d)));
  return net;
}

// A recurrent layer (batch first) that returns its output at the last time step, or at every
// step (all_steps: for data with a target per step, such as the copy task).
struct RecurrentLayerImpl : torch::nn::Module {
  RecurrentLayerImpl(const std::string& cell, std::int64_t in, std::int64_t hidden, bool all_steps) : cell_(cell), all_steps_(all_steps) {
    if (cell == "lstm") lstm = register_module("lstm", torch::nn::LSTM(torch::nn::LSTMOptions(in, hidden).batch_first(true)));
    else if (cell == "gru") gru = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(in, hidden).batch_first(true)));
    else if (cell == "relu") rnn = register_module("rnn", torch::nn::RNN(torch::nn::RNNOptions(in, hidden).batch_first(true).nonlinearity(torch::kReLU)));
    else rnn = register_module("rnn", torch::nn::RNN(torch::nn::RNNOptions(in, hidden).batch_first(true).nonlinearity(torch::kTanh)));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    torch::Tensor out;
    if (cell_ == "lstm" && fused_lstm_applies(x)) {
      const auto w = lstm->all_weights();  // weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0
      out = fused_lstm(x, w[0], w[1], w[2], w[3]);
    } else {
      out = cell_ == "lstm" ? std::get<0>(lstm(x)) : cell_ == "gru" ? std::get<0>(gru(x)) : std::get<0>(rnn(x));
    }
    return all_steps_ ? out : out.select(1, out.size(1) - 1);
  }
  std::string cell_;
  bool all_steps_ = false;
  torch::nn::LSTM lstm{nullptr};
  torch::nn::GRU gru{nullptr};
  torch::nn::RNN rnn{nullptr};
};
TORCH_MODULE(RecurrentLayer);

// rnn:lstm-128 on sequence data (N, steps, features): an LSTM of 128 units, a dense layer on its
// last state (on every step's state for data with a target per step). rnn:lstm-64-64 on token
// data: an embedding of 64 first.
torch::nn::Sequential rnn_classifier(const ModelSpec& m, const DataSplits& d) {
  const auto& widths = m.widths;
  torch::nn::Sequential net;
  if (d.sequence) {
    if (widths.size() != 1)
      throw Error("--model '" + excerpt(m.text) + "': --data '" + excerpt(d.name) + "' is a sequence of features, not tokens: no embedding; write rnn:" +
                  m.cell + "-" + std::to_string(widths.back()));
    net->push_back("recurrent", RecurrentLayer(m.cell, d.sample_shape[1], widths[0], d.per_step));
  } else if (d.vocabulary > 0) {
    if (widths.size() != 2)
      throw Error("--model '" + excerpt(m.text) + "': --data '" + excerpt(d.name) + "' holds token ids: write EMBEDDING-HIDDEN, e.g. rnn:" + m.cell +
                  "-64-" + std::to_string(widths.back()));
    net->push_back("embedding", torch::nn::Embedding(d.vocabulary, widths[0]));
    net->push_back("recurrent", RecurrentLayer(m.cell, widths[0], widths[1], d.per_step));
  } else {
    throw Error("--model '" + excerpt(m.text) + "' needs sequence data (fashion-mnist,sequence=rows, synthetic:adding,T=100) or token data "
                "(text:DIR); --data '" + excerpt(d.name) + "' is neither");
  }
  net->push_back("fc", torch::nn::Linear(widths.back(), outputs_of(d)));
  return net;
}

}  // namespace

torch::nn::AnyModule make_activation(const std::string& name) { return activation_module(name); }

ResidualBranch residual_branch(torch::nn::Module& module) {
  ResidualBranch b;
  if (auto* r = dynamic_cast<ResidualBlockImpl*>(&module)) {
    for (auto [name, layer] : {std::pair{"fc1", r->fc1}, std::pair{"fc2", r->fc2}})
      b.layers.push_back({name, layer->weight, layer->bias, [layer = layer](const torch::Tensor& x) mutable { return layer(x); }});
    b.activation = [r](const torch::Tensor& x) { return r->act.forward(x); };
  } else if (auto* c = dynamic_cast<ResidualConvBlockImpl*>(&module)) {
    for (auto [name, layer] : {std::pair{"conv1", c->conv1}, std::pair{"conv2", c->conv2}})
      b.layers.push_back({name, layer->weight, layer->bias, [layer = layer](const torch::Tensor& x) mutable { return layer(x); }});
    b.activation = [c](const torch::Tensor& x) { return c->act.forward(x); };
  }
  return b;
}

bool is_residual_block(const torch::nn::Module& module) {
  return dynamic_cast<const ResidualBlockImpl*>(&module) != nullptr || dynamic_cast<const ResidualConvBlockImpl*>(&module) != nullptr;
}

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = {"relu", "leaky_relu", "elu", "selu", "gelu", "silu", "tanh", "sigmoid", "linear"};
  return names;
}

torch::nn::Sequential build_model(const ModelSpec& spec, const DataSplits& data, const ModelOptions& options) {
  activation_module(options.activation);  // validates the name
  if (!(options.dropout >= 0.0 && options.dropout < 1.0))
    throw Error("--dropout " + number_text(options.dropout) + " is out of range; expected [0, 1)");
  if (spec.kind == ModelKind::file) {
    if (options.activation != ModelOptions{}.activation || options.batchnorm || options.dropout > 0 || options.param.kind != ParamKind::standard)
      throw Error("--model '" + excerpt(spec.text) + "' is trained as it was saved: --activation, --batchnorm, --dropout and --param "
                  "shape the lab's own models; drop them");
    return build_script_model(spec, data);
  }
  if (data.sequence && spec.kind != ModelKind::rnn)
    throw Error("--data '" + excerpt(data.name) + "' is sequence data (steps x features) for recurrent models; --model '" + excerpt(spec.text) +
                "' is not one: use rnn:lstm-128 (or tanh, relu, gru), or drop the data's sequence option");
  if (options.param.kind != ParamKind::standard) mup_width(spec);  // refuses models μP is not defined for
  switch (spec.kind) {
    case ModelKind::mlp:
    case ModelKind::resmlp:
      check_ends(spec.text, spec.widths, data);
      return spec.kind == ModelKind::mlp ? mlp(spec.widths, options) : resmlp(spec.widths, options);
    case ModelKind::cnn: return seed_cnn(data, options);
    case ModelKind::rnn: return rnn_classifier(spec, data);
    case ModelKind::rescnn: return rescnn(spec, data, options);
    case ModelKind::vit: {
      if (options.activation != ModelOptions{}.activation || options.batchnorm || options.dropout > 0)
        throw Error("--model '" + excerpt(spec.text) + "': a vit takes its MLP's activation in the spec (act=gelu), has LayerNorm and no "
                    "dropout; drop --activation, --batchnorm and --dropout");
      torch::nn::Sequential net = vision_transformer(spec, data);
      for (TransformerBlockImpl* b : transformer_blocks(*net))
        b->attn->logit_multiplier = attention_logit_multiplier(options.param, spec.vit.dim, spec.vit.heads);
      return net;
    }
    case ModelKind::toy:
      check_ends(spec.text, spec.widths, data);
      return mlp(spec.widths, options);
    case ModelKind::file: break;  // above
  }
  throw Error("--model '" + excerpt(spec.text) + "': unknown kind");
}

torch::nn::Sequential build_model(const std::string& spec, const DataSplits& data, const ModelOptions& options) {
  return build_model(parse_model_spec(spec), data, options);
}

void set_dropout_generator(torch::nn::Module& model, const at::Generator& generator) {
  for (const auto& m : model.modules(/*include_self=*/true))
    if (auto* d = dynamic_cast<SeededDropoutImpl*>(m.get())) d->set_generator(generator);
}

}  // namespace initlab::lab
