#include <gtest/gtest.h>

#include <limits>

#include "../common/error_of.hpp"
#include "initlab/key_values.hpp"

namespace initlab {
namespace {

using testing::error_of;

KeyValueRules rules() { return {"spec 'x'", "parameter", "lsuv", {"tol", "batch"}, {}}; }

TEST(KeyValues, ReadsKeysAndTypedValues) {
  const KeyValues kv("tol=1/4,batch=64", rules());
  EXPECT_EQ(kv.text("tol"), "1/4");
  EXPECT_DOUBLE_EQ(kv.number("tol", 0), 0.25);
  EXPECT_EQ(kv.integer("batch", 0, 2, 100), 64);
  EXPECT_FALSE(KeyValues("", rules()).has("tol"));
  EXPECT_EQ(KeyValues("", rules()).integer("batch", 7, 2, 100), 7);
  KeyValueRules words = rules();
  words.words = {"ae"};
  EXPECT_EQ(KeyValues("ae,tol=0.1", words).words(), std::vector<std::string>{"ae"});
}

TEST(KeyValues, RefusesWithOneLineNamingTheItem) {
  const auto e = [](const char* text) { return error_of([&] { KeyValues(text, rules()); }); };
  EXPECT_EQ(e("iters=3"), "spec 'x': unknown parameter 'iters' for lsuv; expected one of: tol, batch");
  EXPECT_EQ(e("tol"), "spec 'x': parameter 'tol' is not key=value; expected one of: tol, batch");
  EXPECT_EQ(e("=3"), "spec 'x': parameter '=3' is not key=value; expected one of: tol, batch");
  EXPECT_EQ(e("tol=1,tol=2"), "spec 'x': parameter 'tol' is given twice");
  EXPECT_EQ(e("tol=1,"), "spec 'x' ends with a comma; expected key=value after it");
  EXPECT_EQ(e("tol=1,,batch=2"), "spec 'x': parameter '' is not key=value; expected one of: tol, batch");
  EXPECT_EQ(error_of([] { KeyValues("a=1", {"--data 'd'", "option", "", {}, {}}); }),
            "--data 'd': unknown option 'a'; it takes no options");
  // A 5000-character key is quoted as a 40-character excerpt.
  const std::string key(5000, 'k');
  EXPECT_EQ(error_of([&] { KeyValues(key + "=1", rules()); }),
            "spec 'x': unknown parameter '" + std::string(40, 'k') + "...' for lsuv; expected one of: tol, batch");
  EXPECT_EQ(error_of([] { KeyValues("batch=1", rules()).integer("batch", 0, 2, 10); }),
            "spec 'x': parameter batch='1' is invalid; expected an integer from 2 to 10");
  EXPECT_EQ(error_of([] { KeyValues("tol=abc", rules()).number("tol", 0); }),
            "spec 'x': parameter tol='abc' is not a number; expected e.g. 0.01, -2, 1e-3, 1/3 or sqrt(5)");
}

TEST(KeyValues, ValuesReadByOneSetOfRules) {
  EXPECT_DOUBLE_EQ(read_number("k", "sqrt(4)"), 2.0);
  EXPECT_DOUBLE_EQ(read_number("k", "-1e-3"), -1e-3);
  for (const char* bad : {"", "1/0", "nan", "inf", "1e999", "sqrt(-1)", "0x10", "1 ", "1/2/3"})
    EXPECT_NE(error_of([&] { read_number("k", bad); }).find("is not a number"), std::string::npos) << bad;
  EXPECT_EQ(read_integer("k", "-5", -10, 10), -5);
  constexpr auto lo = std::numeric_limits<std::int64_t>::min(), hi = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(error_of([] { read_integer("k", "1.5", lo, hi); }), "k='1.5' is not an integer");
  EXPECT_EQ(error_of([] { read_integer("k", "99999999999999999999", lo, hi); }), "k='99999999999999999999' is not an integer");
  EXPECT_TRUE(read_bool("k", "true"));
  EXPECT_FALSE(read_bool("k", "false"));
  EXPECT_EQ(error_of([] { read_bool("k", "yes"); }), "k='yes' is invalid; expected true or false");
}

}  // namespace
}  // namespace initlab
