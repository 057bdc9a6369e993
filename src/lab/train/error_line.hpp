// An exception as one line for a message: the first line of what() (for LibTorch's c10::Error,
// of what_without_backtrace(), never its stack frames), at most 300 characters.
#pragma once
#include <exception>
#include <string>

namespace initlab::lab {

std::string error_line(const std::exception& e);
std::string error_line(std::string what);  // the same for a message already in hand

}  // namespace initlab::lab
