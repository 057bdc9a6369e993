// Harness: init specs (docs/fuzzing.md). The bytes are a --inits list as compare takes it
// ("zeros,normal:mean=0,std=0.01;he_normal"); each spec is what train / propagate / init take:
// a network scheme (lsuv:tol=0.1, pretrain:ae,epochs=2, skipinit:base=SPEC), a per-tensor spec,
// or a per-tensor spec with one sweep (normal:std=logspace(1e-4,10,50)). Checked: the project's
// parsers reject bad text with initlab::Error only; a per-tensor spec that parses formats to a
// canonical spec that parses back to itself, and draws a small tensor without trouble.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "experiments/init_list.hpp"
#include "fuzz_common.hpp"
#include "initlab/generator.hpp"
#include "initlab/initializer.hpp"
#include "initlab/spec.hpp"
#include "lab_calls.hpp"

namespace {

using initlab::fuzz::clean;
using initlab::fuzz::finding;

void per_tensor(const std::string& spec) {
  initlab::Initializer init;
  if (!clean([&] { init = initlab::parse_spec(spec); })) return;
  // format_spec: "every parameter written out, parses back to itself".
  const std::string canonical = initlab::format_spec(init);
  std::string again;
  if (!clean([&] { again = initlab::format_spec(initlab::parse_spec(canonical)); }))
    finding("spec '" + spec + "' parses, but its canonical form '" + canonical + "' does not");
  if (again != canonical) finding("spec '" + spec + "': canonical '" + canonical + "' parses back as '" + again + "'");
  // A small draw in each layout the lab uses: dense 4x6 and conv 6x2x3x3 (dirac needs out >= in).
  static const std::vector<std::vector<std::int64_t>> shapes = {{4, 6}, {6, 2, 3, 3}, {5}};
  for (const auto& shape : shapes) {
    std::int64_t n = 1;
    for (auto s : shape) n *= s;
    std::vector<float> data(static_cast<std::size_t>(n));
    auto gen = initlab::Generator::philox(1);
    initlab::InitOptions options;
    options.threads = 1;
    if (clean([&] { initlab::initialize(data, shape, init, gen, options); })) {
      for (float v : data)
        if (std::isnan(v)) finding("spec '" + spec + "' drew NaN on a " + std::to_string(shape.size()) + "-d shape");
    }
    std::vector<float> bias(static_cast<std::size_t>(shape[0]));
    clean([&] { initlab::initialize_bias(bias, shape, init, gen, options); });
  }
}

void one_spec(const std::string& spec) {
  std::optional<std::string> scheme;
  if (!clean([&] { scheme = initlab::fuzz::parse_network_init(spec); })) return;
  if (scheme) return;
  std::vector<std::string> points;
  if (!clean([&] { points = initlab::fuzz::expand_sweep(spec); })) return;
  if (points.empty() || points.size() > 10000) finding("expand_sweep('" + spec + "') gave " + std::to_string(points.size()) + " specs");
  // The first, a middle and the last point (all of them would be slow for N = 10000).
  per_tensor(points.front());
  if (points.size() > 2) per_tensor(points[points.size() / 2]);
  if (points.size() > 1) per_tensor(points.back());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return -1;
  const std::string text(reinterpret_cast<const char*>(data), size);
  clean([&] { initlab::parse_seed(text); });
  per_tensor(text);
  std::vector<std::string> specs;
  if (!clean([&] { specs = initlab::lab::split_init_list(text); })) return 0;
  for (const auto& s : specs) {
    if (s.empty()) finding("split_init_list gave an empty spec");
    one_spec(s);
  }
  return 0;
}
