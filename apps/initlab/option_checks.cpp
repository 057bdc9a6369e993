#include "option_checks.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

#include "initlab/error.hpp"
#include "initlab/spec.hpp"

namespace initlab::cli {

CLI::Validator seed_value() {
  return CLI::Validator(
      [](std::string& text) {
        try {
          text = std::to_string(parse_seed(text));
          return std::string();
        } catch (const Error& e) {
          return std::string(e.what());
        }
      },
      "SEED");
}

CLI::Validator gigabytes() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (text.empty() || *end != '\0' || !std::isfinite(v) || !(v > 0))
          return "'" + text.substr(0, 40) + "' is invalid; expected a number of GB > 0 (e.g. 8 or 0.5)";
        return "";
      },
      "GB");
}

}  // namespace initlab::cli
