#include "experiments/system_info.hpp"

#include <sqlite3.h>
#include <sys/utsname.h>
#include <torch/version.h>

#include <fstream>
#include <thread>

namespace initlab::lab {

std::string machine_text() {
  utsname u{};
  std::string text = ::uname(&u) == 0 ? std::string(u.sysname) + " " + u.release + " " + u.machine : "unknown system";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
      text += ", " + line.substr(line.find(':') + 2);
      break;
    }
  return text + ", " + std::to_string(std::thread::hardware_concurrency()) + " hardware threads";
}

std::string versions_text() {
  return std::string("initlab 0.1.0; libtorch ") + TORCH_VERSION + "; sqlite " + sqlite3_libversion() + "; " + machine_text();
}

}  // namespace initlab::lab
