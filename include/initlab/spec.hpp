// Spec strings, the only place strings become initializers: "name" or "name:key=value,...",
// e.g. "kaiming_normal:mode=fan_out,nonlinearity=leaky_relu,a=0.2" or "normal:std=0.01".
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include "initlab/initializer.hpp"

namespace initlab {

// Throws Error naming the unknown name/parameter or bad value and listing the valid choices.
Initializer parse_spec(std::string_view spec);
// The canonical spec of an initializer: every parameter written out, parses back to itself.
std::string format_spec(const Initializer& init);

// A seed as typed: decimal digits, 0 .. 2^64 - 1. (strtoull, behind CLI11, reads "-1" and
// "18446744073709551616" both as 2^64 - 1, and "010" as 8.) Throws Error quoting the text and the range.
std::uint64_t parse_seed(std::string_view text);

}  // namespace initlab
