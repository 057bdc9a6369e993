// Harness: the text reader and its tokenizer (read_text_dir, docs/fuzzing.md). The documents
// are the input's NUL-separated pieces after the header; document i is a neg (even) or pos (odd)
// review, in train/ or test/ (i % 4 >= 2) when the layout splits. Byte 0: bit 0 the split layout
// (DIR/{train,test}/{pos,neg}), bit 1 no test/ folder, bit 7 options from the bytes up to the
// first NUL (else byte 1 picks vocab and len).
#include <cstdint>
#include <string>

#include "fuzz_common.hpp"
#include "lab_calls.hpp"

using initlab::fuzz::clean;
using initlab::fuzz::finding;
using initlab::fuzz::Scratch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1 << 16) return -1;
  initlab::fuzz::Bytes in(data, size);
  const std::uint8_t b0 = in.byte();
  std::string options;
  if (b0 & 0x80) {
    options = std::string(in.until('\0'));
  } else {
    static const char* const kVocab[] = {"", ",vocab=3", ",vocab=5", ",vocab=10000"};
    static const char* const kLen[] = {"", ",len=1", ",len=3", ",len=50"};
    const std::uint8_t b1 = in.byte();
    options = std::string(kVocab[b1 & 3]) + kLen[(b1 >> 2) & 3];
  }
  Scratch::clear();
  const auto dir = Scratch::dir() / "text";
  const bool split = b0 & 1, with_test = !(b0 & 2);
  std::filesystem::create_directories(dir / (split ? "train/pos" : "pos"));
  std::filesystem::create_directories(dir / (split ? "train/neg" : "neg"));
  if (split && with_test) {
    std::filesystem::create_directories(dir / "test/pos");
    std::filesystem::create_directories(dir / "test/neg");
  }
  for (int i = 0; !in.empty() && i < 64; ++i) {
    const auto doc = in.until('\0');
    std::string where = split ? (i % 4 >= 2 && with_test ? "test/" : "train/") : "";
    where += i % 2 ? "pos/" : "neg/";
    initlab::fuzz::write_file(dir / where / (std::to_string(i) + ".txt"), doc);
  }
  const std::string text = dir.string() + options;
  clean([&] {
    const auto s = initlab::fuzz::read_text_dir("text:" + text, text);
    if (s.num_classes != 2 || s.vocabulary < 3 || s.sample_shape.size() != 1 || s.train < 1)
      finding("read_text_dir: unexpected classes, vocabulary or shape");
  });
  return 0;
}
