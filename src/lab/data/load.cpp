#include <torch/torch.h>

#include "data/data_spec.hpp"
#include "data/dataset.hpp"
#include "data/idx.hpp"
#include "data/readers.hpp"
#include "data/sequence.hpp"
#include "data/spec_options.hpp"
#include "data/text.hpp"
#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"
#include "initlab/number_text.hpp"

namespace initlab::lab {
namespace {

constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";  // Debian's dataset-fashion-mnist

Dataset take(const Dataset& d, const torch::Tensor& index) { return {d.x.index_select(0, index), d.y.index_select(0, index)}; }
Dataset head(const Dataset& d, std::int64_t n) { return {d.x.slice(0, 0, n), d.y.slice(0, 0, n)}; }

void check_normalize(const std::string& normalize) {
  for (const char* known : {"standard", "symmetric", "unit", "none"})
    if (normalize == known) return;
  throw Error("--normalize '" + excerpt(normalize) + "' is unknown; expected one of: standard, symmetric, unit, none");
}

}  // namespace

DataSplits load_data(const DataSpec& data, const DataOptions& options) {
  if (!(options.val_fraction >= 0.0 && options.val_fraction < 1.0))
    throw Error("--val " + number_text(options.val_fraction) + " is out of range; expected a fraction in [0, 1)");
  if (options.limit < 0)
    throw Error("--limit " + std::to_string(options.limit) + " is negative; expected a number of training samples >= 0 (0: all)");
  const std::string& spec = data.text;
  DataSplits s;
  bool bytes = false;  // pixel values 0..255
  switch (data.kind) {
    case DataKind::fashion_mnist: s = read_idx_dir(kFashionMnistDir, spec), bytes = true; break;
    case DataKind::idx: s = read_idx_dir(data.options.head(), spec), bytes = true; break;
    case DataKind::cifar10: s = read_cifar10_dir(data.options.head(), spec), bytes = true; break;
    case DataKind::csv: s = read_csv(data.options, spec); break;
    case DataKind::text: s = read_text_dir(data.options, spec); break;
    case DataKind::synthetic: s = make_synthetic(data.options, options.seed, spec); break;
  }
  // Shuffle the training set with the run's seed, then split off validation (and a test set
  // when the data has none).
  auto gen = at::detail::createCPUGenerator(options.seed);  // the data's own generator, not the process-wide one
  s.train = take(s.train, torch::randperm(s.train.size(), gen, torch::kInt64));
  if (!s.test.x.defined()) {
    const std::int64_t n_test = s.train.size() / 10;
    s.test = {s.train.x.slice(0, 0, n_test), s.train.y.slice(0, 0, n_test)};
    s.train = {s.train.x.slice(0, n_test), s.train.y.slice(0, n_test)};
  }
  if (options.limit > 0) {
    s.train = head(s.train, std::min(options.limit, s.train.size()));
    s.test = head(s.test, std::min(std::max<std::int64_t>(options.limit / 5, 1), s.test.size()));
  }
  const auto n_val = static_cast<std::int64_t>(options.val_fraction * static_cast<double>(s.train.size()));
  if (n_val > 0) {
    s.val = {s.train.x.slice(0, s.train.size() - n_val), s.train.y.slice(0, s.train.size() - n_val)};
    s.train = head(s.train, s.train.size() - n_val);
  }
  if (s.train.size() == 0) throw Error("--data '" + spec + "' leaves no training samples");
  // Normalize with statistics of the training split only (token ids are never normalized).
  if (s.vocabulary > 0) {
    check_normalize(options.normalize);
  } else if (options.normalize == "standard") {
    const auto mean = s.train.x.mean().item<float>();
    const auto stddev = std::max(s.train.x.std().item<float>(), 1e-12f);
    for (Dataset* d : {&s.train, &s.val, &s.test})
      if (d->x.defined()) d->x = (d->x - mean) / stddev;
  } else if (options.normalize == "unit") {
    if (bytes)
      for (Dataset* d : {&s.train, &s.val, &s.test})
        if (d->x.defined()) d->x = d->x / 255.0f;
  } else if (options.normalize == "symmetric") {
    if (!bytes)
      throw Error("--normalize symmetric scales pixel bytes to [-1, 1]; --data '" + spec +
                  "' is not image data (expected fashion-mnist, idx:, mnist: or cifar10:)");
    for (Dataset* d : {&s.train, &s.val, &s.test})
      if (d->x.defined()) d->x = (d->x / 255.0f - 0.5f) / 0.5f;
  } else {
    check_normalize(options.normalize);
  }
  for (Dataset* d : {&s.train, &s.val, &s.test})
    if (d->x.defined()) d->x = d->x.contiguous();
  to_sequences(s, data.sequence);
  return s;
}

DataSplits load_data(const std::string& spec, const DataOptions& options) { return load_data(parse_data_spec(spec), options); }

}  // namespace initlab::lab
