#include "initlab/key_values.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "initlab/error.hpp"

namespace initlab {
namespace {

constexpr std::size_t kQuoted = 40;

std::string quoted(std::string_view text) {
  return "'" + std::string(text.substr(0, kQuoted)) + (text.size() > kQuoted ? "...'" : "'");
}

double parse_plain(std::string_view text, bool& ok) {
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  ok = !text.empty() && ec == std::errc() && ptr == text.data() + text.size();
  return value;
}

}  // namespace

double read_number(std::string_view label, std::string_view text) {
  bool ok = false;
  double value = 0.0;
  if (text.starts_with("sqrt(") && text.ends_with(")")) {
    value = std::sqrt(parse_plain(text.substr(5, text.size() - 6), ok));
  } else if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    bool ok2 = false;
    value = parse_plain(text.substr(0, slash), ok) / parse_plain(text.substr(slash + 1), ok2);
    ok = ok && ok2;
  } else {
    value = parse_plain(text, ok);
  }
  if (!ok || !std::isfinite(value))
    throw Error(std::string(label) + "=" + quoted(text) + " is not a number; expected e.g. 0.01, -2, 1e-3, 1/3 or sqrt(5)");
  return value;
}

std::int64_t read_integer(std::string_view label, std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  const bool any = min == std::numeric_limits<std::int64_t>::min() && max == std::numeric_limits<std::int64_t>::max();
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || v < min || v > max) {
    if (any) throw Error(std::string(label) + "=" + quoted(text) + " is not an integer");
    throw Error(std::string(label) + "=" + quoted(text) + " is invalid; expected an integer from " + std::to_string(min) + " to " +
                std::to_string(max));
  }
  return v;
}

bool read_bool(std::string_view label, std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  throw Error(std::string(label) + "=" + quoted(text) + " is invalid; expected true or false");
}

KeyValues::KeyValues(std::string_view items, KeyValueRules rules) : rules_(std::move(rules)) {
  const auto takes = [&] {
    if (rules_.keys.empty()) return "it takes no " + rules_.noun + "s";
    return "expected one of: " + join_choices(rules_.keys);
  };
  const std::string owner = rules_.owner.empty() ? "" : " for " + rules_.owner;
  if (!items.empty() && items.back() == ',')
    throw Error(rules_.context + " ends with a comma; expected key=value after it");
  while (!items.empty()) {
    const auto comma = items.find(',');
    const std::string_view item = items.substr(0, comma);
    items = comma == std::string_view::npos ? std::string_view() : items.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      if (std::find(rules_.words.begin(), rules_.words.end(), item) != rules_.words.end() &&
          std::find(words_.begin(), words_.end(), item) == words_.end()) {
        words_.emplace_back(item);
        continue;
      }
      throw Error(rules_.context + ": " + rules_.noun + " " + quoted(item) + " is not key=value; " + takes());
    }
    const std::string key(item.substr(0, eq));
    if (std::find(rules_.keys.begin(), rules_.keys.end(), key) == rules_.keys.end())
      throw Error(rules_.context + ": unknown " + rules_.noun + " " + quoted(key) + owner + "; " + takes());
    if (!values_.emplace(key, std::string(item.substr(eq + 1))).second)
      throw Error(rules_.context + ": " + rules_.noun + " '" + key + "' is given twice");
  }
}

std::string KeyValues::label(std::string_view key) const { return rules_.context + ": " + rules_.noun + " " + std::string(key); }

std::string KeyValues::text(std::string_view key, std::string_view fallback) const {
  const auto it = values_.find(key);
  return it == values_.end() ? std::string(fallback) : it->second;
}

double KeyValues::number(std::string_view key, double fallback) const {
  const auto it = values_.find(key);
  return it == values_.end() ? fallback : read_number(label(key), it->second);
}

std::int64_t KeyValues::integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) const {
  const auto it = values_.find(key);
  return it == values_.end() ? fallback : read_integer(label(key), it->second, min, max);
}

}  // namespace initlab
