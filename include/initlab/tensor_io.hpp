// Writing tensors for other tools: NumPy .npy (v1.0, '<f4', C order), .safetensors (F32, one
// tensor) and CSV (rows = first dim). Every write goes through an AtomicFile (atomic_file.hpp),
// so a failed or interrupted write leaves nothing half-written.
#pragma once
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace initlab {

enum class TensorFormat { npy, safetensors, csv };

// From the file's extension; throws Error naming the path and the valid extensions.
TensorFormat format_from_path(const std::filesystem::path& path);

void write_tensor(const std::filesystem::path& path, std::span<const float> data,
                  std::span<const std::int64_t> shape, std::string_view tensor_name = "weight");

}  // namespace initlab
