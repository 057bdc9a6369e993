// Text that goes into the results database's JSON (run specs, configs) must be UTF-8: a path or
// spec with other bytes (a Latin-1 file name) would make the JSON library fail after the runs
// trained. Checked where the text enters, with one line naming the flag.
#pragma once
#include <string>
#include <string_view>

namespace initlab::lab {

// Throws Error "FLAG 'excerpt' is not UTF-8 text (byte 0xFF at 5); initlab stores it as JSON: rename ..."
void require_utf8(std::string_view flag, const std::string& value);

}  // namespace initlab::lab
