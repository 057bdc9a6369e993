// Loading a user's TorchScript file for init / audit: a missing file or one that is not
// TorchScript is one line naming it (exit 2), never LibTorch's traceback.
#pragma once
#include <torch/script.h>

#include <filesystem>
#include <string>

#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"

namespace initlab::cli {

inline torch::jit::Module load_torchscript(const std::string& path) {
  if (!std::filesystem::exists(path)) throw Error("model file '" + excerpt(path) + "' does not exist");
  try {
    return torch::jit::load(path);
  } catch (const c10::Error& e) {
    throw Error("'" + excerpt(path) + "' is not a TorchScript model (save one with torch.jit.script(model).save(path)): " +
                std::string(e.what_without_backtrace()).substr(0, 200));
  }
}

}  // namespace initlab::cli
