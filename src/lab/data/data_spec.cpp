#include "data/data_spec.hpp"

#include "initlab/error.hpp"

namespace initlab::lab {

const char* to_string(SequenceLayout layout) {
  switch (layout) {
    case SequenceLayout::none: return "none";
    case SequenceLayout::rows: return "rows";
    case SequenceLayout::pixels: return "pixels";
    case SequenceLayout::permuted: return "permuted";
  }
  return "none";
}

namespace {

SequenceLayout sequence_of(const SpecOptions& options) {
  if (!options.has("sequence")) return SequenceLayout::none;
  const std::string v = options.text("sequence");
  for (auto l : {SequenceLayout::rows, SequenceLayout::pixels, SequenceLayout::permuted})
    if (v == to_string(l)) return l;
  throw Error("--data '" + options.spec() + "': option sequence='" + excerpt(v, 40) +
              "' is unknown; expected one of: rows (one step per image row), pixels (one step per pixel), "
              "permuted (pixels in a fixed random order)");
}

}  // namespace

DataSpec parse_data_spec(std::string_view text) {
  const std::string spec(text);
  const auto colon = spec.find(':');
  // The bundled data has no folder: its options follow the name ("fashion-mnist,sequence=rows").
  const auto name_end = colon == std::string::npos ? spec.find(',') : colon;
  const std::string kind = spec.substr(0, name_end);
  const std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  const auto make = [&](DataKind k, std::vector<std::string> keys) { return DataSpec{spec, k, SpecOptions(spec, arg, std::move(keys))}; };
  const auto image = [&](DataKind k, std::string_view options_text) {
    DataSpec d{spec, k, SpecOptions(spec, options_text, kImageKeys)};
    d.sequence = sequence_of(d.options);
    return d;
  };
  if (kind == "fashion-mnist" && colon == std::string::npos)
    return image(DataKind::fashion_mnist, name_end == std::string::npos ? std::string_view() : std::string_view(spec).substr(name_end));
  if ((kind == "mnist" || kind == "idx" || kind == "fashion-mnist") && !arg.empty()) return image(DataKind::idx, arg);
  if (kind == "cifar10" && !arg.empty()) return image(DataKind::cifar10, arg);
  if (kind == "csv" && !arg.empty()) return make(DataKind::csv, kCsvKeys);
  if (kind == "text" && !arg.empty()) return make(DataKind::text, kTextKeys);
  if (kind == "synthetic" && !arg.empty()) return make(DataKind::synthetic, kSyntheticKeys);
  throw Error("unknown --data '" + excerpt(spec) +
              "'; expected one of: fashion-mnist, mnist:DIR, idx:DIR, cifar10:DIR, csv:FILE,label=COL, "
              "csv:FILE,target=COL, text:DIR[,vocab=N,len=L], synthetic:regression|spirals|blobs|adding|copy[,n=N,T=STEPS]; images take "
              ",sequence=rows|pixels|permuted (e.g. fashion-mnist,sequence=rows)");
}

}  // namespace initlab::lab
