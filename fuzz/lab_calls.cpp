// The one translation unit of the harnesses that includes LibTorch (lab_calls.hpp says why).
#include "lab_calls.hpp"

#include <torch/torch.h>

#include <numeric>

#include "data/dataset.hpp"
#include "data/idx.hpp"
#include "data/readers.hpp"
#include "data/spec_options.hpp"
#include "data/text.hpp"
#include "experiments/propagate.hpp"
#include "fuzz_common.hpp"
#include "models/models.hpp"
#include "netinit/network_init.hpp"

namespace initlab::fuzz {
namespace {

std::string sizes_text(const torch::Tensor& t) {
  std::string out = "(";
  for (const auto s : t.sizes()) out += std::to_string(s) + ",";
  return out + ")";
}

// Checks what a reader returned: x and y agree in samples, every sample has sample_shape,
// classification labels are in [0, num_classes), token ids below the vocabulary, nothing NaN.
void check_split(const lab::DataSplits& s, const lab::Dataset& d, const char* which) {
  if (!d.x.defined() && !d.y.defined()) return;
  const auto fail = [&](const std::string& what) { finding(std::string("data '") + s.name + "', " + which + ": " + what); };
  if (!d.x.defined() || !d.y.defined()) fail("x or y undefined");
  if (d.x.size(0) != d.y.size(0)) fail("x " + sizes_text(d.x) + " and y " + sizes_text(d.y) + " differ in samples");
  const auto shape = d.x.sizes().slice(1);
  if (std::vector<std::int64_t>(shape.begin(), shape.end()) != s.sample_shape)
    fail("x " + sizes_text(d.x) + " does not match sample_shape");
  if (d.x.numel() > 0 && d.x.is_floating_point() && !torch::isfinite(d.x).all().item<bool>()) fail("x holds a non-finite value");
  if (s.task == lab::Task::classification && d.y.numel() > 0) {
    if (d.y.scalar_type() != torch::kInt64) fail("labels are not int64");
    if (d.y.min().item<std::int64_t>() < 0 || d.y.max().item<std::int64_t>() >= s.num_classes)
      fail("a label is outside [0, " + std::to_string(s.num_classes) + ")");
  }
  if (s.vocabulary > 0 && d.x.numel() > 0 &&
      (d.x.min().item<std::int64_t>() < 0 || d.x.max().item<std::int64_t>() >= s.vocabulary))
    fail("a token id is outside [0, vocabulary)");
}

DataShape shape_of(const lab::DataSplits& s) {
  check_split(s, s.train, "train");
  check_split(s, s.val, "val");
  check_split(s, s.test, "test");
  DataShape out;
  out.sample_shape = s.sample_shape;
  out.train = s.train.size();
  out.val = s.val.size();
  out.test = s.test.size();
  out.num_classes = s.num_classes;
  out.num_outputs = s.num_outputs;
  out.vocabulary = s.vocabulary;
  out.regression = s.task == lab::Task::regression;
  return out;
}

}  // namespace

DataShape load_data(const std::string& spec, const LoadOptions& options) {
  lab::DataOptions o;
  o.val_fraction = options.val_fraction;
  o.normalize = options.normalize;
  o.seed = options.seed;
  o.limit = options.limit;
  return shape_of(lab::load_data(spec, o));
}

DataShape read_idx_pair(const std::filesystem::path& images, const std::filesystem::path& labels) {
  lab::DataSplits s;
  s.name = "idx pair";
  s.train = lab::read_idx_pair(images, labels);
  s.sample_shape.assign(s.train.x.sizes().begin() + 1, s.train.x.sizes().end());
  s.num_classes = 256;  // labels are bytes
  return shape_of(s);
}

DataShape read_idx_dir(const std::filesystem::path& dir) { return shape_of(lab::read_idx_dir(dir, "idx:" + dir.string())); }

std::size_t read_maybe_gzip(const std::filesystem::path& path, std::uint64_t limit) { return lab::read_maybe_gzip(path, limit).size(); }

DataShape read_csv(const std::string& spec, const std::string& text) {
  return shape_of(lab::read_csv(lab::SpecOptions(spec, text, lab::kCsvKeys), spec));
}

DataShape read_cifar10_dir(const std::filesystem::path& dir) { return shape_of(lab::read_cifar10_dir(dir, "cifar10:" + dir.string())); }

DataShape read_text_dir(const std::string& spec, const std::string& text) {
  return shape_of(lab::read_text_dir(lab::SpecOptions(spec, text, lab::kTextKeys), spec));
}

std::string spec_options(const std::string& spec, const std::string& text, const std::vector<std::string>& keys, std::int64_t min,
                         std::int64_t max) {
  const lab::SpecOptions o(spec, text, keys);
  for (const auto& k : keys)
    if (o.has(k)) {
      const auto v = o.integer(k, 0, min, max);
      if (v < min || v > max) finding("SpecOptions::integer returned " + std::to_string(v) + " outside its range");
    }
  return o.head();
}

std::vector<std::int64_t> mlp_widths(const std::string& spec) { return lab::mlp_widths(spec); }
std::vector<std::int64_t> parse_widths(const std::string& spec, const std::string& text) { return lab::parse_widths(spec, text); }

BuiltModel build_model(const std::string& spec, const FakeData& data, const std::string& activation, bool batchnorm, double dropout,
                       bool forward) {
  lab::DataSplits d;
  d.name = "fuzz";
  d.sample_shape = data.sample_shape;
  d.task = data.regression ? lab::Task::regression : lab::Task::classification;
  (data.regression ? d.num_outputs : d.num_classes) = data.outputs;
  d.vocabulary = data.vocabulary;
  d.sequence = data.sequence;
  lab::ModelOptions o;
  o.activation = activation;
  o.batchnorm = batchnorm;
  o.dropout = dropout;
  torch::NoGradGuard no_grad;
  auto net = lab::build_model(spec, d, o);
  BuiltModel out;
  for (const auto& p : net->parameters()) out.parameters += p.numel();
  out.children = static_cast<std::int64_t>(net->size());
  if (forward) {
    net->eval();
    std::vector<std::int64_t> batch{2};
    batch.insert(batch.end(), data.sample_shape.begin(), data.sample_shape.end());
    const auto x = data.vocabulary > 0 ? torch::ones(batch, torch::kInt64) : torch::zeros(batch);
    torch::Tensor y;
    try {
      y = net->forward(x);
    } catch (const c10::Error& e) {
      finding("model '" + spec + "' was built but its forward pass fails: " + std::string(e.what_without_backtrace()));
    }
    if (y.dim() != 2 || y.size(0) != 2 || y.size(1) != data.outputs)
      finding("model '" + spec + "' gives output " + sizes_text(y) + ", expected (2," + std::to_string(data.outputs) + ")");
  }
  return out;
}

std::optional<std::string> parse_network_init(const std::string& spec) {
  const auto n = lab::parse_network_init(spec);
  if (!n) return std::nullopt;
  return n->scheme;
}

std::vector<std::string> expand_sweep(const std::string& spec) {
  std::vector<std::string> out;
  for (const auto& p : lab::expand_sweep(spec)) out.push_back(p.spec);
  return out;
}

}  // namespace initlab::fuzz
