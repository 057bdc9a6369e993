// Readers for the non-IDX formats: CIFAR-10 binary batches, CSV, synthetic sets.
#pragma once
#include <filesystem>
#include <string>

#include "data/dataset.hpp"
#include "data/data_spec.hpp"  // the options each kind takes (kCsvKeys, kSyntheticKeys)
#include "data/spec_options.hpp"

namespace initlab::lab {

// data_batch_1..5.bin and test_batch.bin: records of 1 label byte + 3072 pixel bytes (3x32x32).
DataSplits read_cifar10_dir(const std::filesystem::path& dir, const std::string& name);
// csv:FILE,label=COL or csv:FILE,target=COL: a CSV file with an optional header; `label`
// (classification, integer labels >= 0) or `target` (regression) names the column by header name or
// 0-based index. Every other column is a feature.
DataSplits read_csv(const SpecOptions& options, const std::string& name);
// synthetic:regression (5 features, linear + noise, like the seed notebook), spirals (2 classes),
// blobs (3 classes), adding (the adding problem: T steps of (value, marker), regression on the sum
// of the two marked values; option T, required), copy (the copy memory task: 10 symbols to recall
// after a delay of T steps, a class per step; option T, required); options: n (samples, at most
// kMaxSyntheticSamples).
DataSplits make_synthetic(const SpecOptions& options, std::uint64_t seed, const std::string& name);
inline constexpr std::int64_t kMaxSyntheticSamples = 10'000'000;  // 10^7 x 5 features: 200 MB of float32
inline constexpr std::int64_t kMinAddingSteps = 2;                // one marked value in each half
inline constexpr std::int64_t kMaxSequenceSteps = 100'000;
inline constexpr std::int64_t kMaxSyntheticSteps = 50'000'000;    // n x T of a sequence task: 400 MB of (value, marker)
inline constexpr std::int64_t kCopySymbols = 10;                  // the copy task: symbols to recall
inline constexpr std::int64_t kCopyBlank = 8, kCopyDelimiter = 9, kCopyCategories = 10;  // symbols 0-7
inline constexpr std::int64_t kMinCopyDelay = 1;
inline constexpr std::int64_t kMaxCopySteps = 10'000'000;         // n x (T + 20): 400 MB of one-hot float32 input

}  // namespace initlab::lab
