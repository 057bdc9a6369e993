// Images as sequences for recurrent models, the benchmarks of recurrent-init papers: sequential
// (Fashion-)MNIST by rows or by pixels, and permuted sequential MNIST (Le, Jaitly & Hinton 2015).
#pragma once
#include <cstdint>

#include "data/data_spec.hpp"
#include "data/dataset.hpp"

namespace initlab::lab {

// The seed of the fixed pixel permutation of SequenceLayout::permuted: the order is
// torch.randperm(H * W, generator=torch.Generator().manual_seed(kPermutationSeed)), the same for
// every run, data seed and machine.
inline constexpr std::uint64_t kPermutationSeed = 0;

// Reshapes every split of image data (N, C, H, W) in place: rows -> (N, H, C * W) (a row's
// channels side by side), pixels -> (N, H * W, C), permuted -> pixels in the fixed permutation;
// sets sample_shape {steps, features} and sequence. Throws Error naming the data when its samples
// are not images. SequenceLayout::none leaves the data as it is.
void to_sequences(DataSplits& data, SequenceLayout layout);

}  // namespace initlab::lab
