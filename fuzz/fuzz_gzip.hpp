// gzip-compressed files for the harnesses whose formats may come compressed (IDX, CIFAR-10).
#pragma once
#include <zlib.h>

#include <filesystem>
#include <string_view>

#include "fuzz_common.hpp"

namespace initlab::fuzz {

inline void write_gzip(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  gzFile gz = gzopen(path.c_str(), "wb1");
  if (!gz) finding("cannot write the scratch file " + path.string());
  if (!bytes.empty() && gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size())) != static_cast<int>(bytes.size()))
    finding("gzwrite failed on " + path.string());
  gzclose(gz);
}

}  // namespace initlab::fuzz
