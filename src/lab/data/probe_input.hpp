// Synthetic inputs for probing a model without a dataset: `gaussian:SHAPE` (samples of N(0, 1),
// e.g. gaussian:3x32x32) and `tokens:VOCABxLEN` (token ids uniform over the vocabulary, for models
// that start with an Embedding). Used by propagate and by init's data-dependent schemes.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace initlab::lab {

struct ProbeInput {
  std::vector<std::int64_t> shape;  // one sample's
  std::int64_t vocabulary = 0;      // > 0: token ids in [0, vocabulary)
};

// nullopt when `text` is neither gaussian:... nor tokens:...; throws Error naming `flag` and the
// expected form when it is one of them, malformed.
std::optional<ProbeInput> parse_probe_input(const std::string& text, const std::string& flag = "--input");

// `n` samples, drawn from torch's CPU generator seeded with `seed`: float32 N(0, 1), or int64 ids.
torch::Tensor make_probe_input(const ProbeInput& input, std::int64_t n, std::uint64_t seed);

// The samples a model is probed with, from one spec: gaussian:SHAPE / tokens:VOCABxLEN (drawn as
// above), or data:SPEC: its first `n` training samples after the data's shuffle by `seed` and
// the default validation split, normalized as a run's are (float32; token ids stay ids; fewer
// when the data has fewer). Throws Error
// naming `flag` for any other spec.
torch::Tensor probe_samples(const std::string& text, std::int64_t n, std::uint64_t seed, const std::string& flag = "--input");

}  // namespace initlab::lab
