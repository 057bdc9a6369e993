#include "data/sequence.hpp"

#include <torch/torch.h>

#include "data/spec_options.hpp"
#include "initlab/error.hpp"

namespace initlab::lab {

void to_sequences(DataSplits& data, SequenceLayout layout) {
  if (layout == SequenceLayout::none) return;
  if (data.sample_shape.size() != 3)
    throw Error("--data '" + excerpt(data.name) + "': sequence=" + to_string(layout) + " needs images (channels x height x width); its samples have rank " +
                std::to_string(data.sample_shape.size()));
  const std::int64_t c = data.sample_shape[0], h = data.sample_shape[1], w = data.sample_shape[2];
  torch::Tensor order;
  if (layout == SequenceLayout::permuted) {
    auto gen = at::detail::createCPUGenerator(kPermutationSeed);
    order = torch::randperm(h * w, gen, torch::kInt64);
  }
  for (Dataset* d : {&data.train, &data.val, &data.test}) {
    if (!d->x.defined()) continue;
    const std::int64_t n = d->x.size(0);
    if (layout == SequenceLayout::rows) {
      d->x = d->x.permute({0, 2, 1, 3}).reshape({n, h, c * w}).contiguous();
    } else {
      d->x = d->x.permute({0, 2, 3, 1}).reshape({n, h * w, c});
      if (order.defined()) d->x = d->x.index_select(1, order);
      d->x = d->x.contiguous();
    }
  }
  data.sample_shape = layout == SequenceLayout::rows ? std::vector<std::int64_t>{h, c * w} : std::vector<std::int64_t>{h * w, c};
  data.sequence = true;
}

}  // namespace initlab::lab
