#include "train/error_line.hpp"

#include <c10/util/Exception.h>

namespace initlab::lab {

std::string error_line(const std::exception& e) {
  const auto* c10 = dynamic_cast<const c10::Error*>(&e);
  return error_line(std::string(c10 ? c10->what_without_backtrace() : e.what()));
}

std::string error_line(std::string what) {
  if (const auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
  return what.size() <= 300 ? what : what.substr(0, 300) + "...";
}

}  // namespace initlab::lab
