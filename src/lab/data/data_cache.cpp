#include "data/data_cache.hpp"

#include <nlohmann/json.hpp>

#include "data/data_spec.hpp"

namespace initlab::lab {

const DataSplits& DataCache::get(const DataSpec& spec, const DataOptions& o) {
  const std::string key = nlohmann::json{{"data", spec.text}, {"val", o.val_fraction}, {"normalize", o.normalize},
                                         {"limit", o.limit}, {"seed", o.seed}}.dump();
  auto& slot = loaded_[key];
  if (!slot) slot = std::make_shared<const DataSplits>(load_data(spec, o));
  return *slot;
}

const DataSplits& DataCache::get(const std::string& spec, const DataOptions& o) { return get(parse_data_spec(spec), o); }

}  // namespace initlab::lab
