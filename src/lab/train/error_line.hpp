// An exception as one line for a message: the first line of what() (for LibTorch's c10::Error,
// of what_without_backtrace(), never its stack frames), at most 300 characters.
#pragma once
#include <exception>
#include <string>

namespace initlab::lab {

std::string error_line(const std::exception& e);
std::string error_line(std::string what);  // the same for a message already in hand
// Like error_line, but a TorchScript interpreter error (two tracebacks, then the error) gives its
// last line, the error itself.
std::string root_error_line(const std::exception& e);

// For a catch (...) block: rethrows the exception in flight as one initlab::Error line that
// starts with `command` (e.g. "propagate"): an initlab::Error as it is; LibTorch's error as
// "COMMAND: LibTorch: <its first line>"; a TorchScript interpreter error (two tracebacks, then the
// error) as its last line; std::bad_alloc as "COMMAND: out of memory (...): <oom_hint>".
[[noreturn]] void rethrow_one_line(const std::string& command, const std::string& oom_hint);

}  // namespace initlab::lab
