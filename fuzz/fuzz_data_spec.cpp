// Harness: --data specs and their options (docs/fuzzing.md): load_data's dispatch on the kind
// (mnist: / idx: / fashion-mnist: / cifar10: / csv: / text: / synthetic:), the option parser
// (SpecOptions: key=value items, repeated and unknown keys, integers with ranges) and the
// --val / --normalize / --limit options. Paths in the spec are taken inside a scratch folder the
// harness fills with small valid data (never the real dataset, never a path outside it).
// Byte 0: --val and --normalize; byte 1: --limit; the rest is the spec.
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "fuzz_gzip.hpp"
#include "lab_calls.hpp"

namespace {

using initlab::fuzz::clean;
using initlab::fuzz::finding;
using initlab::fuzz::Scratch;
using initlab::fuzz::write_file;

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string idx_images(std::uint32_t n, std::uint32_t rows, std::uint32_t cols) {
  std::string s = be32(0x803) + be32(n) + be32(rows) + be32(cols);
  for (std::uint32_t i = 0; i < n * rows * cols; ++i) s += static_cast<char>(i * 37 % 256);
  return s;
}
std::string idx_labels(std::uint32_t n, std::uint32_t classes) {
  std::string s = be32(0x801) + be32(n);
  for (std::uint32_t i = 0; i < n; ++i) s += static_cast<char>(i % classes);
  return s;
}
std::string cifar_records(int n) {
  std::string s;
  for (int r = 0; r < n; ++r) {
    s += static_cast<char>(r % 10);
    for (int i = 0; i < 3072; ++i) s += static_cast<char>((i + r) % 256);
  }
  return s;
}

// The scratch folder's data: what a spec may name (relative to it).
const std::filesystem::path& sandbox() {
  static const std::filesystem::path dir = [] {
    const auto d = Scratch::dir() / "data";
    for (const char* sub : {"idx", "idxgz"}) {
      const bool gz = std::string(sub) == "idxgz";
      for (const char* split : {"train", "t10k"}) {
        const std::string img = std::string(split) + "-images-idx3-ubyte", lab = std::string(split) + "-labels-idx1-ubyte";
        if (gz) {
          initlab::fuzz::write_gzip(d / sub / (img + ".gz"), idx_images(12, 4, 3));
          initlab::fuzz::write_gzip(d / sub / (lab + ".gz"), idx_labels(12, 3));
        } else {
          write_file(d / sub / img, idx_images(12, 4, 3));
          write_file(d / sub / lab, idx_labels(12, 3));
        }
      }
    }
    for (int b = 1; b <= 5; ++b) write_file(d / "cifar" / ("data_batch_" + std::to_string(b) + ".bin"), cifar_records(2));
    write_file(d / "cifar" / "test_batch.bin", cifar_records(2));
    write_file(d / "c.csv", "a,b,y\n1,2,0\n3,4,1\n5,6,2\n7,8,0\n0.5,1e3,1\n-1,-2,2\n1,1,0\n2,2,1\n3,3,2\n4,4,0\n5,5,1\n");
    write_file(d / "n.csv", "1,2,3\n4,5,6\n7,8,9\n1,0,1\n2,0,2\n3,0,3\n4,0,4\n5,0,5\n6,0,6\n7,0,7\n8,0,8\n");
    const char* docs[] = {"a good film<br />really good", "bad, bad film", "it's great", "awful and boring"};
    for (const char* top : {"txt/train", "txt/test", "flat"})
      for (int i = 0; i < 4; ++i)
        write_file(d / top / (i % 2 ? "pos" : "neg") / (std::to_string(i) + ".txt"), docs[i]);
    std::filesystem::create_directories(d / "empty");
    return d;
  }();
  return dir;
}

// The spec with its path (the item before the first comma) made relative to the sandbox, or
// empty when the path might leave it.
std::string sandboxed(const std::string& spec) {
  const auto colon = spec.find(':');
  if (colon == std::string::npos) return spec;  // "fashion-mnist" reads the real data: refused below
  const std::string kind = spec.substr(0, colon);
  if (kind != "mnist" && kind != "idx" && kind != "fashion-mnist" && kind != "cifar10" && kind != "csv" && kind != "text") return spec;
  const std::string arg = spec.substr(colon + 1);
  const std::string head = arg.substr(0, arg.find(','));
  if (head.find('/') != std::string::npos || head.find("..") != std::string::npos || head.find('\0') != std::string::npos) return "";
  return kind + ":" + (sandbox() / "").string() + arg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 1024) return -1;
  sandbox();
  initlab::fuzz::Bytes in(data, size);
  const std::uint8_t b0 = in.byte(), b1 = in.byte();
  initlab::fuzz::LoadOptions options;
  static const double kVal[] = {0.1, 0.0, 0.5, 0.99, 1.0, -0.1, 0.25, 0.9};
  static const char* const kNormalize[] = {"standard", "unit", "none", "bogus"};
  options.val_fraction = kVal[b0 & 7];
  options.normalize = kNormalize[(b0 >> 3) & 3];
  options.seed = b0 >> 5;
  options.limit = b1 < 200 ? b1 : -static_cast<std::int64_t>(b1 - 199);
  const auto rest = in.rest();
  const std::string raw(rest.data(), rest.size());
  // The option parser alone, with each kind's keys.
  static const std::vector<std::vector<std::string>> kKeys = {{"sequence"}, {"label", "target"}, {"vocab", "len"}, {"n", "T"}};
  const auto colon = raw.find(':');
  const std::string arg = colon == std::string::npos ? raw : raw.substr(colon + 1);
  clean([&] { initlab::fuzz::spec_options(raw, arg, kKeys[b0 % 4], 1, 1000); });
  // load_data, bounded: the real dataset and big synthetic sets are not what this looks for.
  if (raw.rfind("fashion-mnist", 0) == 0 && colon == std::string::npos) return 0;  // the real dataset (with its options)
  if (raw.rfind("synthetic:", 0) == 0) {  // n above 20000 or n x T above 2e6 steps: slow, and not a parser question
    std::int64_t n = 10000, steps = 1;
    std::size_t pos = arg.find(',');
    while (pos != std::string::npos) {
      const std::size_t next = arg.find(',', pos + 1);
      const std::string item = arg.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
      for (auto [key, value] : {std::pair{"n=", &n}, std::pair{"T=", &steps}})
        if (item.rfind(key, 0) == 0) {
          std::int64_t v = 0;
          const auto [p, ec] = std::from_chars(item.data() + 2, item.data() + item.size(), v);
          if (ec == std::errc()) *value = v;
        }
      pos = next;
    }
    if (n > 20000 || static_cast<double>(n) * static_cast<double>(steps) > 2e6) return 0;
  }
  const std::string spec = sandboxed(raw);
  if (spec.empty()) return 0;
  clean([&] {
    const auto s = initlab::fuzz::load_data(spec, options);
    if (s.train <= 0) finding("load_data('" + spec + "') returned no training samples");
    if (options.limit > 0 && s.train + s.val > options.limit) finding("load_data('" + spec + "') ignores --limit");
  });
  return 0;
}
