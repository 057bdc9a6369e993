#include "store/json_text.hpp"

#include <nlohmann/json.hpp>

#include "data/spec_options.hpp"
#include "initlab/error.hpp"

namespace initlab::lab {

void require_utf8(std::string_view flag, const std::string& value) {
  try {
    (void)nlohmann::json(value).dump();  // the JSON library's own UTF-8 check
  } catch (const nlohmann::json::type_error& e) {
    std::string shown;
    for (const unsigned char ch : excerpt(value, 40)) shown += ch < 0x80 && ch >= 0x20 ? static_cast<char>(ch) : '?';
    std::string where = e.what();
    where = where.substr(where.find(']') + 2);  // "invalid UTF-8 byte at index 5: 0xFF"
    throw Error(std::string(flag) + " '" + shown + "' is not UTF-8 text (" + where +
                "); initlab stores it in the results database as JSON: rename the file or folder, or use a UTF-8 name");
  }
}

}  // namespace initlab::lab
