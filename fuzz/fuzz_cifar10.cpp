// Harness: CIFAR-10 binary batches (read_cifar10_dir, docs/fuzzing.md). A folder with
// data_batch_1..5.bin and test_batch.bin. Byte 0: bit i (0-5) gzip-compresses file i; byte 1:
// bit i leaves file i out. Then for the first five files a 16-bit big-endian length and that many
// bytes; the test batch is the rest.
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "fuzz_gzip.hpp"
#include "lab_calls.hpp"

using initlab::fuzz::clean;
using initlab::fuzz::finding;
using initlab::fuzz::Scratch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 17) return -1;
  initlab::fuzz::Bytes in(data, size);
  const std::uint8_t gz = in.byte(), missing = in.byte();
  Scratch::clear();
  const auto dir = Scratch::dir() / "cifar";
  std::filesystem::create_directories(dir);
  for (int i = 0; i < 6; ++i) {
    const std::string_view bytes = i < 5 ? in.take(in.u16()) : in.rest();
    const std::string name = i < 5 ? "data_batch_" + std::to_string(i + 1) + ".bin" : "test_batch.bin";
    if (missing & (1 << i)) continue;
    if (gz & (1 << i)) initlab::fuzz::write_gzip(dir / name, bytes);
    else initlab::fuzz::write_file(dir / name, bytes);
  }
  clean([&] {
    const auto s = initlab::fuzz::read_cifar10_dir(dir);
    if (s.sample_shape != std::vector<std::int64_t>{3, 32, 32} || s.num_classes != 10 || s.train < 5 || s.test < 1)
      finding("read_cifar10_dir: unexpected shape, classes or sample counts");
  });
  return 0;
}
