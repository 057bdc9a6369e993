// Datasets: IDX (raw and gzip), CSV, CIFAR-10 and synthetic sets from small files written here,
// splits and normalization, and an error naming the file for every corrupt-file case.
#include <gtest/gtest.h>

#include "../common/error_of.hpp"
#include <torch/torch.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "data/dataset.hpp"
#include "data/idx.hpp"
#include "initlab/error.hpp"

namespace {

namespace fs = std::filesystem;
using initlab::lab::DataOptions;
using initlab::lab::load_data;

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("initlab-data-" + std::to_string(::getpid())) / name;
  fs::create_directories(d);
  return d;
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

void write(const fs::path& p, const std::string& bytes, bool gzip = false) {
  if (gzip) {
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
    return;
  }
  std::ofstream(p, std::ios::binary) << bytes;
}

std::string images(std::uint32_t n, std::uint32_t rows, std::uint32_t cols) {
  std::string s = be32(0x803) + be32(n) + be32(rows) + be32(cols);
  for (std::uint32_t i = 0; i < n * rows * cols; ++i) s += static_cast<char>(i % 251);
  return s;
}

std::string labels(std::uint32_t n, int classes = 3) {
  std::string s = be32(0x801) + be32(n);
  for (std::uint32_t i = 0; i < n; ++i) s += static_cast<char>(i % classes);
  return s;
}

fs::path idx_dir(const std::string& name, bool gzip) {
  const fs::path d = temp_dir(name);
  const std::string gz = gzip ? ".gz" : "";
  write(d / ("train-images-idx3-ubyte" + gz), images(50, 4, 5), gzip);
  write(d / ("train-labels-idx1-ubyte" + gz), labels(50), gzip);
  write(d / ("t10k-images-idx3-ubyte" + gz), images(10, 4, 5), gzip);
  write(d / ("t10k-labels-idx1-ubyte" + gz), labels(10), gzip);
  return d;
}

using initlab::testing::error_of;

TEST(Idx, ReadsRawAndGzipWithSplitsAndNormalization) {
  for (const bool gzip : {false, true}) {
    const fs::path d = idx_dir(gzip ? "gz" : "raw", gzip);
    DataOptions o;
    o.val_fraction = 0.2;
    const auto s = load_data("idx:" + d.string(), o);
    EXPECT_EQ(s.train.size(), 40);
    EXPECT_EQ(s.val.size(), 10);
    EXPECT_EQ(s.test.size(), 10);
    EXPECT_EQ(s.num_classes, 3);
    EXPECT_EQ(s.sample_shape, (std::vector<std::int64_t>{1, 4, 5}));
    EXPECT_NEAR(s.train.x.mean().item<double>(), 0.0, 1e-5);  // standardized with train statistics
    EXPECT_NEAR(s.train.x.std().item<double>(), 1.0, 1e-3);
    // The test split is the file's, in order: labels 0, 1, 2, 0, ...
    EXPECT_EQ(s.test.y[4].item<std::int64_t>(), 1);
  }
}

TEST(Idx, SameSeedSameSplitOtherSeedOther) {
  const fs::path d = idx_dir("seeds", false);
  DataOptions o;
  o.val_fraction = 0.2;
  const auto a = load_data("idx:" + d.string(), o);
  const auto b = load_data("idx:" + d.string(), o);
  o.seed = 1;
  const auto c = load_data("idx:" + d.string(), o);
  EXPECT_TRUE(torch::equal(a.train.y, b.train.y));
  EXPECT_FALSE(torch::equal(a.train.y, c.train.y));
}

TEST(Idx, CorruptFilesAreErrorsNamingTheFile) {
  const fs::path d = temp_dir("corrupt");
  write(d / "img", images(5, 2, 2));
  write(d / "lab", labels(5));
  write(d / "bad_magic", be32(0x804) + be32(5) + be32(2) + be32(2) + std::string(20, '\0'));
  write(d / "truncated", images(5, 2, 2).substr(0, 30));
  write(d / "short_header", be32(0x803));
  write(d / "lab4", labels(4));
  write(d / "lab_truncated", labels(5).substr(0, 10));
  std::string gz = images(5, 2, 2);
  write(d / "img.gz", gz, true);
  {  // a gzip stream cut in half
    std::ifstream in(d / "img.gz", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    write(d / "cut.gz", bytes.substr(0, bytes.size() / 2));
  }
  using initlab::lab::read_idx_pair;
  EXPECT_NE(error_of([&] { read_idx_pair(d / "bad_magic", d / "lab"); }).find("bad_magic' is not an IDX images file"), std::string::npos);
  EXPECT_NE(error_of([&] { read_idx_pair(d / "short_header", d / "lab"); }).find("short_header"), std::string::npos);
  EXPECT_NE(error_of([&] { read_idx_pair(d / "truncated", d / "lab"); }).find("declares 5 images of 2x2 (36 bytes) but has 30 bytes"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_idx_pair(d / "img", d / "lab4"); }).find("has 5 images but"), std::string::npos);
  EXPECT_NE(error_of([&] { read_idx_pair(d / "img", d / "lab_truncated"); }).find("declares 5 labels but has 2 label bytes"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_idx_pair(d / "cut.gz", d / "lab"); }).find("corrupt or truncated gzip"), std::string::npos);
  EXPECT_NE(error_of([&] { read_idx_pair(d / "missing", d / "lab"); }).find("missing"), std::string::npos);
  EXPECT_NE(error_of([&] { load_data("idx:" + (d / "nowhere").string(), {}); }).find("does not exist"), std::string::npos);
  EXPECT_EQ(read_idx_pair(d / "img.gz", d / "lab").size(), 5);
}

TEST(Idx, ReadsNoMoreThanTheHeaderDeclares) {
  const fs::path d = temp_dir("bomb");
  write(d / "lab", labels(5));
  // A gzip bomb: a header for 5 images of 2x2, then 64 MiB of zeros (64 KiB compressed).
  {
    gzFile f = gzopen((d / "bomb.gz").c_str(), "wb9");
    const std::string head = images(5, 2, 2), zeros(1 << 20, '\0');
    gzwrite(f, head.data(), static_cast<unsigned>(head.size()));
    for (int i = 0; i < 64; ++i) gzwrite(f, zeros.data(), static_cast<unsigned>(zeros.size()));
    gzclose(f);
  }
  write(d / "long", images(5, 2, 2) + "tail");
  write(d / "huge", be32(0x803) + be32(4000000000u) + be32(60000) + be32(60000) + std::string(64, '\0'));
  write(d / "huge_labels", be32(0x801) + be32(4000000000u) + std::string(64, '\0'));
  using initlab::lab::read_idx_pair;
  EXPECT_NE(error_of([&] { read_idx_pair(d / "bomb.gz", d / "lab"); })
                .find("bomb.gz' declares 5 images of 2x2 (36 bytes) but has more (inflating stopped there)"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_idx_pair(d / "long", d / "lab"); }).find("long' declares 5 images of 2x2 (36 bytes) but has 40 bytes"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_idx_pair(d / "huge", d / "lab"); }).find("huge' declares 4000000000 images of 60000x60000, more than 4 GiB"),
            std::string::npos);
  EXPECT_NE(error_of([&] { read_idx_pair(d / "img_missing", d / "huge_labels"); }).find("img_missing"), std::string::npos);
  write(d / "img", images(5, 2, 2));
  EXPECT_NE(error_of([&] { read_idx_pair(d / "img", d / "huge_labels"); }).find("declares 4000000000 labels but has 64 label bytes"),
            std::string::npos);
  // read_maybe_gzip stops one byte past its limit
  EXPECT_EQ(initlab::lab::read_maybe_gzip(d / "bomb.gz", 1000).size(), 1001u);
  EXPECT_EQ(initlab::lab::read_maybe_gzip(d / "long").size(), 40u);
}

TEST(DataSpec, UnknownOptionsAreErrorsListingTheValidOnes) {
  const fs::path d = temp_dir("spec");
  std::ofstream(d / "ok.csv") << "a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n";
  const std::string csv = "csv:" + (d / "ok.csv").string();
  const fs::path idx = idx_dir("spec_idx", false);
  struct Case {
    std::string spec, message;
  };
  for (const Case& c : {
           Case{"synthetic:blobs,nn=5", "--data 'synthetic:blobs,nn=5': unknown option 'nn'; expected one of: n, T"},
           Case{"synthetic:blobs,n=5,n=6", "option 'n' is given twice"},
           Case{"synthetic:blobs,n=0", "n='0' is invalid; expected an integer from 1 to 10000000"},
           Case{"synthetic:blobs,n=99999999999", "n='99999999999' is invalid"},
           Case{"synthetic:blobs,n=5x", "n='5x' is invalid"},
           Case{"synthetic:blobs,n", "option 'n' is not key=value; expected one of: n, T"},
           Case{"synthetic:blobs,", "ends with a comma"},
           Case{"synthetic:blobs,n=5,", "ends with a comma"},
           Case{csv + ",label=label,labl=x", "unknown option 'labl'; expected one of: label, target"},
           Case{csv + ",label=label,target=a", "needs exactly one of label=COLUMN"},
           Case{"text:" + d.string() + ",vocab=20,length=5", "unknown option 'length'; expected one of: vocab, len"},
           Case{"text:" + d.string() + ",len=100000000", "len='100000000' is invalid; expected an integer from 1 to 10000"},
           Case{"idx:" + idx.string() + ",limit=5", "unknown option 'limit'; expected one of: sequence"},
           Case{"cifar10:" + d.string() + ",x=1", "unknown option 'x'; expected one of: sequence"},
           Case{"fashion-mnist:" + idx.string() + ",n=3", "unknown option 'n'; expected one of: sequence"},
       }) {
    DataOptions o;
    EXPECT_NE(error_of([&] { load_data(c.spec, o); }).find(c.message), std::string::npos) << c.spec << ": " << error_of([&] { load_data(c.spec, o); });
  }
  // A long spec is quoted as an excerpt
  const std::string long_spec = "synthetic:blobs,n=5," + std::string(5000, 'k') + "=1";
  EXPECT_LT(error_of([&] { load_data(long_spec, {}); }).size(), 300u);
  // The options that exist still work
  DataOptions o;
  o.val_fraction = 0;
  EXPECT_EQ(load_data("idx:" + idx.string(), o).train.size(), 50);
  EXPECT_EQ(load_data("synthetic:spirals,n=100", o).train.size() + load_data("synthetic:spirals,n=100", o).test.size(), 100);
}

TEST(DataSpec, NegativeLimitIsAnError) {
  DataOptions o;
  o.limit = -5;
  EXPECT_NE(error_of([&] { load_data("synthetic:blobs", o); }).find("--limit -5 is negative; expected a number of training samples >= 0"),
            std::string::npos);
  o.limit = 0;  // all
  EXPECT_EQ(load_data("synthetic:blobs,n=100", o).train.size() + load_data("synthetic:blobs,n=100", o).val.size() +
                load_data("synthetic:blobs,n=100", o).test.size(),
            100);
}

TEST(Csv, ClassificationRegressionAndBadRows) {
  const fs::path d = temp_dir("csv");
  std::ofstream(d / "ok.csv") << "a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,2\n1,1,1\n2,2,2\n3,3,0\n4,4,1\n5,5,2\n6,6,0\n";
  DataOptions o;
  o.val_fraction = 0;
  o.normalize = "none";
  const auto s = load_data("csv:" + (d / "ok.csv").string() + ",label=label", o);
  EXPECT_EQ(s.num_classes, 3);
  EXPECT_EQ(s.sample_shape, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(s.train.size() + s.test.size(), 10);
  const auto r = load_data("csv:" + (d / "ok.csv").string() + ",target=0", o);
  EXPECT_EQ(r.task, initlab::lab::Task::regression);
  EXPECT_EQ(r.train.y.dim(), 2);
  std::ofstream(d / "fields.csv") << "a,b,label\n1,2,0\n3,4\n";
  std::ofstream(d / "text.csv") << "a,b,label\n1,2,0\n3,x,1\n";
  std::ofstream(d / "neg.csv") << "1,2,0\n3,4,-1\n";
  EXPECT_NE(error_of([&] { load_data("csv:" + (d / "fields.csv").string() + ",label=label", o); }).find("line 3 has 2 fields, expected 3"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_data("csv:" + (d / "text.csv").string() + ",label=label", o); }).find("line 3 has a field that is not a number"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_data("csv:" + (d / "neg.csv").string() + ",label=2", o); }).find("is not a class index"), std::string::npos);
  EXPECT_NE(error_of([&] { load_data("csv:" + (d / "ok.csv").string() + ",label=nope", o); }).find("has no column 'nope'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { load_data("csv:" + (d / "ok.csv").string(), o); }).find("needs exactly one of label="), std::string::npos);
}

TEST(Cifar, WrongSizeIsAnError) {
  const fs::path d = temp_dir("cifar");
  for (int b = 1; b <= 5; ++b) write(d / ("data_batch_" + std::to_string(b) + ".bin"), std::string(3073 * 2, '\1'));
  write(d / "test_batch.bin", std::string(3073, '\2'));
  const auto s = load_data("cifar10:" + d.string(), {});
  EXPECT_EQ(s.sample_shape, (std::vector<std::int64_t>{3, 32, 32}));
  EXPECT_EQ(s.train.size() + s.val.size(), 10);
  write(d / "test_batch.bin", std::string(3000, '\2'));
  EXPECT_NE(error_of([&] { load_data("cifar10:" + d.string(), {}); }).find("not a whole number of 3073-byte"), std::string::npos);
}

TEST(Synthetic, ShapesAndUnknownNames) {
  const auto r = load_data("synthetic:regression", {});
  EXPECT_EQ(r.sample_shape, (std::vector<std::int64_t>{5}));
  EXPECT_EQ(r.num_outputs, 1);
  EXPECT_EQ(r.train.size() + r.val.size() + r.test.size(), 1000);
  const auto b = load_data("synthetic:blobs,n=600", {});
  EXPECT_EQ(b.num_classes, 3);
  EXPECT_NE(error_of([] { load_data("synthetic:moons", {}); }).find("expected one of: regression, spirals, blobs"), std::string::npos);
  EXPECT_NE(error_of([] { load_data("imagenet", {}); }).find("unknown --data 'imagenet'"), std::string::npos);
}

}  // namespace

namespace {

TEST(Text, AclImdbLayoutVocabularyAndPadding) {
  const fs::path d = temp_dir("imdb");
  for (const char* split : {"train", "test"})
    for (const char* label : {"pos", "neg"}) {
      fs::create_directories(d / split / label);
      for (int i = 0; i < 6; ++i)
        std::ofstream(d / split / label / (std::to_string(i) + ".txt"))
            << (std::string(label) == "pos" ? "A great, GREAT film.<br />Loved it " : "a dull film; hated it ") << i;
    }
  DataOptions o;
  o.val_fraction = 0;
  const auto s = load_data("text:" + d.string() + ",vocab=20,len=8", o);
  EXPECT_EQ(s.vocabulary, 20);
  EXPECT_EQ(s.num_classes, 2);
  EXPECT_EQ(s.train.size(), 12);
  EXPECT_EQ(s.test.size(), 12);
  EXPECT_EQ(s.train.x.scalar_type(), torch::kInt64);
  EXPECT_EQ(s.train.x.size(1), 8);
  EXPECT_LT(s.train.x.max().item<std::int64_t>(), 20);
  // "a dull film hated it 0" has 6 tokens: two pads in front; "a great great film loved it 0" is cut to its last 8.
  const auto row = s.test.x[0];
  EXPECT_EQ(row[0].item<std::int64_t>(), 0);
  EXPECT_EQ(row[1].item<std::int64_t>(), 0);
  EXPECT_GT(row[2].item<std::int64_t>(), 1);
  EXPECT_NE(error_of([&] { load_data("text:" + (d / "train" / "pos").string(), o); }).find("has no neg/ folder"), std::string::npos);
  EXPECT_NE(error_of([&] { load_data("text:" + d.string() + ",len=0", o); }).find("len='0' is invalid"), std::string::npos);
}

}  // namespace
