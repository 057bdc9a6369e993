#include "option_checks.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

#include "initlab/byte_size.hpp"
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

CLI::Validator sample_limit() {
  return CLI::Validator(
      [](std::string& text) { return text.starts_with('-') ? "'" + text + "' is negative; expected a number of training samples >= 0 (0: all)" : std::string(); },
      "N");
}

CLI::Validator byte_size() {
  return CLI::Validator(
      [](std::string& text) {
        try {
          text = std::to_string(parse_byte_size(text, ""));
          return std::string();
        } catch (const Error& e) {
          return std::string(e.what());
        }
      },
      "SIZE");
}

}  // namespace initlab::cli
