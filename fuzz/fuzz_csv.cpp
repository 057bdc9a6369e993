// Harness: the CSV reader (read_csv, docs/fuzzing.md). Byte 0 picks the options (label= or
// target= with a column name or index); with bit 7 set the options are the bytes up to the first
// NUL instead. The rest is the CSV file.
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "lab_calls.hpp"

using initlab::fuzz::clean;
using initlab::fuzz::finding;
using initlab::fuzz::Scratch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 16) return -1;
  static const char* const kOptions[] = {"label=y", "target=y", "label=0", "target=1", "label=2", "label=label",
                                         "target=target", "label=y,target=y", "label=-1", "label=99999999999999999999"};
  initlab::fuzz::Bytes in(data, size);
  const std::uint8_t b0 = in.byte();
  std::string options = kOptions[(b0 & 0x7f) % std::size(kOptions)];
  if (b0 & 0x80) options = std::string(in.until('\0'));
  const auto csv = in.rest();
  const auto path = Scratch::dir() / "data.csv";
  initlab::fuzz::write_file(path, csv);
  const std::string text = path.string() + "," + options;
  clean([&] {
    const auto s = initlab::fuzz::read_csv("csv:" + text, text);
    if (s.train <= 0 || s.sample_shape.size() != 1) finding("read_csv: no rows or a sample shape of rank != 1");
    if (!s.regression && (s.num_classes < 1 || s.num_classes > (std::int64_t{1} << 62))) finding("read_csv: class count out of range");
  });
  return 0;
}
