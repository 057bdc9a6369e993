// Text classification folders in the aclImdb layout: DIR/{train,test}/{pos,neg}/*.txt (or
// DIR/{pos,neg} with no test split). Lower-cased word tokens, a vocabulary of the most frequent
// training tokens (0 = padding, 1 = unknown), sequences cut or left-padded to a fixed length.
#pragma once
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "data/data_spec.hpp"  // kTextKeys
#include "data/spec_options.hpp"

namespace initlab::lab {

// text:DIR[,vocab=N,len=L]: vocab (default 10000 tokens, including padding and unknown; at most
// kMaxVocabulary), len (default 200 tokens; at most kMaxTextLength).
DataSplits read_text_dir(const SpecOptions& options, const std::string& name);
inline constexpr std::int64_t kMaxVocabulary = 10'000'000;
inline constexpr std::int64_t kMaxTextLength = 10'000;

}  // namespace initlab::lab
