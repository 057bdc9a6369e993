// The options of a data spec, "KIND:HEAD,key=value,..." ("csv:train.csv,label=y", "synthetic:blobs,n=600"):
// one parser for every kind (initlab::KeyValues, as for init specs), which refuses items that are not key=value, repeated keys and keys the
// kind does not take (listing those it does), and reads values with their range in the error.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "initlab/key_values.hpp"

namespace initlab::lab {

class SpecOptions {
 public:
  // `spec` is the whole --data value (for messages); `text` the part after "KIND:"; `keys` the
  // options this kind takes (none: "HEAD" alone). Throws Error naming the spec and the bad item.
  SpecOptions(std::string_view spec, std::string_view text, std::vector<std::string> keys);

  const std::string& head() const { return head_; }  // the file, folder or synthetic set's name
  bool has(std::string_view key) const { return options_.has(key); }
  // The text of `key` (one of the kind's keys), or `fallback` when it is absent.
  std::string text(std::string_view key, std::string_view fallback = "") const { return options_.text(key, fallback); }
  // The value of `key` as a decimal integer in [min, max], or `fallback` when absent. Throws
  // Error "--data '...': option key='v' is invalid; expected an integer from min to max".
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) const {
    return options_.integer(key, fallback, min, max);
  }
  // The spec, cut to a short excerpt for messages.
  const std::string& spec() const { return spec_; }

 private:
  std::string spec_;
  std::string head_;
  KeyValues options_;  // initlab/key_values.hpp: the one key=value parser
};

// At most `max` characters of `text` (then "..."), for quoting user input in one-line errors.
std::string excerpt(std::string_view text, std::size_t max = 80);

}  // namespace initlab::lab
