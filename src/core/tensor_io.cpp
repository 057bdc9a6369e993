#include "initlab/tensor_io.hpp"

#include <cstdio>
#include <cstring>

#include "initlab/atomic_file.hpp"
#include "initlab/error.hpp"
#include "initlab/shape.hpp"

namespace initlab {
namespace {

std::string_view raw_bytes(std::span<const float> data) {
  return {reinterpret_cast<const char*>(data.data()), data.size() * sizeof(float)};
}

std::string npy_header(std::span<const std::int64_t> shape) {
  std::string dims;
  for (std::size_t k = 0; k < shape.size(); ++k) dims += (k ? ", " : "") + std::to_string(shape[k]);
  if (shape.size() == 1) dims += ",";  // a 1-tuple in Python: (n,)
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in '\n'.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  return out;
}

std::string safetensors_header(std::span<const float> data, std::span<const std::int64_t> shape, std::string_view name) {
  std::string dims;
  for (const std::int64_t d : shape) dims += (dims.empty() ? "" : ",") + std::to_string(d);
  std::string header = "{\"" + std::string(name) + "\":{\"dtype\":\"F32\",\"shape\":[" + dims +
                       "],\"data_offsets\":[0," + std::to_string(data.size() * sizeof(float)) + "]}}";
  header.append((8 - header.size() % 8) % 8, ' ');  // keep the data 8-byte aligned
  std::string out;
  const std::uint64_t n = header.size();
  for (int b = 0; b < 8; ++b) out += static_cast<char>((n >> (8 * b)) & 0xff);
  out += header;
  return out;
}

// Row by row, written out in chunks of about 1 MiB (a large tensor is never held twice).
void write_csv(AtomicFile& file, std::span<const float> data, std::span<const std::int64_t> shape) {
  const std::int64_t rows = shape.empty() ? 1 : shape[0];
  const std::int64_t cols = rows > 0 ? static_cast<std::int64_t>(data.size()) / rows : 0;
  std::string out;
  char buf[32];
  for (std::int64_t r = 0; r < rows; ++r) {
    if (out.size() > (1u << 20)) {
      file.write(out);
      out.clear();
    }
    for (std::int64_t c = 0; c < cols; ++c) {
      const int len = std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(data[r * cols + c]));
      if (c) out += ',';
      out.append(buf, static_cast<std::size_t>(len));
    }
    out += '\n';
  }
  file.write(out);
}

}  // namespace

TensorFormat format_from_path(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".npy") return TensorFormat::npy;
  if (ext == ".safetensors") return TensorFormat::safetensors;
  if (ext == ".csv") return TensorFormat::csv;
  throw Error("output file '" + path.string() + "' has an unknown extension '" + ext +
              "'; expected one of: .npy, .safetensors, .csv");
}

void write_tensor(const std::filesystem::path& path, std::span<const float> data, std::span<const std::int64_t> shape,
                  std::string_view tensor_name) {
  const TensorFormat format = format_from_path(path);
  AtomicFile file(path);
  switch (format) {
    case TensorFormat::npy:
      file.write(npy_header(shape));
      file.write(raw_bytes(data));
      break;
    case TensorFormat::safetensors:
      file.write(safetensors_header(data, shape, tensor_name));
      file.write(raw_bytes(data));
      break;
    case TensorFormat::csv: write_csv(file, data, shape); break;
  }
  file.commit();
}

}  // namespace initlab
