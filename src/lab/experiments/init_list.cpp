#include "experiments/init_list.hpp"

#include "initlab/error.hpp"

namespace initlab::lab {

std::vector<std::string> split_init_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find_first_of(",;", pos);
    if (end == std::string::npos) end = text.size();
    const std::string token = text.substr(pos, end - pos);
    const bool key_value = token.find('=') != std::string::npos && token.find(':') == std::string::npos;
    const bool after_comma = pos > 0 && text[pos - 1] == ',';
    if (key_value && after_comma && !out.empty()) out.back() += "," + token;
    else if (!token.empty()) out.push_back(token);
    pos = end + 1;
  }
  if (out.empty()) throw Error("--inits is empty; expected a list like zeros,xavier_uniform,he_normal");
  return out;
}

}  // namespace initlab::lab
