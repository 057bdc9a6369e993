#include "train/train_config.hpp"

#include <array>
#include <utility>

#include "initlab/error.hpp"

namespace initlab::lab {
namespace {

template <class E, std::size_t N>
E parse_named(std::string_view flag, std::string_view text, const std::array<std::pair<const char*, E>, N>& names) {
  std::string valid;
  for (const auto& [name, value] : names) {
    if (text == name) return value;
    valid += (valid.empty() ? "" : ", ") + std::string(name);
  }
  const std::string shown(text.substr(0, 40));
  throw Error(std::string(flag) + " '" + shown + (text.size() > 40 ? "...'" : "'") + " is unknown; expected one of: " + valid);
}

constexpr std::array<std::pair<const char*, Optimizer>, 2> kOptimizers{{{"sgd", Optimizer::sgd}, {"adam", Optimizer::adam}}};
constexpr std::array<std::pair<const char*, Loss>, 4> kLosses{
    {{"auto", Loss::automatic}, {"ce", Loss::ce}, {"mse", Loss::mse}, {"bce", Loss::bce}}};
constexpr std::array<std::pair<const char*, Device>, 2> kDevices{{{"cpu", Device::cpu}, {"cuda", Device::cuda}}};

template <class E, std::size_t N>
const char* name_of(E value, const std::array<std::pair<const char*, E>, N>& names) {
  for (const auto& [name, v] : names)
    if (v == value) return name;
  return "?";
}

}  // namespace

const char* to_string(Optimizer optimizer) { return name_of(optimizer, kOptimizers); }
const char* to_string(Loss loss) { return name_of(loss, kLosses); }
const char* to_string(Device device) { return name_of(device, kDevices); }
Optimizer parse_optimizer(std::string_view text) { return parse_named("--optimizer", text, kOptimizers); }
Loss parse_loss(std::string_view text) { return parse_named("--loss", text, kLosses); }
Device parse_device(std::string_view text) { return parse_named("--device", text, kDevices); }

double optimizer_state_copies(const TrainConfig& c) {
  if (c.optimizer == Optimizer::adam) return 2;
  return c.momentum > 0 ? 1 : 0;
}

}  // namespace initlab::lab
