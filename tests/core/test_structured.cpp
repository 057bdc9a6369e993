// Structured initializers: orthogonality and sign convention, exact eye / dirac /
// delta-orthogonal / ZerO structure, sparse zero counts per column.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <bit>
#include <cmath>
#include <vector>

#include "initlab/initlab.hpp"

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::vector<float> init(const char* spec, const initlab::Shape& shape, initlab::Generator gen = initlab::Generator::philox(9)) {
  std::vector<float> w(static_cast<std::size_t>(initlab::numel(shape)));
  initlab::initialize(w, shape, initlab::parse_spec(spec), gen);
  return w;
}

TEST(Orthogonal, RowsOrColumnsAreOrthonormalTimesGain) {
  for (const initlab::Shape& s : {initlab::Shape{50, 50}, {80, 30}, {30, 80}, {16, 8, 3, 3}}) {
    const auto w = init("orthogonal:gain=2", s);
    const Eigen::Index rows = s[0], cols = static_cast<Eigen::Index>(w.size()) / rows;
    const Eigen::Map<const RowMatrix> q(w.data(), rows, cols);
    const Eigen::MatrixXd qd = q.cast<double>() / 2.0;
    const Eigen::MatrixXd gram = rows >= cols ? Eigen::MatrixXd(qd.transpose() * qd) : Eigen::MatrixXd(qd * qd.transpose());
    EXPECT_LT((gram - Eigen::MatrixXd::Identity(gram.rows(), gram.cols())).norm(), 1e-5) << initlab::format_shape(s);
  }
}

TEST(Orthogonal, SignConventionMakesDiagRPositive) {
  // Q comes from the QR of the N(0,1) draw A; with the sign fix R = Q^T A has a positive diagonal.
  const initlab::Shape s{40, 25};
  const auto q = init("orthogonal", s, initlab::Generator::torch(5));
  std::vector<float> a(40 * 25);
  initlab::Generator g = initlab::Generator::torch(5);
  initlab::sample(a, initlab::NormalDist{0, 1}, g);
  const Eigen::Map<const RowMatrix> qm(q.data(), 40, 25), am(a.data(), 40, 25);
  const Eigen::MatrixXd r = qm.cast<double>().transpose() * am.cast<double>();
  for (int i = 0; i < 25; ++i) {
    EXPECT_GT(r(i, i), 0.0);
    for (int j = 0; j < i; ++j) EXPECT_NEAR(r(i, j), 0.0, 1e-4);
  }
}

TEST(Orthogonal, EntriesHaveVariance1OverN) {
  // Haar-distributed rows of a square orthogonal matrix: every entry has mean 0 and variance 1/n.
  double sum = 0, sum2 = 0;
  for (int rep = 0; rep < 20; ++rep) {
    const auto w = init("orthogonal", {64, 64}, initlab::Generator::philox(rep));
    for (float x : w) { sum += x; sum2 += double(x) * x; }
  }
  const double n = 20 * 64 * 64;
  EXPECT_NEAR(sum / n, 0.0, 5 * std::sqrt(1.0 / 64 / n));
  EXPECT_NEAR(sum2 / n, 1.0 / 64, 1e-4);
}

TEST(Structured, EyeIsExact) {
  const auto w = init("eye", {3, 5});
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) EXPECT_EQ(w[i * 5 + j], i == j ? 1.0f : 0.0f);
  EXPECT_THROW(init("eye", {3, 3, 3}), initlab::Error);
}

TEST(Structured, DiracWithGroupsIsExact) {
  const initlab::Shape s{8, 4, 3, 3};
  const auto w = init("dirac:groups=2", s);
  int ones = 0;
  for (int o = 0; o < 8; ++o)
    for (int i = 0; i < 4; ++i)
      for (int h = 0; h < 3; ++h)
        for (int x = 0; x < 3; ++x) {
          const bool expect = (o % 4 == i) && h == 1 && x == 1;  // 4 outputs per group, min(4, 4) = 4
          EXPECT_EQ(w[((o * 4 + i) * 3 + h) * 3 + x], expect ? 1.0f : 0.0f);
          ones += expect;
        }
  EXPECT_EQ(ones, 8);
  try {
    init("dirac:groups=3", s);
    FAIL();
  } catch (const initlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("groups=3 does not divide"), std::string::npos) << e.what();
  }
}

TEST(Structured, DeltaOrthogonalHasAnOrthogonalCentreAndZerosElsewhere) {
  const initlab::Shape s{16, 8, 3, 3};
  const auto w = init("delta_orthogonal", s);
  RowMatrix centre(16, 8);
  for (int o = 0; o < 16; ++o)
    for (int i = 0; i < 8; ++i)
      for (int h = 0; h < 3; ++h)
        for (int x = 0; x < 3; ++x) {
          const float v = w[((o * 8 + i) * 3 + h) * 3 + x];
          if (h == 1 && x == 1) centre(o, i) = v; else EXPECT_EQ(v, 0.0f);
        }
  const Eigen::MatrixXd c = centre.cast<double>();
  EXPECT_LT((c.transpose() * c - Eigen::MatrixXd::Identity(8, 8)).norm(), 1e-5);
  // A matrix is a 1x1 kernel: delta-orthogonal is then orthogonal, the same draw.
  EXPECT_EQ(init("delta_orthogonal:gain=2", initlab::Shape{6, 9}), init("orthogonal:gain=2", initlab::Shape{6, 9}));
}

// Sylvester-Hadamard entry written independently: H_1 = [1], H_2k = [[H, H], [H, -H]].
int hadamard(int i, int j, int p) {
  if (p == 1) return 1;
  const int h = p / 2;
  const int sign = (i >= h && j >= h) ? -1 : 1;
  return sign * hadamard(i % h, j % h, h);
}

TEST(Structured, ZerOMatricesAreExactlyAsSpecified) {
  const auto square = init("zero_init", {6, 6});
  const auto narrow = init("zero_init", {4, 7});
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) EXPECT_EQ(square[i * 6 + j], i == j ? 1.0f : 0.0f);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 7; ++j) EXPECT_EQ(narrow[i * 7 + j], i == j ? 1.0f : 0.0f);
  const auto wide = init("ZerO", {12, 5});  // out > in: p = 16
  for (int i = 0; i < 12; ++i)
    for (int j = 0; j < 5; ++j) EXPECT_EQ(wide[i * 5 + j], static_cast<float>(hadamard(i, j, 16) / 4.0)) << i << "," << j;
  // Conv kernels: the matrix at the kernel centre.
  const auto conv = init("zero_init", {4, 4, 3, 3});
  for (int o = 0; o < 4; ++o)
    for (int i = 0; i < 4; ++i) EXPECT_EQ(conv[((o * 4 + i) * 3 + 1) * 3 + 1], o == i ? 1.0f : 0.0f);
  // No randomness at all: any generator, any seed, same result.
  EXPECT_EQ(init("zero_init", {12, 5}, initlab::Generator::torch(1)), wide);
}

TEST(Structured, SparseHasTheExactZeroCountPerColumn) {
  for (const double sparsity : {0.0, 0.1, 0.35, 1.0}) {
    const initlab::Shape s{37, 23};
    std::vector<float> w(37 * 23);
    initlab::Generator g = initlab::Generator::philox(4);
    initlab::initialize(w, s, initlab::Sparse{sparsity, 0.5}, g);
    const int expected = static_cast<int>(std::ceil(sparsity * 37));
    for (int c = 0; c < 23; ++c) {
      int zeros = 0;
      for (int r = 0; r < 37; ++r) zeros += w[r * 23 + c] == 0.0f;
      EXPECT_EQ(zeros, expected) << "sparsity " << sparsity << " column " << c;
    }
  }
}

}  // namespace
