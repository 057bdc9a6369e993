// Datasets for the lab: tensors in memory with train / validation / test splits.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace initlab::lab {

struct Dataset {
  torch::Tensor x;  // float32 (N, *sample_shape); int64 token ids (N, length) for text
  torch::Tensor y;  // int64 (N) class labels, int64 (N, steps) per step (DataSplits::per_step), or float32 (N, outputs) regression targets
  std::int64_t size() const { return x.defined() ? x.size(0) : 0; }
};

enum class Task { classification, regression };

struct DataSplits {
  std::string name;                         // the spec it came from
  Task task = Task::classification;
  std::int64_t num_classes = 0;             // classification only
  std::int64_t num_outputs = 0;             // regression only
  std::vector<std::int64_t> sample_shape;   // e.g. {1, 28, 28}
  Dataset train, val, test;
  std::int64_t vocabulary = 0;              // text data: token ids are < vocabulary
  bool sequence = false;                    // x is float32 (N, steps, features): sample_shape {steps, features}
  bool per_step = false;                    // y is int64 (N, steps): a class per step; the model outputs (N, steps, classes)
  std::int64_t blank_class = -1;            // per_step: steps whose target is this class count in the loss, not in the accuracy
};

// The number of steps of sequence data (or tokens of text data); 0 for other data.
inline std::int64_t sequence_length(const DataSplits& d) {
  return (d.sequence || d.vocabulary > 0) && !d.sample_shape.empty() ? d.sample_shape[0] : 0;
}

struct DataOptions {
  double val_fraction = 0.1;         // of the training set
  // standard (train mean/std) | symmetric ((x / 255 - 0.5) / 0.5 for bytes: torchvision's ToTensor +
  // Normalize((0.5,), (0.5,)), as seed notebook 002) | unit (x / 255 for bytes) | none
  std::string normalize = "standard";
  std::uint64_t seed = 0;            // the split and synthetic data depend on it
  std::int64_t limit = 0;            // > 0: keep only the first `limit` training samples (and limit/5 test); < 0 is an error
};

// "fashion-mnist" (Debian's dataset-fashion-mnist), "mnist:DIR", "idx:DIR", "cifar10:DIR",
// "csv:FILE,label=COL", "csv:FILE,target=COL", "text:DIR[,vocab=N,len=L]",
// "synthetic:regression|spirals|blobs[,n=N]", "synthetic:adding|copy,T=STEPS[,n=N]"; image data takes
// ",sequence=rows|pixels|permuted" (data/sequence.hpp). Options are parsed by one parser (data/spec_options.hpp):
// a key the kind does not take is an error listing the ones it does. Throws Error naming the file
// and what is wrong with it.
DataSplits load_data(const std::string& spec, const DataOptions& options);
// The same for a spec parsed already (data/data_spec.hpp).
struct DataSpec;
DataSplits load_data(const DataSpec& spec, const DataOptions& options);

}  // namespace initlab::lab
