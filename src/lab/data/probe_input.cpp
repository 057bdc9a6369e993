#include "data/probe_input.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "data/dataset.hpp"
#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"
#include "initlab/shape.hpp"
#include "train/error_line.hpp"

namespace initlab::lab {

std::optional<ProbeInput> parse_probe_input(const std::string& text, const std::string& flag) {
  const bool tokens = text.rfind("tokens:", 0) == 0;
  if (!tokens && text.rfind("gaussian:", 0) != 0) return std::nullopt;
  const std::string example = tokens ? "tokens:VOCABxLEN, e.g. tokens:1000x32" : "gaussian:SHAPE, e.g. gaussian:1x28x28";
  ProbeInput out;
  try {
    out.shape = parse_shape(text.substr(text.find(':') + 1));
  } catch (const Error& e) {
    throw Error(flag + " '" + excerpt(text) + "': " + error_line(e) + " (expected " + example + ")");
  }
  if (tokens) {
    if (out.shape.size() != 2) throw Error(flag + " '" + excerpt(text) + "' is not " + example);
    out.vocabulary = out.shape[0];
    out.shape = {out.shape[1]};
  }
  return out;
}

torch::Tensor make_probe_input(const ProbeInput& input, std::int64_t n, std::uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  std::vector<std::int64_t> sizes{n};
  sizes.insert(sizes.end(), input.shape.begin(), input.shape.end());
  if (input.vocabulary > 0) return torch::randint(0, input.vocabulary, sizes, gen, torch::kInt64);
  return torch::randn(sizes, gen);
}

torch::Tensor probe_samples(const std::string& text, std::int64_t n, std::uint64_t seed, const std::string& flag) {
  if (const auto probe = parse_probe_input(text, flag)) return make_probe_input(*probe, n, seed);
  if (text.rfind("data:", 0) != 0)
    throw Error(flag + " '" + excerpt(text) + "' is unknown; expected gaussian:SHAPE (e.g. gaussian:3x32x32), tokens:VOCABxLEN or data:SPEC");
  DataOptions options;  // the default validation split: the same training samples as a run's
  options.seed = seed;
  const DataSplits data = load_data(text.substr(5), options);
  const torch::Tensor x = data.train.x.slice(0, 0, std::min(n, data.train.size()));
  return x.is_floating_point() ? x.to(torch::kFloat32) : x;
}

}  // namespace initlab::lab
