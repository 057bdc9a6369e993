// The data-spec grammar, parsed once into a typed value (torch-free): the kind, its file or
// folder, and its options (one key=value parser, data/spec_options.hpp). load_data (dataset.hpp)
// reads a parsed spec; run specs carry one.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "data/spec_options.hpp"

namespace initlab::lab {

enum class DataKind {
  fashion_mnist,  // "fashion-mnist": Debian's dataset-fashion-mnist
  idx,            // "mnist:DIR", "idx:DIR", "fashion-mnist:DIR": IDX files
  cifar10,        // "cifar10:DIR"
  csv,            // "csv:FILE,label=COL" | "csv:FILE,target=COL"
  text,           // "text:DIR[,vocab=N,len=L]"
  synthetic,      // "synthetic:regression|spirals|blobs[,n=N]", "synthetic:adding|copy,T=STEPS[,n=N]"
};

// Images read as sequences for recurrent models (data/sequence.hpp): none (images stay images),
// rows (H steps of C x W features), pixels (H x W steps of C features), permuted (pixels in a fixed
// random order, the same for every run: permuted sequential MNIST).
enum class SequenceLayout { none, rows, pixels, permuted };
const char* to_string(SequenceLayout layout);

// The options each kind takes.
inline const std::vector<std::string> kCsvKeys = {"label", "target"};
inline const std::vector<std::string> kTextKeys = {"vocab", "len"};
inline const std::vector<std::string> kImageKeys = {"sequence"};      // fashion-mnist, idx, cifar10
inline const std::vector<std::string> kSyntheticKeys = {"n", "T"};    // T: the adding problem's steps, the copy task's delay

struct DataSpec {
  std::string text;     // as written: the experiment's identity and every message
  DataKind kind = DataKind::fashion_mnist;
  SpecOptions options{"", "", {}};  // head(): the file, folder or synthetic set; the kind's options, checked
  SequenceLayout sequence = SequenceLayout::none;  // images only: read as sequences
};

// Throws Error "unknown --data '...'; expected one of: ..." or the options' error.
DataSpec parse_data_spec(std::string_view text);

}  // namespace initlab::lab
