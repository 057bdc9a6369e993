// IDX files (MNIST, Fashion-MNIST), raw or gzip-compressed.
#pragma once
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>

#include "data/dataset.hpp"

namespace initlab::lab {

// Reads a file, inflating it when it is gzip-compressed, but never more than limit + 1 bytes (a
// result longer than `limit` means the file holds more). Throws Error naming the file.
std::string read_maybe_gzip(const std::filesystem::path& path, std::uint64_t limit = std::numeric_limits<std::uint64_t>::max());
// An images file (magic 0x00000803, uint8, N x rows x cols) and its labels (0x00000801, uint8, N).
// Checks magics, that the counts match the byte sizes, and that images and labels agree. Reads
// the header first and then no more than it declares (at most kMaxIdxBytes), so a gzip bomb is not
// inflated.
inline constexpr std::uint64_t kMaxIdxBytes = std::uint64_t{4} << 30;  // 4 GiB (MNIST's train images: 47 MB)
Dataset read_idx_pair(const std::filesystem::path& images, const std::filesystem::path& labels);
// The four standard files in `dir` ({train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]).
DataSplits read_idx_dir(const std::filesystem::path& dir, const std::string& name);

}  // namespace initlab::lab
