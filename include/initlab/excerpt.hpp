// How an error message repeats a user's value: at most kQuotedChars characters, then "...", so a
// 50 KB spec or path is never echoed back whole.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace initlab {

inline constexpr std::size_t kQuotedChars = 40;

inline std::string excerpt(std::string_view s) {
  return s.size() <= kQuotedChars ? std::string(s) : std::string(s.substr(0, kQuotedChars)) + "...";
}

}  // namespace initlab
