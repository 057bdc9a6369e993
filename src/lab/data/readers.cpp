#include "data/readers.hpp"

#include <torch/torch.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numbers>
#include <sstream>

#include "data/idx.hpp"
#include "initlab/error.hpp"
#include "initlab/input_file.hpp"
#include "initlab/number_text.hpp"

namespace initlab::lab {
namespace {

constexpr std::int64_t kCifarRecord = 1 + 3 * 32 * 32;
constexpr std::int64_t kMaxCsvClassIndex = 2147483647;  // labels index the output layer
// A CIFAR-10 batch holds 10000 records (30.7 MB); a file (or a gzip stream) larger than this is not one.
constexpr std::uint64_t kMaxCifarFileBytes = std::uint64_t{1} << 30;

Dataset read_cifar_files(const std::vector<std::filesystem::path>& files) {
  std::string all;
  for (const auto& f : files) {
    require_input_file(f, "CIFAR-10 file");
    const std::string bytes = read_maybe_gzip(f, kMaxCifarFileBytes);
    if (bytes.size() > kMaxCifarFileBytes)
      throw Error("'" + f.string() + "' holds more than " + std::to_string(kMaxCifarFileBytes) +
                  " bytes (read no further); a CIFAR-10 batch is 10000 records of 3073 bytes");
    if (bytes.empty() || bytes.size() % kCifarRecord != 0)
      throw Error("'" + f.string() + "' has " + std::to_string(bytes.size()) +
                  " bytes, not a whole number of 3073-byte CIFAR-10 records");
    all += bytes;
  }
  const std::int64_t n = static_cast<std::int64_t>(all.size()) / kCifarRecord;
  auto x = torch::empty({n, 3, 32, 32}, torch::kUInt8);
  auto y = torch::empty({n}, torch::kInt64);
  for (std::int64_t i = 0; i < n; ++i) {
    const auto label = static_cast<unsigned char>(all[i * kCifarRecord]);
    if (label > 9) throw Error("CIFAR-10 record " + std::to_string(i) + " has label " + std::to_string(label) + " (expected 0..9)");
    y.data_ptr<std::int64_t>()[i] = static_cast<std::int64_t>(label);
    std::memcpy(x.data_ptr<std::uint8_t>() + i * (kCifarRecord - 1), all.data() + i * kCifarRecord + 1, kCifarRecord - 1);
  }
  return {x.to(torch::kFloat32), y};
}

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (const char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) { out.push_back(cur); cur.clear(); }
    else if (c != '\r') cur += c;
  }
  out.push_back(cur);
  return out;
}

bool parse_double(const std::string& text, double& value) {
  std::size_t b = text.find_first_not_of(" \t"), e = text.find_last_not_of(" \t");
  if (b == std::string::npos) return false;
  const auto [ptr, ec] = std::from_chars(text.data() + b, text.data() + e + 1, value);
  return ec == std::errc() && ptr == text.data() + e + 1 && std::isfinite(value);
}

}  // namespace

DataSplits read_cifar10_dir(const std::filesystem::path& dir, const std::string& name) {
  require_input_folder(dir, "data folder");
  std::vector<std::filesystem::path> train;
  for (int b = 1; b <= 5; ++b) train.push_back(dir / ("data_batch_" + std::to_string(b) + ".bin"));
  DataSplits s;
  s.name = name;
  s.train = read_cifar_files(train);
  s.test = read_cifar_files({dir / "test_batch.bin"});
  s.num_classes = 10;
  s.sample_shape = {3, 32, 32};
  return s;
}

DataSplits read_csv(const SpecOptions& options, const std::string& name) {
  const std::filesystem::path file = options.head();
  const bool regression = options.has("target");
  if (options.has("label") == regression)
    throw Error("--data '" + options.spec() + "' needs exactly one of label=COLUMN (classification) or target=COLUMN (regression)");
  const std::string wanted = options.text(regression ? "target" : "label");
  require_input_file(file, "CSV file");
  std::ifstream in(file);
  if (!in) throw Error("cannot read CSV file '" + excerpt(file.string()) + "'");
  std::string line;
  std::vector<std::vector<double>> rows;
  std::vector<std::string> header;
  std::int64_t column = -1, line_no = 0;
  std::size_t width = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const auto fields = split_csv_line(line);
    std::vector<double> values(fields.size());
    bool numeric = true;
    for (std::size_t i = 0; i < fields.size(); ++i) numeric = numeric && parse_double(fields[i], values[i]);
    if (width == 0) {
      width = fields.size();
      if (!numeric) {  // a header row names the columns
        header = fields;
        continue;
      }
    }
    if (fields.size() != width)
      throw Error("'" + file.string() + "' line " + std::to_string(line_no) + " has " + std::to_string(fields.size()) +
                  " fields, expected " + std::to_string(width));
    if (!numeric) throw Error("'" + file.string() + "' line " + std::to_string(line_no) + " has a field that is not a number");
    rows.push_back(std::move(values));
  }
  if (rows.empty()) throw Error("CSV file '" + file.string() + "' has no data rows");
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == wanted) column = static_cast<std::int64_t>(i);
  if (column < 0) {
    std::int64_t v = -1;
    const auto& t = wanted;
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec == std::errc() && ptr == t.data() + t.size() && v >= 0 && v < static_cast<std::int64_t>(width)) column = v;
  }
  if (column < 0) throw Error("CSV file '" + file.string() + "' has no column '" + excerpt(wanted, 40) + "'");
  const std::int64_t n = static_cast<std::int64_t>(rows.size()), f = static_cast<std::int64_t>(width) - 1;
  auto x = torch::empty({n, f}, torch::kFloat32);
  auto y = regression ? torch::empty({n, 1}, torch::kFloat32) : torch::empty({n}, torch::kInt64);
  auto xa = x.accessor<float, 2>();
  float* targets = regression ? y.data_ptr<float>() : nullptr;
  std::int64_t* classes = regression ? nullptr : y.data_ptr<std::int64_t>();
  for (std::int64_t r = 0; r < n; ++r) {
    std::int64_t k = 0;
    for (std::int64_t c = 0; c <= f; ++c) {
      if ((c != column || regression) && !std::isfinite(static_cast<float>(rows[r][c])))  // finite as a double, beyond float32
        throw Error("'" + file.string() + "' data row " + std::to_string(r + 1) + ": value " + number_text(rows[r][c]) +
                    " is out of the float32 range (magnitude at most 3.4e38)");
      if (c == column) continue;
      xa[r][k++] = static_cast<float>(rows[r][c]);
    }
    const double label = rows[r][column];
    if (regression) {
      targets[r] = static_cast<float>(label);
    } else {
      if (label < 0 || label != std::floor(label) || label > kMaxCsvClassIndex)  // (a cast beyond int64 is undefined)
        throw Error("'" + file.string() + "' data row " + std::to_string(r + 1) + ": label " + number_text(label) +
                    " is not a class index (an integer from 0 to " + std::to_string(kMaxCsvClassIndex) + ")");
      classes[r] = static_cast<std::int64_t>(label);
    }
  }
  DataSplits s;
  s.name = name;
  s.task = regression ? Task::regression : Task::classification;
  s.train = {x, y};
  s.sample_shape = {f};
  if (regression) s.num_outputs = 1;
  else s.num_classes = y.max().item<std::int64_t>() + 1;
  return s;
}

namespace {

// The adding problem (Hochreiter & Schmidhuber 1997, as in Le, Jaitly & Hinton 2015): each step
// holds (value ~ U(0, 1), marker); exactly two markers are 1, one in each half of the sequence;
// the target is the sum of the two marked values. Predicting 1 always gives MSE 1/6 (the variance
// of a sum of two U(0, 1)): the baseline a recurrent net must beat.
DataSplits make_adding(const SpecOptions& options, std::int64_t n, at::Generator& gen, DataSplits s) {
  if (!options.has("T"))
    throw Error("--data '" + options.spec() + "': the adding problem needs T=STEPS (the sequence length, e.g. synthetic:adding,T=100)");
  const std::int64_t steps = options.integer("T", 0, kMinAddingSteps, kMaxSequenceSteps);
  if (static_cast<double>(n) * static_cast<double>(steps) > static_cast<double>(kMaxSyntheticSteps))
    throw Error("--data '" + options.spec() + "': n x T = " + std::to_string(n) + " x " + std::to_string(steps) + " steps is more than " +
                std::to_string(kMaxSyntheticSteps) + " (" + std::to_string(kMaxSyntheticSteps * 8 / 1000000) + " MB); use a smaller n or T");
  const auto values = torch::rand({n, steps}, gen);
  const auto first = torch::randint(0, steps / 2, {n, 1}, gen, torch::kInt64);
  const auto second = torch::randint(steps / 2, steps, {n, 1}, gen, torch::kInt64);
  auto markers = torch::zeros({n, steps});
  markers.scatter_(1, first, 1.0f).scatter_(1, second, 1.0f);
  s.train = {torch::stack({values, markers}, 2), values.gather(1, first) + values.gather(1, second)};
  s.task = Task::regression;
  s.num_outputs = 1;
  s.sample_shape = {steps, 2};
  s.sequence = true;
  return s;
}

// The copy memory task (Hochreiter & Schmidhuber 1997; as in Arjovsky, Shah & Bengio 2016): the
// input is 10 symbols drawn from 8, then T - 1 blanks, a delimiter and 10 more blanks (T + 20
// steps, one-hot over 10 categories); the target is blank for T + 10 steps, then the 10 symbols.
// A class per step: 0-7 the symbols, 8 the blank (the delimiter is input only). Predicting blanks
// and then a uniform guess among the 8 symbols gives cross-entropy 10 ln 8 / (T + 20): the baseline.
DataSplits make_copy(const SpecOptions& options, std::int64_t n, at::Generator& gen, DataSplits s) {
  if (!options.has("T"))
    throw Error("--data '" + options.spec() + "': the copy task needs T=DELAY (the steps between the symbols and the recall, e.g. synthetic:copy,T=100)");
  const std::int64_t delay = options.integer("T", 0, kMinCopyDelay, kMaxSequenceSteps);
  const std::int64_t steps = delay + 2 * kCopySymbols;
  if (static_cast<double>(n) * static_cast<double>(steps) > static_cast<double>(kMaxCopySteps))
    throw Error("--data '" + options.spec() + "': n x (T + 20) = " + std::to_string(n) + " x " + std::to_string(steps) + " steps is more than " +
                std::to_string(kMaxCopySteps) + " (" + std::to_string(kMaxCopySteps * kCopyCategories * 4 / 1000000) +
                " MB of one-hot input); use a smaller n or T");
  const auto symbols = torch::randint(0, 8, {n, kCopySymbols}, gen, torch::kInt64);
  auto input = torch::full({n, steps}, kCopyBlank, torch::kInt64);
  input.slice(1, 0, kCopySymbols).copy_(symbols);
  input.select(1, delay + kCopySymbols - 1).fill_(kCopyDelimiter);
  auto target = torch::full({n, steps}, kCopyBlank, torch::kInt64);
  target.slice(1, steps - kCopySymbols, steps).copy_(symbols);
  s.train = {torch::one_hot(input, kCopyCategories).to(torch::kFloat32), target};
  s.task = Task::classification;
  s.num_classes = kCopyBlank + 1;
  s.sample_shape = {steps, kCopyCategories};
  s.sequence = true;
  s.per_step = true;
  s.blank_class = kCopyBlank;
  return s;
}

}  // namespace

DataSplits make_synthetic(const SpecOptions& options, std::uint64_t seed, const std::string& name) {
  const std::string& kind = options.head();
  const std::int64_t n = options.integer("n", kind == "regression" ? 1000 : kind == "adding" || kind == "copy" ? 10000 : 3000, 1, kMaxSyntheticSamples);
  auto gen = at::detail::createCPUGenerator(seed);  // the data's own generator, not the process-wide one
  DataSplits s;
  s.name = name;
  if (kind == "adding") return make_adding(options, n, gen, std::move(s));
  if (kind == "copy") return make_copy(options, n, gen, std::move(s));
  if (options.has("T"))
    throw Error("--data '" + options.spec() + "': option T (sequence length) is for synthetic:adding and synthetic:copy; synthetic:" + excerpt(kind, 40) +
                " is not a sequence task");
  if (kind == "regression") {
    // y = X w + 0.1 noise, 5 features: the seed notebook's random regression problem.
    const auto x = torch::randn({n, 5}, gen);
    const auto w = torch::randn({5, 1}, gen);
    s.train = {x, torch::matmul(x, w) + 0.1 * torch::randn({n, 1}, gen)};
    s.task = Task::regression;
    s.num_outputs = 1;
    s.sample_shape = {5};
  } else if (kind == "spirals") {
    // Two interleaved spirals with radius t and angle 3.5 pi t (+ pi for class 1), small noise.
    const auto t = torch::rand({n}, gen);
    const auto cls = torch::randint(0, 2, {n}, gen, torch::kInt64);
    const auto angle = t * 3.5 * std::numbers::pi + cls.to(torch::kFloat32) * std::numbers::pi;
    auto x = torch::stack({t * torch::cos(angle), t * torch::sin(angle)}, 1) + 0.02 * torch::randn({n, 2}, gen);
    s.train = {x, cls};
    s.num_classes = 2;
    s.sample_shape = {2};
  } else if (kind == "blobs") {
    const auto cls = torch::randint(0, 3, {n}, gen, torch::kInt64);
    const auto centres = torch::tensor({{-2.0f, 0.0f}, {2.0f, 0.0f}, {0.0f, 2.5f}});
    s.train = {centres.index_select(0, cls) + torch::randn({n, 2}, gen), cls};
    s.num_classes = 3;
    s.sample_shape = {2};
  } else {
    throw Error("unknown synthetic data '" + excerpt(kind, 40) + "'; expected one of: regression, spirals, blobs, adding, copy");
  }
  return s;
}

}  // namespace initlab::lab
