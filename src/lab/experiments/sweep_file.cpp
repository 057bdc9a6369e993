#include "experiments/sweep_file.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <unordered_set>

#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"
#include "initlab/input_file.hpp"
#include "initlab/number_text.hpp"

namespace initlab::lab {

namespace {

constexpr std::size_t kMaxQuoted = 40;            // characters of a user's value a message quotes
constexpr std::size_t kMaxRangeText = 200;        // a longer "logspace(...)" is refused before parsing
constexpr int kMaxRangeCount = 10000;             // N in logspace(A,B,N)
constexpr std::size_t kMaxValues = 10000;         // values of one key, all its list's elements together
constexpr std::uintmax_t kMaxFileBytes = 1 << 20;  // a sweep file is a page of settings
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

// At most `limit` characters of a user's text, on one line: control characters become '?', a cut
// never splits a UTF-8 sequence, and a cut text ends in "...".
std::string clip(std::string_view s, std::size_t limit = kMaxQuoted) {
  std::size_t n = std::min(s.size(), limit);
  if (n < s.size())
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // back to a character's first byte
  std::string out(s.substr(0, n));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  if (n < s.size()) out += "...";
  return out;
}
std::string quote(std::string_view s) {
  std::string out = "\"";  // appended, not "\"" + clip(s): GCC 12 warns falsely (-Wrestrict) on that form
  out += clip(s);
  out += '"';
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The whole of `s` as a finite double (an optional leading '+'), or nothing.
std::optional<double> parse_double(std::string_view s) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (!s.empty() && s.front() == '-') return std::nullopt;
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// 15 significant digits: enough to tell grid values apart, few enough to drop the last-bit noise
// of exp/log and of i * step (0.30000000000000004 -> 0.3).
double round15(double v) {
  char buf[40];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 15);
  if (ec != std::errc()) return v;
  double r = v;
  std::from_chars(buf, end, r);
  return r;
}

bool starts_with_range(std::string_view s) {
  s = trim(s);
  return s.rfind("logspace", 0) == 0 || s.rfind("linspace", 0) == 0;
}

// --- the keys -------------------------------------------------------------------------------

using T = SweepValueType;

const SweepKey* find_key(std::string_view name) {
  for (const SweepKey& k : sweep_keys())
    if (name == k.name) return &k;
  return nullptr;
}

std::vector<std::string> key_names(bool axes_only) {
  std::vector<std::string> out;
  for (const SweepKey& k : sweep_keys())
    if (!axes_only || k.axis) out.push_back(k.name);
  return out;
}

// "a string or a list of strings": what a key accepts, as its type errors say it.
std::string expects(const SweepKey& k) {
  const std::string_view name = k.name;
  switch (k.type) {
    case T::string: return k.axis ? "a string or a list of strings" : "a string";
    case T::number: return k.axis ? "a number, a list of numbers or \"logspace(A,B,N)\"" : "a number";
    case T::integer: return k.axis ? "an integer or a list of integers" : "an integer";
    case T::boolean: return k.axis ? "a boolean or a list of booleans" : "a boolean";
    case T::string_list: return name == "override" ? "a string or a list of strings" : "a list of strings";
  }
  return "?";
}

std::string integer_range(const SweepKey& k) {
  if (k.max >= kIntMax) return "an integer >= " + std::to_string(k.min);
  return "an integer from " + std::to_string(k.min) + " to " + std::to_string(k.max);
}

// "a string \"abc\"", "an integer 5", "a list": what a node is, for "got ..." in messages.
std::string got(const toml::node& n) {
  if (const auto* s = n.as_string()) return "a string " + quote(s->get());
  if (const auto* i = n.as_integer()) return "an integer " + std::to_string(i->get());
  if (const auto* f = n.as_floating_point()) return "a number " + number_text(f->get());
  if (const auto* b = n.as_boolean()) return std::string("a boolean ") + (b->get() ? "true" : "false");
  if (n.is_array()) return "a list";
  if (n.is_table()) return "a table";
  if (n.is_date()) return "a date";
  if (n.is_time()) return "a time";
  if (n.is_date_time()) return "a date-time";
  return "a value of another type";
}

int line_of(const toml::source_region& r) { return static_cast<int>(r.begin.line); }

struct Value {
  std::string text;  // canonical
  int line = 0;
};

class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path) {}

  [[noreturn]] void fail(int line, const std::string& message) const {
    throw Error(path_ + ":" + std::to_string(line) + ": " + message);
  }

  // Every value a key's node gives, canonical, each with its line; checks types, ranges, empty
  // lists, empty strings and duplicates.
  std::vector<Value> values(const SweepKey& k, const toml::node& n, int key_line) const {
    std::vector<Value> out;
    const std::string_view name = k.name;
    const bool list_allowed = k.axis || k.type == T::string_list;
    if (const auto* a = n.as_array()) {
      if (!list_allowed) type_error(k, n, key_line);
      if (a->empty()) fail(key_line, "key '" + std::string(name) + "' is an empty list");
      for (const toml::node& e : *a) {
        if (e.is_array()) type_error(k, e, line_of(e.source()));
        scalar(k, e, out);
        if (out.size() > kMaxValues)
          fail(line_of(e.source()), "key '" + std::string(name) + "' has more than " + std::to_string(kMaxValues) + " values");
      }
    } else {
      if (k.type == T::string_list && name != "override") type_error(k, n, key_line);
      scalar(k, n, out);
    }
    std::unordered_set<std::string_view> seen;
    for (const Value& v : out)
      if (!seen.insert(v.text).second) {
        const bool text = k.type == T::string || k.type == T::string_list;
        fail(v.line, "key '" + std::string(name) + "' lists " + (text ? quote(v.text) : v.text) + " twice");
      }
    return out;
  }

 private:
  [[noreturn]] void type_error(const SweepKey& k, const toml::node& n, int line) const {
    fail(line, "key '" + std::string(k.name) + "' expects " + expects(k) + "; got " + got(n));
  }

  // One scalar node's values (a range string gives several).
  void scalar(const SweepKey& k, const toml::node& n, std::vector<Value>& out) const {
    const int line = line_of(n.source());
    const std::string name = k.name;
    switch (k.type) {
      case T::string:
      case T::string_list: {
        const auto* s = n.as_string();
        if (!s) type_error(k, n, line);
        if (s->get().empty()) fail(line, "key '" + name + "' has an empty string");
        out.push_back({s->get(), line});
        return;
      }
      case T::boolean: {
        const auto* b = n.as_boolean();
        if (!b) type_error(k, n, line);
        out.push_back({b->get() ? "true" : "false", line});
        return;
      }
      case T::number: {
        for (const double v : numbers(k, n, line)) out.push_back({number_text(v == 0 ? 0.0 : v), line});  // -0 is 0
        return;
      }
      case T::integer: {
        if (const auto* i = n.as_integer()) {
          out.push_back({std::to_string(in_range(k, i->get(), line)), line});
          return;
        }
        if (const auto* f = n.as_floating_point()) {
          out.push_back({std::to_string(whole(k, f->get(), "", line)), line});
          return;
        }
        const auto* s = n.as_string();
        if (!s || !k.axis || !starts_with_range(s->get())) type_error(k, n, line);
        for (const double v : range(k, s->get(), line)) out.push_back({std::to_string(whole(k, v, s->get(), line)), line});
        return;
      }
    }
  }

  std::vector<double> numbers(const SweepKey& k, const toml::node& n, int line) const {
    if (const auto* i = n.as_integer()) return {static_cast<double>(i->get())};
    if (const auto* f = n.as_floating_point()) {
      if (!std::isfinite(f->get())) fail(line, "key '" + std::string(k.name) + "' expects a finite number; got " + number_text(f->get()));
      return {f->get()};
    }
    const auto* s = n.as_string();
    if (!s || !k.axis || !starts_with_range(s->get())) type_error(k, n, line);
    return range(k, s->get(), line);
  }

  std::vector<double> range(const SweepKey& k, const std::string& text, int line) const {
    try {
      return parse_number_range(text);
    } catch (const Error& e) {
      fail(line, "key '" + std::string(k.name) + "': " + e.what());
    }
  }

  std::int64_t in_range(const SweepKey& k, std::int64_t v, int line) const {
    if (v < k.min || v > k.max) fail(line, "key '" + std::string(k.name) + "' expects " + integer_range(k) + "; got " + std::to_string(v));
    return v;
  }

  // A float that must be a whole number in the key's range; `from`: the range text that gave it
  // (empty: the file wrote the float itself).
  std::int64_t whole(const SweepKey& k, double v, const std::string& from, int line) const {
    const std::string name = k.name;
    const std::string shown = from.empty() ? "a number " + number_text(v) : quote(from) + " gives " + number_text(v);
    if (v != std::floor(v)) {
      if (from.empty()) fail(line, "key '" + name + "' expects " + expects(k) + "; got " + shown);
      fail(line, "key '" + name + "': " + shown + ", not a whole number");
    }
    if (!(v >= -0x1p63 && v < 0x1p63)) fail(line, "key '" + name + "' expects " + integer_range(k) + "; got " + number_text(v));
    return in_range(k, static_cast<std::int64_t>(v), line);
  }

  const std::string& path_;
};

}  // namespace

const std::vector<SweepKey>& sweep_keys() {
  static const std::vector<SweepKey> keys = {
      {"name", T::string, false, "Name of the sweep (its experiments are stored under it)"},
      {"model", T::string, true, "mlp:784-128-10 | mlp:784-100x10-10 | resmlp:784-256x4-10 | cnn | rescnn:32x4 | rnn:lstm-64-64 | toy | file:M.pt (a TorchScript model; the path from the current folder)"},
      {"data", T::string, true, "fashion-mnist[,sequence=rows|pixels|permuted] | mnist:DIR | idx:DIR | cifar10:DIR | csv:FILE,label=COL | text:DIR | synthetic:regression|spirals|blobs|adding,T=STEPS"},
      {"activation", T::string, true, "relu | leaky_relu | elu | selu | gelu | silu | tanh | sigmoid | linear"},
      {"batchnorm", T::boolean, true, "BatchNorm after every hidden layer"},
      {"dropout", T::number, true, "Dropout after every hidden layer"},
      {"param", T::string, true, "standard | mup[:base_width=W,readout=scaled|zero] (mlp: and vit: models)"},
      {"bias", T::string, true, "Bias spec (default: the init's own rule)"},
      {"generator", T::string, true, "philox | torch | torch-avx2"},
      {"optimizer", T::string, true, "sgd | adam"},
      {"lr", T::number, true, "Learning rate"},
      {"momentum", T::number, true, "SGD momentum"},
      {"nesterov", T::boolean, true, "Nesterov momentum"},
      {"weight_decay", T::number, true, "L2 weight decay"},
      {"clip_norm", T::number, true, "Rescale gradients to at most this total norm (0: off)"},
      {"batch", T::integer, true, "Batch size", 1, kInt64Max},
      {"epochs", T::integer, true, "Epochs", 1, kIntMax},
      {"loss", T::string, true, "auto | ce | mse | bce"},
      {"val", T::number, true, "Validation fraction of the training set"},
      {"normalize", T::string, true, "standard | symmetric | unit | none"},
      {"limit", T::integer, true, "Use only the first N training samples (0: all)", 0, kInt64Max},
      {"monitor_every", T::integer, false, "Per-layer statistics every K steps (0: off)", 0, kIntMax},
      {"override", T::string_list, false, "PATTERN=SPEC for matching parameters, e.g. 'fc2.*=zeros'; all apply to every run"},
      {"inits", T::string_list, false, "The compared initializer specs (required), e.g. [\"xavier_uniform\", \"kaiming_uniform\"]"},
      {"seeds", T::integer, false, "Seeds per (grid point, init)", 1, 1000},
      {"seed", T::integer, false, "First seed; runs use seed, seed+1, ...", 0, kInt64Max},
      {"tune", T::string_list, false, "Grid keys chosen per init (each given with two or more values), e.g. [\"lr\"]"},
  };
  return keys;
}

std::vector<double> parse_number_range(std::string_view text) {
  const auto expected = [&] { return Error("expected \"logspace(A,B,N)\" or \"linspace(A,B,N)\"; got " + quote(text)); };
  if (text.size() > kMaxRangeText)
    throw Error("number range " + quote(text) + " is " + std::to_string(text.size()) + " characters long; at most " +
                std::to_string(kMaxRangeText) + " are accepted");
  std::string_view s = trim(text);
  const bool log = s.rfind("logspace", 0) == 0;
  if (!log && s.rfind("linspace", 0) != 0) throw expected();
  s = trim(s.substr(8));
  if (s.size() < 2 || s.front() != '(' || s.back() != ')') throw expected();
  s = s.substr(1, s.size() - 2);
  std::string_view parts[3];
  for (int i = 0; i < 3; ++i) {
    const std::size_t comma = s.find(',');
    if ((i < 2) != (comma != std::string_view::npos)) throw expected();  // exactly two commas
    parts[i] = trim(s.substr(0, comma));
    if (i < 2) s.remove_prefix(comma + 1);
  }
  const std::string shown = quote(text);
  const auto a = parse_double(parts[0]), b = parse_double(parts[1]), n = parse_double(parts[2]);
  if (!a) throw Error(shown + ": A must be a finite number; got " + quote(parts[0]));
  if (!b) throw Error(shown + ": B must be a finite number; got " + quote(parts[1]));
  if (!n || *n != std::floor(*n) || *n < 1 || *n > kMaxRangeCount)
    throw Error(shown + ": N must be a whole number 1.." + std::to_string(kMaxRangeCount) + "; got " + quote(parts[2]));
  if (log && (*a <= 0 || *b <= 0)) throw Error(shown + ": logspace needs A > 0 and B > 0");
  const int count = static_cast<int>(*n);
  std::vector<double> out(static_cast<std::size_t>(count));
  const double la = log ? std::log(*a) : 0, lb = log ? std::log(*b) : 0;
  for (int i = 0; i < count; ++i) {
    const double t = static_cast<double>(i) / std::max(count - 1, 1);
    out[static_cast<std::size_t>(i)] = round15(log ? std::exp(la + t * (lb - la)) : *a + t * (*b - *a));
  }
  out.front() = *a;
  if (count > 1) out.back() = *b;
  return out;
}

SweepFile parse_sweep_text(std::string_view text, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    const auto& at = e.source().begin;
    throw Error(path + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " + clip(e.description(), 200));
  }
  // toml++ keeps keys sorted; the settings (and so the grid's order) follow the file.
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (const auto& [key, node] : table) entries.emplace_back(&key, &node);
  std::sort(entries.begin(), entries.end(), [](const auto& x, const auto& y) {
    const auto& a = x.first->source().begin;
    const auto& b = y.first->source().begin;
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });

  const Reader reader(path);
  SweepFile f;
  f.path = path;
  std::vector<Value> tune;
  bool have_inits = false;
  for (const auto& [key, node] : entries) {
    const int line = line_of(key->source());
    const std::string name(key->str());
    constexpr const char* flat = "a sweep file is one flat table of keys (no [sections], dotted keys or inline tables)";
    if (node->is_array_of_tables()) reader.fail(line, "'" + clip(name) + "' is an array of tables; " + flat);
    if (node->is_table()) reader.fail(line, "'" + clip(name) + "' is a table; " + flat);
    const SweepKey* k = find_key(name);
    if (!k) reader.fail(line, "key '" + clip(name) + "' is unknown; expected one of: " + join_choices(key_names(false)));
    std::vector<Value> values = reader.values(*k, *node, line);
    const auto texts = [&] {
      std::vector<std::string> out;
      for (auto& v : values) out.push_back(std::move(v.text));
      return out;
    };
    if (k->axis) f.settings.push_back({name, texts(), line});
    else if (name == "name") f.name = values.front().text;
    else if (name == "override") f.overrides = texts();
    else if (name == "inits") {
      f.inits = texts();
      f.inits_line = line;
      have_inits = true;
    }
    else if (name == "seeds") f.seeds = std::stoi(values.front().text);
    else if (name == "seed") f.first_seed = std::stoull(values.front().text);
    else if (name == "monitor_every") f.monitor_every = std::stoi(values.front().text);
    else if (name == "tune") tune = std::move(values);
  }
  if (!have_inits) throw Error(path + ": 'inits' is required");
  for (const Value& t : tune) {
    const std::string named = "'tune' names '" + clip(t.text) + "', which ";
    const SweepKey* k = find_key(t.text);
    if (!k || !k->axis) reader.fail(t.line, named + "is not a grid key; expected one of: " + join_choices(key_names(true)));
    const auto s = std::find_if(f.settings.begin(), f.settings.end(), [&](const SweepSetting& x) { return x.key == t.text; });
    if (s == f.settings.end()) reader.fail(t.line, named + "the file does not set; tune needs a key with two or more values");
    if (s->values.size() < 2) reader.fail(t.line, named + "has a single value; tune needs a key with two or more values");
    f.tune.push_back(t.text);
  }
  return f;
}

SweepFile parse_sweep_file(const std::string& path) {
  require_input_file(path, "sweep file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("sweep file '" + excerpt(path) + "' cannot be read: permission denied");
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw Error("sweep file '" + excerpt(path) + "' cannot be read");
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes)
    throw Error(excerpt(path) + ": the sweep file is over " + std::to_string(kMaxFileBytes) + " bytes; a sweep file is a page of settings");
  return parse_sweep_text(text, path);
}

namespace {

std::uint64_t saturating_product(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return std::numeric_limits<std::uint64_t>::max();
  return a * b;
}

std::uint64_t count_points(const SweepFile& sweep) {
  std::uint64_t points = 1;
  for (const SweepSetting& s : sweep.settings) points = saturating_product(points, s.values.size());
  return points;
}

}  // namespace

std::vector<GridPoint> expand_grid(const SweepFile& sweep) {
  const std::uint64_t points = count_points(sweep);
  if (points > kMaxGridPoints)
    throw Error(sweep.path + ": the grid has " + (points == std::numeric_limits<std::uint64_t>::max() ? "over 2^64" : std::to_string(points)) +
                " points; at most " + std::to_string(kMaxGridPoints) + " can be listed");
  std::vector<GridPoint> out;
  if (points == 0) return out;
  out.reserve(static_cast<std::size_t>(points));
  std::vector<std::size_t> index(sweep.settings.size(), 0);  // an odometer: the last key turns fastest
  for (std::uint64_t p = 0; p < points; ++p) {
    GridPoint g;
    g.reserve(sweep.settings.size());
    for (std::size_t k = 0; k < sweep.settings.size(); ++k) g.emplace_back(sweep.settings[k].key, sweep.settings[k].values[index[k]]);
    out.push_back(std::move(g));
    for (std::size_t k = sweep.settings.size(); k-- > 0;) {
      if (++index[k] < sweep.settings[k].values.size()) break;
      index[k] = 0;
    }
  }
  return out;
}

std::uint64_t count_runs(const SweepFile& sweep) {
  const std::uint64_t per_point = saturating_product(sweep.inits.size(), static_cast<std::uint64_t>(std::max(sweep.seeds, 0)));
  return saturating_product(count_points(sweep), per_point);
}

}  // namespace initlab::lab
