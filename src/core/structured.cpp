#include "structured.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <vector>

#include "initlab/error.hpp"
#include "initlab/number_text.hpp"
#include "initlab/shape.hpp"

namespace initlab::detail {
namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void require_rank(std::string_view who, std::span<const std::int64_t> shape, std::size_t lo, std::size_t hi) {
  if (shape.size() < lo || shape.size() > hi)
    throw Error(std::string(who) + ": shape " + format_shape(shape) + " has rank " + std::to_string(shape.size()) +
                "; expected rank " + (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)));
}

// Offset of element (o, i, centre of every kernel axis) in a row-major (out, in, *k) tensor.
std::int64_t centre_offset(std::span<const std::int64_t> shape, std::int64_t o, std::int64_t i) {
  std::int64_t offset = o * shape[1] + i;
  for (std::size_t k = 2; k < shape.size(); ++k) offset = offset * shape[k] + shape[k] / 2;
  return offset;
}

}  // namespace

void fill_orthogonal(std::span<float> data, std::span<const std::int64_t> shape, double gain, Generator& gen,
                     const FillOptions& options) {
  if (shape.size() < 2)
    throw Error("orthogonal: shape " + format_shape(shape) + " has rank " + std::to_string(shape.size()) +
                "; only tensors with 2 or more dimensions are supported");
  if (data.empty()) return;
  const std::int64_t rows = shape[0];
  const std::int64_t cols = static_cast<std::int64_t>(data.size()) / rows;
  std::vector<float> gaussian(data.size());
  sample(gaussian, NormalDist{0.0, 1.0}, gen, options);
  // The flattened (rows x cols) row-major draw; transposed when rows < cols, so A is tall.
  const Eigen::Map<const RowMatrix> drawn(gaussian.data(), rows, cols);
  const bool wide = rows < cols;
  const Eigen::MatrixXf a = wide ? Eigen::MatrixXf(drawn.transpose()) : Eigen::MatrixXf(drawn);
  const Eigen::Index m = a.rows(), k = a.cols();
  const Eigen::HouseholderQR<Eigen::MatrixXf> qr(a);
  Eigen::MatrixXf q = qr.householderQ() * Eigen::MatrixXf::Identity(m, k);
  const auto& r = qr.matrixQR();
  for (Eigen::Index j = 0; j < k; ++j) {
    const float d = r(j, j);
    q.col(j) *= static_cast<float>((d > 0) - (d < 0));  // sign(diag R), as torch: sign(0) = 0
  }
  Eigen::Map<RowMatrix> out(data.data(), rows, cols);
  if (wide) out = q.transpose(); else out = q;
  out *= static_cast<float>(gain);
}

void fill_eye(std::span<float> data, std::span<const std::int64_t> shape) {
  require_rank("eye", shape, 2, 2);
  std::fill(data.begin(), data.end(), 0.0f);
  for (std::int64_t i = 0; i < std::min(shape[0], shape[1]); ++i) data[i * shape[1] + i] = 1.0f;
}

void fill_dirac(std::span<float> data, std::span<const std::int64_t> shape, std::int64_t groups) {
  require_rank("dirac", shape, 3, 5);
  if (groups < 1 || shape[0] % groups != 0)
    throw Error("dirac: groups=" + std::to_string(groups) + " does not divide the " + std::to_string(shape[0]) +
                " output channels of shape " + format_shape(shape) + "; expected a positive divisor");
  std::fill(data.begin(), data.end(), 0.0f);
  const std::int64_t per_group = shape[0] / groups;
  const std::int64_t min_dim = std::min(per_group, shape[1]);
  for (std::int64_t g = 0; g < groups; ++g)
    for (std::int64_t d = 0; d < min_dim; ++d) data[centre_offset(shape, g * per_group + d, d)] = 1.0f;
}

void fill_delta_orthogonal(std::span<float> data, std::span<const std::int64_t> shape, double gain, Generator& gen,
                           const FillOptions& options) {
  // Rank 2 is a 1x1 kernel (a Linear layer): the delta-orthogonal kernel is then the orthogonal matrix.
  require_rank("delta_orthogonal", shape, 2, 5);
  std::fill(data.begin(), data.end(), 0.0f);
  const std::int64_t out = shape[0], in = shape[1];
  std::vector<float> h(static_cast<std::size_t>(out * in));
  const std::int64_t matrix_shape[] = {out, in};
  fill_orthogonal(h, matrix_shape, gain, gen, options);
  for (std::int64_t o = 0; o < out; ++o)
    for (std::int64_t i = 0; i < in; ++i) data[centre_offset(shape, o, i)] = h[o * in + i];
}

void fill_sparse(std::span<float> data, std::span<const std::int64_t> shape, double sparsity, double stddev,
                 Generator& gen, const FillOptions& options) {
  require_rank("sparse", shape, 2, 2);
  if (!(sparsity >= 0.0 && sparsity <= 1.0))
    throw Error("sparse: sparsity=" + number_text(sparsity) + " is out of range; expected a value in [0, 1]");
  const std::int64_t rows = shape[0], cols = shape[1];
  const auto zeros = static_cast<std::int64_t>(std::ceil(sparsity * static_cast<double>(rows)));
  sample(data, NormalDist{0.0, stddev}, gen, options);
  std::vector<std::int64_t> perm(static_cast<std::size_t>(rows));
  for (std::int64_t c = 0; c < cols; ++c) {
    // torch.randperm(rows) on the CPU generator: swap i with i + random() % (rows - i).
    std::iota(perm.begin(), perm.end(), std::int64_t{0});
    for (std::int64_t i = 0; i + 1 < rows; ++i) {
      const std::int64_t z = static_cast<std::int64_t>(gen.next_u32() % static_cast<std::uint64_t>(rows - i));
      std::swap(perm[i], perm[i + z]);
    }
    for (std::int64_t k = 0; k < zeros; ++k) data[perm[k] * cols + c] = 0.0f;
  }
}

void fill_zero_init(std::span<float> data, std::span<const std::int64_t> shape) {
  require_rank("zero_init", shape, 2, 5);
  std::fill(data.begin(), data.end(), 0.0f);
  const std::int64_t out = shape[0], in = shape[1];
  if (out <= in) {  // identity, or the partial identity [I 0]
    for (std::int64_t i = 0; i < out; ++i) data[centre_offset(shape, i, i)] = 1.0f;
    return;
  }
  // Dimension-increasing: the first rows/cols of the Sylvester-Hadamard matrix of size
  // p = 2^ceil(log2(out)), normalized by sqrt(p) as in the authors' reference code.
  const auto p = static_cast<std::uint64_t>(std::bit_ceil(static_cast<std::uint64_t>(out)));
  const float c = static_cast<float>(1.0 / std::sqrt(static_cast<double>(p)));
  for (std::int64_t o = 0; o < out; ++o)
    for (std::int64_t i = 0; i < in; ++i)
      data[centre_offset(shape, o, i)] = (std::popcount(static_cast<std::uint64_t>(o & i)) & 1) ? -c : c;
}

}  // namespace initlab::detail
