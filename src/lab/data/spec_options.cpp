#include "data/spec_options.hpp"

#include <algorithm>
#include <charconv>

#include "initlab/error.hpp"

namespace initlab::lab {

std::string excerpt(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)) + "...";
}

SpecOptions::SpecOptions(std::string_view spec, std::string_view text, std::vector<std::string> keys)
    : spec_(excerpt(spec)) {
  const auto comma = text.find(',');
  head_ = std::string(text.substr(0, comma));
  std::string_view rest = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  const auto takes = [&] {
    if (keys.empty()) return std::string("it takes no options");
    std::string list;
    for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
    return "expected one of: " + list;
  };
  if (!text.empty() && text.back() == ',') throw Error("--data '" + spec_ + "' ends with a comma; expected key=value after it");
  while (!rest.empty()) {
    const auto next = rest.find(',');
    const std::string_view item = rest.substr(0, next);
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0)
      throw Error("--data '" + spec_ + "': option '" + excerpt(item, 40) + "' is not key=value; " + takes());
    const std::string key(item.substr(0, eq));
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      throw Error("--data '" + spec_ + "': unknown option '" + excerpt(key, 40) + "'; " + takes());
    if (!values_.emplace(key, std::string(item.substr(eq + 1))).second)
      throw Error("--data '" + spec_ + "': option '" + key + "' is given twice");
  }
}

std::string SpecOptions::text(std::string_view key, std::string_view fallback) const {
  const auto it = values_.find(key);
  return it == values_.end() ? std::string(fallback) : it->second;
}

std::int64_t SpecOptions::integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) const {
  const auto it = values_.find(key);
  if (it == values_.end()) return fallback;
  const std::string& t = it->second;
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || v < min || v > max)
    throw Error("--data '" + spec_ + "': " + std::string(key) + "='" + excerpt(t, 40) + "' is invalid; expected an integer from " +
                std::to_string(min) + " to " + std::to_string(max));
  return v;
}

}  // namespace initlab::lab
