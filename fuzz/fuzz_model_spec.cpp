// Harness: model specs (docs/fuzzing.md): parse_model_spec (the torch-free parser every command
// reads --model with), mlp_widths / parse_widths, the memory estimate (lab_model_footprint) and
// build_model (mlp:, resmlp:, cnn, rescnn:CxK, rnn:CELL-H, rnn:CELL-E-H, toy) for one of a few small data
// shapes, then a forward pass on two samples. The first byte picks the data, the second the options; the rest
// is the spec. A spec whose model would be large is skipped before it is built (the harness looks
// for parser bugs, not for allocations the builder was asked to make).
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include <cmath>

#include "fuzz_common.hpp"
#include "lab_calls.hpp"
#include "models/footprint.hpp"
#include "models/model_spec.hpp"

namespace {

using initlab::fuzz::clean;
using initlab::fuzz::finding;

constexpr double kMaxParameters = 2e6;
constexpr double kMaxConvWork = 5e3;  // rescnn: channels^2 x blocks
constexpr std::size_t kMaxLayers = 300;

const initlab::fuzz::FakeData kData[] = {
    {{784}, 10, false, 0},          // fashion-mnist flattened
    {{1, 28, 28}, 10, false, 0},    // fashion-mnist images
    {{3, 32, 32}, 10, false, 0},    // cifar10
    {{20}, 2, false, 100},          // text: 20 tokens, vocabulary 100
    {{5}, 1, true, 0},              // synthetic:regression (toy)
    {{2}, 3, false, 0},             // synthetic:blobs
    {{28, 28}, 10, false, 0, true}, // fashion-mnist,sequence=rows
    {{20, 2}, 1, true, 0, true},    // synthetic:adding,T=20
};
const char* const kActivations[] = {"relu", "leaky_relu", "elu", "selu", "gelu", "silu", "tanh", "sigmoid", "linear", "bogus"};

bool positive(const std::string& t, std::int64_t& v) {
  const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return !t.empty() && ec == std::errc() && p == t.data() + t.size() && v > 0;
}

// Whether the model `spec` asks for is small enough to build; true also when the harness cannot
// tell (the builder then refuses the spec, or a finding shows that it did not).
bool small_enough(const std::string& spec, const initlab::fuzz::FakeData& data) {
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon), arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (kind == "mlp" || kind == "resmlp") {
    std::vector<std::int64_t> w;
    if (!clean([&] { w = initlab::fuzz::mlp_widths(spec); })) return true;
    if (w.size() < 2) finding("mlp_widths('" + spec + "') accepted fewer than two widths");
    for (auto x : w)
      if (x <= 0) finding("mlp_widths('" + spec + "') accepted a width <= 0");
    std::vector<std::int64_t> again;
    if (!clean([&] { again = initlab::fuzz::parse_widths(spec, arg); }) || again != w)
      finding("mlp_widths and parse_widths disagree on '" + spec + "'");
    if (w.size() > kMaxLayers) return false;
    double params = 0;
    for (std::size_t i = 0; i + 1 < w.size(); ++i) params += 2.0 * static_cast<double>(w[i]) * static_cast<double>(w[i + 1]) + 4.0 * w[i + 1];
    return params <= kMaxParameters;
  }
  if (kind == "rescnn") {
    const auto x = arg.find('x');
    std::int64_t c = 0, k = 0;
    if (x == std::string::npos || !positive(arg.substr(0, x), c) || !positive(arg.substr(x + 1), k)) return true;
    return static_cast<double>(c) * static_cast<double>(c) * static_cast<double>(k) <= kMaxConvWork && k <= 20;
  }
  if (kind == "rnn") {
    const auto dash = arg.find('-');
    std::vector<std::int64_t> w;
    if (dash == std::string::npos) return true;
    if (arg.substr(dash + 1).find('-') == std::string::npos) {  // rnn:CELL-H (sequence data)
      std::int64_t hidden = 0;
      if (!positive(arg.substr(dash + 1), hidden)) return true;
      w = {data.sample_shape.empty() ? 1 : data.sample_shape.back(), hidden};
    } else if (!clean([&] { w = initlab::fuzz::parse_widths(spec, arg.substr(dash + 1)); })) {
      return true;
    }
    if (w.size() != 2) return true;
    const double e = static_cast<double>(w[0]), h = static_cast<double>(w[1]);
    return static_cast<double>(data.vocabulary) * e + 4 * (e * h + h * h + 2 * h) + h * 10 <= kMaxParameters;
  }
  return true;  // cnn, toy: the data decides the size, and it is small; other kinds: the lab's estimate decides
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  if (size > 2048) return -1;
  initlab::fuzz::Bytes in(bytes, size);
  const auto& data = kData[in.byte() % std::size(kData)];
  const std::uint8_t opt = in.byte();
  const std::string activation = kActivations[(opt & 0x0f) % std::size(kActivations)];
  const bool batchnorm = opt & 0x10;
  const double dropout = opt & 0x20 ? 0.5 : (opt & 0x40 ? 1.5 : 0.0);
  const auto rest = in.rest();
  const std::string spec(rest.data(), rest.size());
  // The parsed spec, and what the memory estimate makes of it for this data.
  initlab::lab::ModelSpec parsed;
  double footprint_parameters = 0;  // the lab's estimate, which also sizes the kinds small_enough does not know (vit:, ...)
  std::int64_t vit_layers = 0;      // a deep ViT of tiny width is small but slow to build (vit:1-9595-1: 9 s under ASan)
  if (clean([&] { parsed = initlab::lab::parse_model_spec(spec); })) {
    using initlab::lab::ModelKind;
    if (parsed.text != spec) finding("parse_model_spec('" + spec + "') keeps another text");
    if (parsed.kind == ModelKind::mlp || parsed.kind == ModelKind::resmlp) {
      std::vector<std::int64_t> w;
      if (!clean([&] { w = initlab::fuzz::mlp_widths(spec); }) || w != parsed.widths)
        finding("parse_model_spec and mlp_widths disagree on '" + spec + "'");
    }
    if (parsed.kind == ModelKind::rescnn && (parsed.channels <= 0 || parsed.blocks <= 0)) finding("rescnn spec with no channels or blocks parsed");
    if (parsed.kind == ModelKind::rnn && (parsed.widths.empty() || parsed.widths.size() > 2 ||
                                          (parsed.cell != "tanh" && parsed.cell != "relu" && parsed.cell != "lstm" && parsed.cell != "gru")))
      finding("rnn spec parsed without HIDDEN or EMBEDDING-HIDDEN, or without a known cell: '" + spec + "'");
    for (auto x : parsed.widths)
      if (x <= 0) finding("parse_model_spec('" + spec + "') accepted a width <= 0");
    clean([&] {
      const auto f = initlab::lab::lab_model_footprint(parsed, data.sample_shape, 64, data.outputs, data.vocabulary, 2, 2);
      if (!(f.bytes >= 0) || !(f.parameters >= 0) || std::isnan(f.bytes) || std::isnan(f.parameters))
        finding("lab_model_footprint('" + spec + "') is negative or NaN");
      footprint_parameters = f.parameters;
      if (parsed.kind == ModelKind::vit) vit_layers = parsed.vit.layers;
    });
  }
  if (!small_enough(spec, data) || footprint_parameters > kMaxParameters || vit_layers > static_cast<std::int64_t>(kMaxLayers)) return 0;
  clean([&] {
    const auto built = initlab::fuzz::build_model(spec, data, activation, batchnorm, dropout, /*forward=*/true);
    if (built.parameters <= 0) finding("model '" + spec + "' has no parameters");
  });
  return 0;
}
