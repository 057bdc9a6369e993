#include "data/data_spec.hpp"

#include "initlab/error.hpp"

namespace initlab::lab {
DataSpec parse_data_spec(std::string_view text) {
  const std::string spec(text);
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  const auto make = [&](DataKind k, std::vector<std::string> keys) { return DataSpec{spec, k, SpecOptions(spec, arg, std::move(keys))}; };
  if (kind == "fashion-mnist" && colon == std::string::npos) return make(DataKind::fashion_mnist, {});
  if ((kind == "mnist" || kind == "idx" || kind == "fashion-mnist") && !arg.empty()) return make(DataKind::idx, {});
  if (kind == "cifar10" && !arg.empty()) return make(DataKind::cifar10, {});
  if (kind == "csv" && !arg.empty()) return make(DataKind::csv, kCsvKeys);
  if (kind == "text" && !arg.empty()) return make(DataKind::text, kTextKeys);
  if (kind == "synthetic" && !arg.empty()) return make(DataKind::synthetic, kSyntheticKeys);
  throw Error("unknown --data '" + excerpt(spec) +
              "'; expected one of: fashion-mnist, mnist:DIR, idx:DIR, cifar10:DIR, csv:FILE,label=COL, "
              "csv:FILE,target=COL, text:DIR[,vocab=N,len=L], synthetic:regression|spirals|blobs[,n=N]");
}

}  // namespace initlab::lab
