// The lab's parsers that return LibTorch types, wrapped behind a torch-free interface: the one
// translation unit that includes LibTorch's headers (lab_calls.cpp) is compiled once, and every
// harness that calls it compiles in seconds. Each call also checks what the parser returned
// (shapes agree, labels below the class count, ...) and reports a finding when it does not.
// Errors propagate as they are (initlab::Error for bad input).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace initlab::fuzz {

// The parts of a lab::DataSplits a harness compares, without tensors.
struct DataShape {
  std::vector<std::int64_t> sample_shape;
  std::int64_t train = 0, val = 0, test = 0;  // samples
  std::int64_t num_classes = 0, num_outputs = 0, vocabulary = 0;
  bool regression = false;
};

struct LoadOptions {
  double val_fraction = 0.1;
  std::string normalize = "standard";
  std::uint64_t seed = 0;
  std::int64_t limit = 0;
};

// lab::load_data (the --data spec's dispatch).
DataShape load_data(const std::string& spec, const LoadOptions& options);
// lab::read_idx_pair and lab::read_idx_dir.
DataShape read_idx_pair(const std::filesystem::path& images, const std::filesystem::path& labels);
DataShape read_idx_dir(const std::filesystem::path& dir);
// lab::read_maybe_gzip, its size.
std::size_t read_maybe_gzip(const std::filesystem::path& path, std::uint64_t limit);
// lab::read_csv on "csv:TEXT" (TEXT: FILE,label=COL or FILE,target=COL).
DataShape read_csv(const std::string& spec, const std::string& text);
// lab::read_cifar10_dir.
DataShape read_cifar10_dir(const std::filesystem::path& dir);
// lab::read_text_dir on "text:TEXT" (TEXT: DIR[,vocab=N,len=L]).
DataShape read_text_dir(const std::string& spec, const std::string& text);
// lab::SpecOptions: the head and, for each of `keys` present, integer(key) in [min, max].
std::string spec_options(const std::string& spec, const std::string& text, const std::vector<std::string>& keys,
                         std::int64_t min, std::int64_t max);

// lab::mlp_widths / lab::parse_widths.
std::vector<std::int64_t> mlp_widths(const std::string& spec);
std::vector<std::int64_t> parse_widths(const std::string& spec, const std::string& text);
// The data a model is built for in the model harness: small, and no tensors.
struct FakeData {
  std::vector<std::int64_t> sample_shape;
  std::int64_t outputs = 10;
  bool regression = false;
  std::int64_t vocabulary = 0;  // > 0: token data
  bool sequence = false;        // sample_shape is {steps, features}: sequence data for rnn: models
};
struct BuiltModel {
  std::int64_t parameters = 0;
  std::int64_t children = 0;
};
// lab::build_model, then one forward pass on a batch of two samples (zeros; token id 1 for
// text), whose output must be (2, outputs).
BuiltModel build_model(const std::string& spec, const FakeData& data, const std::string& activation, bool batchnorm,
                       double dropout, bool forward);

// lab::parse_network_init: the scheme's name, or nullopt for a per-tensor spec.
std::optional<std::string> parse_network_init(const std::string& spec);
// lab::expand_sweep: the specs of a sweep "KEY=logspace(A,B,N)" (one when none).
std::vector<std::string> expand_sweep(const std::string& spec);

}  // namespace initlab::fuzz
