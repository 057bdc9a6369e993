// Harness: IDX files, raw and gzip (docs/fuzzing.md). Byte 0: bit 0 gzip-compresses the images
// file, bit 1 the labels file (the harness compresses; a seed that is itself gzip data exercises
// corrupt streams), bit 2 reads them as a folder (read_idx_dir: the pair is both train and t10k),
// bit 3 also reads the images with read_maybe_gzip and a small limit. Bytes 1-2: the images
// file's length (big-endian); then the images bytes, then the labels bytes.
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "fuzz_gzip.hpp"
#include "lab_calls.hpp"

using initlab::fuzz::clean;
using initlab::fuzz::finding;
using initlab::fuzz::Scratch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 16) return -1;
  initlab::fuzz::Bytes in(data, size);
  const std::uint8_t flags = in.byte();
  const std::uint16_t image_bytes = in.u16();
  const auto images = in.take(image_bytes);
  const auto labels = in.rest();
  Scratch::clear();
  const auto dir = Scratch::dir() / "idx";
  const auto put = [&](const std::string& name, std::string_view bytes, bool gz) {
    if (gz) initlab::fuzz::write_gzip(dir / (name + ".gz"), bytes);
    else initlab::fuzz::write_file(dir / name, bytes);
    return dir / (name + (gz ? ".gz" : ""));
  };
  const auto img = put("train-images-idx3-ubyte", images, flags & 1);
  const auto lab = put("train-labels-idx1-ubyte", labels, flags & 2);
  if (flags & 4) {
    put("t10k-images-idx3-ubyte", images, flags & 1);
    put("t10k-labels-idx1-ubyte", labels, flags & 2);
    clean([&] {
      const auto s = initlab::fuzz::read_idx_dir(dir);
      if (s.train != s.test || s.num_classes < 1 || s.num_classes > 256) finding("read_idx_dir: inconsistent splits or class count");
    });
  } else {
    clean([&] {
      const auto s = initlab::fuzz::read_idx_pair(img, lab);
      if (s.sample_shape.size() != 3 || s.sample_shape[0] != 1) finding("read_idx_pair: sample shape is not 1 x rows x cols");
      const std::uint64_t pixels = static_cast<std::uint64_t>(s.sample_shape[1]) * static_cast<std::uint64_t>(s.sample_shape[2]);
      const bool gzip_bytes = images.size() >= 2 && images[0] == '\x1f' && images[1] == '\x8b';  // zlib inflates them
      if (!(flags & 1) && !gzip_bytes && 16 + static_cast<std::uint64_t>(s.train) * pixels != images.size())
        finding("read_idx_pair accepted an images file whose size does not match its header");
    });
  }
  if (flags & 8) {
    const std::uint64_t limit = flags >> 4;
    clean([&] {
      const auto got = initlab::fuzz::read_maybe_gzip(img, limit);
      if (got > limit + 1) finding("read_maybe_gzip returned more than limit + 1 bytes");
    });
  }
  return 0;
}
