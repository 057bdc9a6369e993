#include "data/spec_options.hpp"

#include "initlab/error.hpp"

namespace initlab::lab {

std::string excerpt(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)) + "...";
}

SpecOptions::SpecOptions(std::string_view spec, std::string_view text, std::vector<std::string> keys)
    : spec_(excerpt(spec)),
      head_(text.substr(0, text.find(','))),
      options_(text.find(',') == std::string_view::npos ? std::string_view() : text.substr(text.find(',') + 1),
               {"--data '" + spec_ + "'", "option", "", std::move(keys), {}}) {
  // "blobs," leaves the option list empty: the comma is refused here.
  if (!text.empty() && text.back() == ',') throw Error("--data '" + spec_ + "' ends with a comma; expected key=value after it");
}

}  // namespace initlab::lab
