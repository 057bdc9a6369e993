// Data sets loaded once per process and shared by the runs that need them (a sweep over many
// inits and learning rates reads Fashion-MNIST once, not once per run).
#pragma once
#include <map>
#include <memory>
#include <string>

#include "data/data_spec.hpp"
#include "data/dataset.hpp"

namespace initlab::lab {

class DataCache {
 public:
  // The data of `spec` with `options`, loaded on first use (throws Error as load_data does).
  const DataSplits& get(const DataSpec& spec, const DataOptions& options);
  const DataSplits& get(const std::string& spec, const DataOptions& options);  // parses it first

 private:
  std::map<std::string, std::shared_ptr<const DataSplits>> loaded_;
};

}  // namespace initlab::lab
