#include "train/error_line.hpp"

#include <c10/util/Exception.h>

#include <new>

#include "initlab/error.hpp"

namespace initlab::lab {

std::string error_line(const std::exception& e) {
  const auto* c10 = dynamic_cast<const c10::Error*>(&e);
  return error_line(std::string(c10 ? c10->what_without_backtrace() : e.what()));
}

std::string error_line(std::string what) {
  if (const auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
  return what.size() <= 300 ? what : what.substr(0, 300) + "...";
}

std::string root_error_line(const std::exception& e) {
  const auto* c10 = dynamic_cast<const c10::Error*>(&e);
  std::string what = c10 ? c10->what_without_backtrace() : e.what();
  while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
  if (const auto nl = what.rfind('\n'); nl != std::string::npos && what.find("Traceback of TorchScript") != std::string::npos)
    what = what.substr(nl + 1);
  return error_line(what);
}

void rethrow_one_line(const std::string& command, const std::string& oom_hint) {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Error(command + ": LibTorch: " + root_error_line(e));
  } catch (const std::bad_alloc&) {
    throw Error(command + ": out of memory (the estimate was under the limit, but the machine had less free): " + oom_hint);
  } catch (const std::exception& e) {
    const bool script = std::string(e.what()).find("Traceback of TorchScript") != std::string::npos;
    throw Error(command + (script ? ": LibTorch: " : ": ") + root_error_line(e));
  }
}

}  // namespace initlab::lab
