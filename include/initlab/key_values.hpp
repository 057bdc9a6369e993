// The one parser of "key=value,key=value" lists in specs (an initializer's parameters, a network
// scheme's, a data spec's options) and the one set of rules for reading their values (also used
// for a sweep file's settings): refused items are named with a short excerpt, never echoed whole.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace initlab {

// Each throws Error "<label>='<text>' is not ..." (the text cut to 40 characters).
// 0.01, -2, 1e-3, 1/3, sqrt(5); finite.
double read_number(std::string_view label, std::string_view text);
// A decimal integer in [min, max] (the whole int64 range: "is not an integer").
std::int64_t read_integer(std::string_view label, std::string_view text, std::int64_t min, std::int64_t max);
// true | false.
bool read_bool(std::string_view label, std::string_view text);

// How a list is checked and how its errors read: "<context>: unknown <noun> 'k' [for <owner>];
// expected one of: <keys>" (or "... takes no <noun>s").
struct KeyValueRules {
  std::string context;             // "spec 'normal:sd=1'", "--data 'csv:x.csv,lable=y'"
  std::string noun = "parameter";  // or "option"
  std::string owner;               // the initializer or scheme whose keys these are ("" for none)
  std::vector<std::string> keys;   // the keys allowed
  std::vector<std::string> words;  // items allowed without '=' (e.g. pretrain's "ae")
};

class KeyValues {
 public:
  // `items`: the text after "NAME:" (or after a data spec's head). Refuses an empty item or a
  // trailing comma, items that are neither key=value nor an allowed word, unknown keys and
  // repeated ones. Throws Error.
  KeyValues(std::string_view items, KeyValueRules rules);

  bool has(std::string_view key) const { return values_.find(key) != values_.end(); }
  std::string text(std::string_view key, std::string_view fallback = "") const;
  double number(std::string_view key, double fallback) const;
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) const;
  const std::vector<std::string>& words() const { return words_; }
  const std::map<std::string, std::string, std::less<>>& values() const { return values_; }

 private:
  std::string label(std::string_view key) const;
  KeyValueRules rules_;
  std::map<std::string, std::string, std::less<>> values_;
  std::vector<std::string> words_;
};

}  // namespace initlab
