// Sweep files: values by type and canonical text, number ranges against their formula, grid order
// and counts, and every error with the line it names.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "../common/error_of.hpp"
#include "experiments/sweep_file.hpp"
#include "initlab/excerpt.hpp"

namespace {

using namespace initlab::lab;
using initlab::testing::error_of;

// The header's rounding: 15 significant digits.
double round15(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return std::strtod(buf, nullptr);
}

const SweepSetting& setting(const SweepFile& f, const std::string& key) {
  for (const auto& s : f.settings)
    if (s.key == key) return s;
  throw std::runtime_error("no setting " + key);
}

std::string parse_error(const std::string& text) {
  return error_of([&] { parse_sweep_text(text, "s.toml"); });
}

// --- parse_number_range ----------------------------------------------------------------------

TEST(SweepNumberRange, LinspaceIsExactAtTheDecimalsItNames) {
  EXPECT_EQ(parse_number_range("linspace(0,1,11)"),
            (std::vector<double>{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}));
  EXPECT_EQ(parse_number_range(" linspace( 2 , -2 , 3 ) "), (std::vector<double>{2, 0, -2}));
  EXPECT_EQ(parse_number_range("linspace(1e-3,+3e-3,3.0)"), (std::vector<double>{0.001, 0.002, 0.003}));
  EXPECT_EQ(parse_number_range("linspace(5,7,1)"), (std::vector<double>{5}));
}

TEST(SweepNumberRange, LogspaceFollowsTheGeometricFormula) {
  const auto v = parse_number_range("logspace(0.003,0.3,5)");
  EXPECT_EQ(v, (std::vector<double>{0.003, 0.00948683298050514, 0.03, 0.0948683298050514, 0.3}));
  const double a = 1e-4, b = 10;
  const auto w = parse_number_range("logspace(1e-4,10,50)");
  ASSERT_EQ(w.size(), 50u);
  EXPECT_EQ(w.front(), a);
  EXPECT_EQ(w.back(), b);
  for (int i = 1; i < 49; ++i) {
    const double formula = std::exp(std::log(a) + i / 49.0 * (std::log(b) - std::log(a)));
    EXPECT_EQ(w[static_cast<std::size_t>(i)], round15(formula)) << i;
    EXPECT_NEAR(w[static_cast<std::size_t>(i)] / formula, 1.0, 1e-14) << i;
  }
  EXPECT_EQ(parse_number_range("logspace(1,1000,4)"), (std::vector<double>{1, 10, 100, 1000}));
  EXPECT_EQ(parse_number_range("logspace(1,1000,10000)").size(), 10000u);
}

TEST(SweepNumberRange, ErrorsNameWhatWasExpected) {
  EXPECT_EQ(error_of([] { parse_number_range("abc"); }), R"~(expected "logspace(A,B,N)" or "linspace(A,B,N)"; got "abc")~");
  EXPECT_EQ(error_of([] { parse_number_range("logspace(1,2)"); }), R"~(expected "logspace(A,B,N)" or "linspace(A,B,N)"; got "logspace(1,2)")~");
  EXPECT_EQ(error_of([] { parse_number_range("logspace(1,2,3,4)"); }), R"~(expected "logspace(A,B,N)" or "linspace(A,B,N)"; got "logspace(1,2,3,4)")~");
  EXPECT_EQ(error_of([] { parse_number_range("logspace(1,2,3"); }), R"~(expected "logspace(A,B,N)" or "linspace(A,B,N)"; got "logspace(1,2,3")~");
  EXPECT_EQ(error_of([] { parse_number_range("logspace(1,2,3)x"); }), R"~(expected "logspace(A,B,N)" or "linspace(A,B,N)"; got "logspace(1,2,3)x")~");
  EXPECT_EQ(error_of([] { parse_number_range("linspace(x,1,3)"); }), R"~("linspace(x,1,3)": A must be a finite number; got "x")~");
  EXPECT_EQ(error_of([] { parse_number_range("linspace(0,inf,3)"); }), R"~("linspace(0,inf,3)": B must be a finite number; got "inf")~");
  EXPECT_EQ(error_of([] { parse_number_range("linspace(0,1,)"); }), R"~("linspace(0,1,)": N must be a whole number 1..10000; got "")~");
  EXPECT_EQ(error_of([] { parse_number_range("linspace(0,1,0)"); }), R"~("linspace(0,1,0)": N must be a whole number 1..10000; got "0")~");
  EXPECT_EQ(error_of([] { parse_number_range("linspace(0,1,2.5)"); }), R"~("linspace(0,1,2.5)": N must be a whole number 1..10000; got "2.5")~");
  EXPECT_EQ(error_of([] { parse_number_range("linspace(0,1,10001)"); }), R"~("linspace(0,1,10001)": N must be a whole number 1..10000; got "10001")~");
  EXPECT_EQ(error_of([] { parse_number_range("logspace(0,1,3)"); }), R"~("logspace(0,1,3)": logspace needs A > 0 and B > 0)~");
  EXPECT_EQ(error_of([] { parse_number_range("logspace(1,-1,3)"); }), R"~("logspace(1,-1,3)": logspace needs A > 0 and B > 0)~");
}

TEST(SweepNumberRange, RefusesLongTextQuotingOnlyItsStart) {
  const std::string huge = "logspace(" + std::string(50000, '1') + ",2,3)";
  const std::string e = error_of([&] { parse_number_range(huge); });
  EXPECT_EQ(e, "number range \"logspace(1111111111111111111111111111111...\" is 50014 characters long; at most 200 are accepted");
  const std::string parens(50000, '(');
  EXPECT_LT(error_of([&] { parse_number_range(parens); }).size(), 120u);
  EXPECT_EQ(parse_number_range("linspace(0,1," + std::string(185, ' ') + "2)").size(), 2u);  // 200 characters
}

// --- parsing by value ------------------------------------------------------------------------

TEST(SweepFileParse, EveryKeyTypeKeepsCanonicalStringsInFileOrder) {
  const SweepFile f = parse_sweep_text(R"~(# all keys
name = "all"
normalize = "standard"
model = ["mlp:784-128-10", "cnn"]
data = "fashion-mnist"
activation = ["relu", "tanh"]
batchnorm = [true, false]
dropout = 0.50
bias = "zeros"
generator = "philox"
optimizer = "sgd"
lr = [1, 1e-3, "linspace(0.1,0.3,3)"]
momentum = 0.9
nesterov = true
weight_decay = -0.0
batch = [64, 128.0]
epochs = "linspace(2,6,3)"
loss = "ce"
val = 0.1
limit = 0
monitor_every = 50
override = "fc2.*=zeros"
inits = ["zeros", "normal:std=0.01"]
seeds = 3
seed = 7
tune = ["lr", "batch"]
)~",
                                       "all.toml");
  EXPECT_EQ(f.path, "all.toml");
  EXPECT_EQ(f.name, "all");
  std::vector<std::string> keys;
  for (const auto& s : f.settings) keys.push_back(s.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"normalize", "model", "data", "activation", "batchnorm", "dropout", "bias", "generator", "optimizer",
                                            "lr", "momentum", "nesterov", "weight_decay", "batch", "epochs", "loss", "val", "limit"}));
  EXPECT_EQ(setting(f, "normalize").line, 3);
  EXPECT_EQ(setting(f, "model").values, (std::vector<std::string>{"mlp:784-128-10", "cnn"}));
  EXPECT_EQ(setting(f, "batchnorm").values, (std::vector<std::string>{"true", "false"}));
  EXPECT_EQ(setting(f, "dropout").values, (std::vector<std::string>{"0.5"}));
  EXPECT_EQ(setting(f, "lr").values, (std::vector<std::string>{"1", "0.001", "0.1", "0.2", "0.3"}));
  EXPECT_EQ(setting(f, "lr").line, 12);
  EXPECT_EQ(setting(f, "nesterov").values, (std::vector<std::string>{"true"}));
  EXPECT_EQ(setting(f, "weight_decay").values, (std::vector<std::string>{"0"}));
  EXPECT_EQ(setting(f, "batch").values, (std::vector<std::string>{"64", "128"}));
  EXPECT_EQ(setting(f, "epochs").values, (std::vector<std::string>{"2", "4", "6"}));
  EXPECT_EQ(setting(f, "limit").values, (std::vector<std::string>{"0"}));
  EXPECT_EQ(f.overrides, (std::vector<std::string>{"fc2.*=zeros"}));
  EXPECT_EQ(f.inits, (std::vector<std::string>{"zeros", "normal:std=0.01"}));
  EXPECT_EQ(f.inits_line, 23);
  EXPECT_EQ(f.seeds, 3);
  EXPECT_EQ(f.first_seed, 7u);
  EXPECT_EQ(f.monitor_every, 50);
  EXPECT_EQ(f.tune, (std::vector<std::string>{"lr", "batch"}));
}

TEST(SweepFileParse, DefaultsListsOfOverridesAndLogspaceText) {
  const SweepFile f = parse_sweep_text("inits = [\"he_normal\"]\noverride = [\"fc1.*=zeros\", \"fc2.*=ones\"]\nlr = \"logspace(0.003,0.3,5)\"\n", "d.toml");
  EXPECT_EQ(f.name, "");
  EXPECT_EQ(f.seeds, 1);
  EXPECT_EQ(f.first_seed, 0u);
  EXPECT_EQ(f.monitor_every, 0);
  EXPECT_TRUE(f.tune.empty());
  EXPECT_EQ(f.overrides, (std::vector<std::string>{"fc1.*=zeros", "fc2.*=ones"}));
  EXPECT_EQ(setting(f, "lr").values, (std::vector<std::string>{"0.003", "0.00948683298050514", "0.03", "0.0948683298050514", "0.3"}));
}

TEST(SweepFileParse, KeyTableIsTheContract) {
  std::vector<std::string> names, axes;
  for (const SweepKey& k : sweep_keys()) {
    names.push_back(k.name);
    if (k.axis) axes.push_back(k.name);
    EXPECT_NE(std::string(k.help), "") << k.name;
  }
  EXPECT_EQ(names.size(), 27u);
  EXPECT_EQ(names.front(), "name");
  EXPECT_EQ(names.back(), "tune");
  EXPECT_EQ(axes, (std::vector<std::string>{"model", "data", "activation", "batchnorm", "dropout", "param", "bias", "generator", "optimizer", "lr", "momentum",
                                            "nesterov", "weight_decay", "clip_norm", "batch", "epochs", "loss", "val", "normalize", "limit"}));
}

// --- the grid --------------------------------------------------------------------------------

TEST(SweepGrid, FirstKeyVariesSlowest) {
  const SweepFile f = parse_sweep_text("epochs = 3\nlr = [0.1, 0.01]\nmodel = [\"a\", \"b\", \"c\"]\ninits = [\"x\", \"y\"]\nseeds = 4\n", "g.toml");
  const auto grid = expand_grid(f);
  ASSERT_EQ(grid.size(), 6u);
  const GridPoint first{{"epochs", "3"}, {"lr", "0.1"}, {"model", "a"}};
  const GridPoint second{{"epochs", "3"}, {"lr", "0.1"}, {"model", "b"}};
  const GridPoint last{{"epochs", "3"}, {"lr", "0.01"}, {"model", "c"}};
  EXPECT_EQ(grid[0], first);
  EXPECT_EQ(grid[1], second);
  EXPECT_EQ(grid[3][1].second, "0.01");
  EXPECT_EQ(grid[3][2].second, "a");
  EXPECT_EQ(grid[5], last);
  EXPECT_EQ(count_runs(f), 6u * 2u * 4u);
}

TEST(SweepGrid, NoSettingsIsOnePoint) {
  const SweepFile f = parse_sweep_text("inits = [\"x\", \"y\", \"z\"]\nseeds = 5\n", "g.toml");
  const auto grid = expand_grid(f);
  ASSERT_EQ(grid.size(), 1u);
  EXPECT_TRUE(grid[0].empty());
  EXPECT_EQ(count_runs(f), 15u);
}

TEST(SweepGrid, CountsHugeGridsWithoutExpandingThem) {
  const SweepFile f = parse_sweep_text(R"~(lr = "logspace(1e-4,1,10000)"
momentum = "linspace(0,0.99,10000)"
weight_decay = "linspace(0,1e-3,10000)"
inits = ["a", "b"]
seeds = 1000
)~",
                                       "h.toml");
  EXPECT_EQ(count_runs(f), 1'000'000'000'000ull * 2 * 1000);
  EXPECT_EQ(error_of([&] { expand_grid(f); }), "h.toml: the grid has 1000000000000 points; at most 1000000 can be listed");
  SweepFile g = f;  // 10000^5 x 2 x 1000 > 2^64
  g.settings.push_back(g.settings[0]);
  g.settings.push_back(g.settings[1]);
  EXPECT_EQ(count_runs(g), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(error_of([&] { expand_grid(g); }), "h.toml: the grid has over 2^64 points; at most 1000000 can be listed");
}

// --- errors, each with its line ----------------------------------------------------------------

TEST(SweepFileErrors, UnknownKeyListsTheKeys) {
  EXPECT_EQ(parse_error("inits = [\"a\"]\n\nlrr = 0.1\n"),
            "s.toml:3: key 'lrr' is unknown; expected one of: name, model, data, activation, batchnorm, dropout, param, bias, generator, optimizer, lr, "
            "momentum, nesterov, weight_decay, clip_norm, batch, epochs, loss, val, normalize, limit, monitor_every, override, inits, seeds, seed, tune");
  const std::string clipped = "s.toml:1: key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...' is unknown; expected one of: name,";
  EXPECT_EQ(parse_error(std::string(100, 'k') + " = 1\n").substr(0, clipped.size()), clipped);
}

TEST(SweepFileErrors, TypeErrorsQuoteTheValue) {
  EXPECT_EQ(parse_error("inits = [\"a\"]\nlr = \"abc\"\n"), R"~(s.toml:2: key 'lr' expects a number, a list of numbers or "logspace(A,B,N)"; got a string "abc")~");
  EXPECT_EQ(parse_error("lr = [\n  0.1,\n  \"" + std::string(60, 'x') + "\",\n]\n"),
            R"~(s.toml:3: key 'lr' expects a number, a list of numbers or "logspace(A,B,N)"; got a string "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...")~");
  EXPECT_EQ(parse_error("lr = [0.1, [0.2]]\n"), R"~(s.toml:1: key 'lr' expects a number, a list of numbers or "logspace(A,B,N)"; got a list)~");
  EXPECT_EQ(parse_error("model = 3\n"), "s.toml:1: key 'model' expects a string or a list of strings; got an integer 3");
  EXPECT_EQ(parse_error("name = [\"a\", \"b\"]\n"), "s.toml:1: key 'name' expects a string; got a list");
  EXPECT_EQ(parse_error("batchnorm = \"yes\"\n"), R"~(s.toml:1: key 'batchnorm' expects a boolean or a list of booleans; got a string "yes")~");
  EXPECT_EQ(parse_error("\nbatch = 5.5\n"), "s.toml:2: key 'batch' expects an integer or a list of integers; got a number 5.5");
  EXPECT_EQ(parse_error("batch = 0\n"), "s.toml:1: key 'batch' expects an integer >= 1; got 0");
  EXPECT_EQ(parse_error("batch = 1e30\n"), "s.toml:1: key 'batch' expects an integer >= 1; got 1e+30");
  EXPECT_EQ(parse_error("epochs = \"linspace(1,2,3)\"\n"), R"~(s.toml:1: key 'epochs': "linspace(1,2,3)" gives 1.5, not a whole number)~");
  EXPECT_EQ(parse_error("lr = \"logspace(0,1,3)\"\n"), R"~(s.toml:1: key 'lr': "logspace(0,1,3)": logspace needs A > 0 and B > 0)~");
  EXPECT_EQ(parse_error("lr = nan\n"), "s.toml:1: key 'lr' expects a finite number; got nan");
  EXPECT_EQ(parse_error("inits = \"xavier_uniform\"\n"), R"~(s.toml:1: key 'inits' expects a list of strings; got a string "xavier_uniform")~");
  EXPECT_EQ(parse_error("inits = [\"a\", 1]\n"), "s.toml:1: key 'inits' expects a list of strings; got an integer 1");
  EXPECT_EQ(parse_error("inits = [\"a\"]\nseeds = 0\n"), "s.toml:2: key 'seeds' expects an integer from 1 to 1000; got 0");
  EXPECT_EQ(parse_error("inits = [\"a\"]\nseeds = 1001\n"), "s.toml:2: key 'seeds' expects an integer from 1 to 1000; got 1001");
  EXPECT_EQ(parse_error("inits = [\"a\"]\nseeds = [1, 2]\n"), "s.toml:2: key 'seeds' expects an integer; got a list");
  EXPECT_EQ(parse_error("inits = [\"a\"]\nseeds = \"linspace(1,3,3)\"\n"), R"~(s.toml:2: key 'seeds' expects an integer; got a string "linspace(1,3,3)")~");
  EXPECT_EQ(parse_error("inits = [\"a\"]\nseed = -1\n"), "s.toml:2: key 'seed' expects an integer >= 0; got -1");
  EXPECT_EQ(parse_error("data = 1979-05-27\n"), "s.toml:1: key 'data' expects a string or a list of strings; got a date");
  EXPECT_EQ(parse_error("model = \"\"\n"), "s.toml:1: key 'model' has an empty string");
}

TEST(SweepFileErrors, EmptyListsAndDuplicates) {
  EXPECT_EQ(parse_error("name = \"x\"\ninits = []\n"), "s.toml:2: key 'inits' is an empty list");
  EXPECT_EQ(parse_error("inits = [\"a\"]\nlr = []\n"), "s.toml:2: key 'lr' is an empty list");
  EXPECT_EQ(parse_error("inits = [\"a\"]\noverride = []\n"), "s.toml:2: key 'override' is an empty list");
  EXPECT_EQ(parse_error("inits = [\n  \"a\",\n  \"b\",\n  \"a\",\n]\n"), R"~(s.toml:4: key 'inits' lists "a" twice)~");
  EXPECT_EQ(parse_error("lr = [0.01, 1e-2]\n"), "s.toml:1: key 'lr' lists 0.01 twice");
  EXPECT_EQ(parse_error("lr = [\n0.1,\n\"linspace(0,0.1,2)\"]\n"), "s.toml:3: key 'lr' lists 0.1 twice");
  EXPECT_EQ(parse_error("batchnorm = [true, true]\n"), "s.toml:1: key 'batchnorm' lists true twice");
  EXPECT_EQ(parse_error("lr = [\"linspace(1,2,10000)\",\n\"linspace(3,4,2)\"]\n"), "s.toml:2: key 'lr' has more than 10000 values");
}

TEST(SweepFileErrors, InitsIsRequired) {
  EXPECT_EQ(parse_error("lr = 0.1\n"), "s.toml: 'inits' is required");
  EXPECT_EQ(parse_error(""), "s.toml: 'inits' is required");
}

TEST(SweepFileErrors, TuneNeedsAnAxisOfTwoOrMoreValues) {
  EXPECT_EQ(parse_error("tune = [\"lr\"]\nlr = 0.1\ninits = [\"a\", \"b\"]\n"),
            "s.toml:1: 'tune' names 'lr', which has a single value; tune needs a key with two or more values");
  EXPECT_EQ(parse_error("lr = [0.1, 0.2]\ninits = [\"a\"]\ntune = [\n  \"lr\",\n  \"momentum\",\n]\n"),
            "s.toml:5: 'tune' names 'momentum', which the file does not set; tune needs a key with two or more values");
  EXPECT_EQ(parse_error("inits = [\"a\"]\ntune = [\"seeds\"]\n"),
            "s.toml:2: 'tune' names 'seeds', which is not a grid key; expected one of: model, data, activation, batchnorm, dropout, param, bias, "
            "generator, optimizer, lr, momentum, nesterov, weight_decay, clip_norm, batch, epochs, loss, val, normalize, limit");
  EXPECT_EQ(parse_error("inits = [\"a\"]\ntune = []\n"), "s.toml:2: key 'tune' is an empty list");
  EXPECT_EQ(parse_error("inits = [\"a\"]\nlr = [1, 2]\ntune = [\"lr\", \"lr\"]\n"), R"~(s.toml:3: key 'tune' lists "lr" twice)~");
}

TEST(SweepFileErrors, TablesAreRefusedAtTheirLine) {
  EXPECT_EQ(parse_error("inits = [\"a\"]\n\n[train]\nlr = 0.1\n"),
            "s.toml:3: 'train' is a table; a sweep file is one flat table of keys (no [sections], dotted keys or inline tables)");
  EXPECT_EQ(parse_error("inits = [\"a\"]\ntrain.lr = 0.1\n"),
            "s.toml:2: 'train' is a table; a sweep file is one flat table of keys (no [sections], dotted keys or inline tables)");
  EXPECT_EQ(parse_error("inits = [\"a\"]\nlr = {a = 1}\n"),
            "s.toml:2: 'lr' is a table; a sweep file is one flat table of keys (no [sections], dotted keys or inline tables)");
  EXPECT_EQ(parse_error("inits = [\"a\"]\n\n\n[[runs]]\nlr = 0.1\n"),
            "s.toml:4: 'runs' is an array of tables; a sweep file is one flat table of keys (no [sections], dotted keys or inline tables)");
}

TEST(SweepFileErrors, TomlSyntaxErrorsKeepLineAndColumn) {
  EXPECT_EQ(parse_error("inits = [\"a\"]\nlr = 0.1\nlr = 0.2\n"), "s.toml:3:6: Error while parsing key-value pair: cannot redefine existing floating-point 'lr'");
  const std::string e = parse_error("inits = [\"a\"\nlr = 0.1\n");
  EXPECT_EQ(e.substr(0, 11), "s.toml:2:1:") << e;
}

TEST(SweepFileErrors, MissingFileIsNamed) {
  EXPECT_EQ(error_of([] { parse_sweep_file("/nonexistent/sweep.toml"); }), "sweep file '/nonexistent/sweep.toml' does not exist");
  EXPECT_EQ(error_of([] { parse_sweep_file(INITLAB_TEST_DATA); }), "sweep file '" + initlab::excerpt(INITLAB_TEST_DATA) + "' is a folder; expected a file");
}

// --- the examples ------------------------------------------------------------------------------

TEST(SweepExamples, AllThreeParse) {
  const std::string dir = INITLAB_TEST_DATA "/../../examples/";
  const SweepFile seed = parse_sweep_file(dir + "seed-notebooks.toml");
  EXPECT_EQ(seed.inits, (std::vector<std::string>{"zeros", "normal:std=0.01", "xavier_uniform", "kaiming_uniform", "torch_default"}));
  EXPECT_EQ(setting(seed, "lr").values, (std::vector<std::string>{"0.01"}));
  EXPECT_EQ(count_runs(seed), 25u);
  const SweepFile lr = parse_sweep_file(dir + "lr-by-init.toml");
  EXPECT_EQ(setting(lr, "lr").values.size(), 5u);
  EXPECT_EQ(lr.tune, (std::vector<std::string>{"lr"}));
  EXPECT_EQ(count_runs(lr), 30u);
  const SweepFile depth = parse_sweep_file(dir + "depth-by-init.toml");
  EXPECT_EQ(setting(depth, "model").values, (std::vector<std::string>{"mlp:784-100x5-10", "mlp:784-100x10-10", "mlp:784-100x20-10"}));
  EXPECT_EQ(expand_grid(depth).size(), 3u);
  EXPECT_EQ(count_runs(depth), 18u);
}

}  // namespace
