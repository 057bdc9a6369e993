#include "data/idx.hpp"

#include <zlib.h>

#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <limits>

#include "initlab/error.hpp"
#include "initlab/input_file.hpp"

namespace initlab::lab {
namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803;
constexpr std::uint32_t kLabelsMagic = 0x00000801;

std::uint32_t big_endian(const std::string& bytes, std::size_t offset) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + offset);
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

std::filesystem::path find_file(const std::filesystem::path& dir, const std::string& stem) {
  for (const char* suffix : {".gz", ""}) {
    const auto p = dir / (stem + suffix);
    if (std::filesystem::exists(p)) return p;
  }
  throw Error("data folder '" + dir.string() + "' has no " + stem + " or " + stem + ".gz");
}

// A file read from its start, inflated when it is gzip-compressed (zlib reads other files as they
// are), so that a caller reads a header first and then no more than the header says.
class ByteReader {
 public:
  explicit ByteReader(const std::filesystem::path& path) : path_(path) {
    require_input_file(path, "data file");
    if (!(gz_ = gzopen(path.c_str(), "rb"))) throw Error("cannot read data file '" + excerpt(path.string()) + "': " + std::strerror(errno));
  }
  ~ByteReader() { gzclose(gz_); }
  ByteReader(const ByteReader&) = delete;
  ByteReader& operator=(const ByteReader&) = delete;

  // Appends up to n bytes to `out` and returns how many (fewer only at the end of the data). The
  // string grows as bytes arrive, so a count that the file does not back costs no memory.
  std::uint64_t read(std::string& out, std::uint64_t n) {
    constexpr std::uint64_t kFirstStep = 64 << 10, kStep = 64 << 20;
    const std::size_t start = out.size();
    std::uint64_t got = 0;
    while (got < n) {
      // Steps that double from 64 KiB to 64 MiB: a small file read with a large limit (CIFAR-10's
      // 1 GiB) does not allocate and zero 64 MiB first.
      const auto want = static_cast<unsigned>(std::min<std::uint64_t>(n - got, std::clamp<std::uint64_t>(got, kFirstStep, kStep)));
      out.resize(start + got + want);
      const int r = gzread(gz_, out.data() + start + got, want);
      if (r <= 0) break;
      got += static_cast<std::uint64_t>(r);
      if (static_cast<unsigned>(r) < want) break;  // the end of the data
    }
    out.resize(start + got);
    int err = Z_OK;
    const char* message = gzerror(gz_, &err);
    if (err != Z_OK && err != Z_STREAM_END)
      throw Error("'" + path_.string() + "' is a corrupt or truncated gzip file (" + message + ")");
    return got;
  }
  bool compressed() const { return gzdirect(gz_) == 0; }

 private:
  std::filesystem::path path_;
  gzFile gz_ = nullptr;
};

// An IDX file of unsigned bytes: the magic, one 32-bit count per dimension, then exactly the bytes
// the counts imply (no more is read, so a gzip bomb stops there). `what` names the items in messages.
std::string read_idx_file(const std::filesystem::path& path, std::uint32_t magic, int rank, const std::string& what,
                          std::vector<std::int64_t>& dims) {
  ByteReader in(path);
  const std::uint64_t header = 4 + 4 * static_cast<std::uint64_t>(rank);
  std::string bytes;
  if (in.read(bytes, header) < header || big_endian(bytes, 0) != magic) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", magic);
    throw Error("'" + path.string() + "' is not an IDX " + what + " file (expected magic " + hex + " and a " +
                std::to_string(header) + "-byte header)");
  }
  dims.clear();
  std::uint64_t payload = 1;
  std::string shape;
  for (int d = 0; d < rank; ++d) {
    const std::uint32_t count = big_endian(bytes, 4 + 4 * static_cast<std::size_t>(d));
    dims.push_back(count);
    if (d > 0) shape += (d > 1 ? "x" : "") + std::to_string(count);
    payload = count == 0 ? 0 : (payload > kMaxIdxBytes / count ? kMaxIdxBytes + 1 : payload * count);
  }
  const std::string declared = rank == 1 ? std::to_string(dims[0]) + " " + what
                                         : std::to_string(dims[0]) + " " + what + " of " + shape;
  if (payload > kMaxIdxBytes)
    throw Error("'" + path.string() + "' declares " + declared + ", more than " + std::to_string(kMaxIdxBytes >> 30) +
                " GiB of data; not read (a corrupt header, or not an IDX file)");
  const std::uint64_t got = in.read(bytes, payload);
  if (got < payload) {
    if (rank == 1)
      throw Error("'" + path.string() + "' declares " + declared + " but has " + std::to_string(got) + " label bytes");
    throw Error("'" + path.string() + "' declares " + declared + " (" + std::to_string(header + payload) + " bytes) but has " +
                std::to_string(header + got) + " bytes");
  }
  std::string extra;
  if (in.read(extra, 1) > 0) {
    const std::string size = in.compressed() ? "more (inflating stopped there)"
                                             : std::to_string(std::filesystem::file_size(path)) + " bytes";
    throw Error("'" + path.string() + "' declares " + declared + " (" + std::to_string(header + payload) + " bytes) but has " + size);
  }
  return bytes;
}

}  // namespace

std::string read_maybe_gzip(const std::filesystem::path& path, std::uint64_t limit) {
  ByteReader in(path);
  std::string out;
  in.read(out, limit == std::numeric_limits<std::uint64_t>::max() ? limit : limit + 1);
  return out;
}

Dataset read_idx_pair(const std::filesystem::path& images, const std::filesystem::path& labels) {
  std::vector<std::int64_t> image_dims, label_dims;
  const std::string img = read_idx_file(images, kImagesMagic, 3, "images", image_dims);
  const std::string lab = read_idx_file(labels, kLabelsMagic, 1, "labels", label_dims);
  const std::int64_t n = image_dims[0], rows = image_dims[1], cols = image_dims[2], nl = label_dims[0];
  if (n != nl)
    throw Error("'" + images.string() + "' has " + std::to_string(n) + " images but '" + labels.string() + "' has " +
                std::to_string(nl) + " labels");
  // With no images the payload check passes whatever the size; torch::empty would then overflow.
  if (static_cast<std::uint64_t>(rows) * static_cast<std::uint64_t>(cols) > kMaxIdxBytes)
    throw Error("'" + images.string() + "' declares images of " + std::to_string(rows) + "x" + std::to_string(cols) + ", more than " +
                std::to_string(kMaxIdxBytes >> 30) + " GiB each; not read (a corrupt header, or not an IDX file)");
  Dataset d;
  d.x = torch::empty({n, 1, rows, cols}, torch::kUInt8);
  if (n * rows * cols > 0)  // an empty tensor's data pointer may be null, and memcpy's must not be
    std::memcpy(d.x.data_ptr<std::uint8_t>(), img.data() + 16, static_cast<std::size_t>(n * rows * cols));
  d.x = d.x.to(torch::kFloat32);
  auto y = torch::empty({n}, torch::kUInt8);
  if (n > 0) std::memcpy(y.data_ptr<std::uint8_t>(), lab.data() + 8, static_cast<std::size_t>(n));
  d.y = y.to(torch::kInt64);
  return d;
}

DataSplits read_idx_dir(const std::filesystem::path& dir, const std::string& name) {
  require_input_folder(dir, "data folder");
  DataSplits s;
  s.name = name;
  s.train = read_idx_pair(find_file(dir, "train-images-idx3-ubyte"), find_file(dir, "train-labels-idx1-ubyte"));
  s.test = read_idx_pair(find_file(dir, "t10k-images-idx3-ubyte"), find_file(dir, "t10k-labels-idx1-ubyte"));
  if (s.train.x.sizes().slice(1) != s.test.x.sizes().slice(1))
    throw Error("data folder '" + dir.string() + "': train and test images have different sizes");
  if (s.train.size() == 0) throw Error("data folder '" + dir.string() + "': the training images file holds no images");
  // (max() of an empty tensor throws c10::Error: an empty test set adds no label)
  const auto max_label = std::max(s.train.y.max().item<std::int64_t>(), s.test.size() > 0 ? s.test.y.max().item<std::int64_t>() : 0);
  s.num_classes = max_label + 1;
  s.sample_shape.assign(s.train.x.sizes().begin() + 1, s.train.x.sizes().end());
  return s;
}

}  // namespace initlab::lab
