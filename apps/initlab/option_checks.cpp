#include "option_checks.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
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

CLI::Validator int64_text() {
  return CLI::Validator(
      [](std::string& text) {
        std::int64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec == std::errc::result_out_of_range)
          return "'" + text.substr(0, 40) + (text.size() > 40 ? "...'" : "'") + " is out of range; expected an integer from -2^63 to 2^63 - 1 (9223372036854775807)";
        return std::string();  // not a number at all: CLI11's own message
      },
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
