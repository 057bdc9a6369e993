#include "data/text.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "initlab/error.hpp"
#include "initlab/input_file.hpp"

namespace initlab::lab {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kMaxTokenBytes = std::int64_t{4} << 30;  // 4 GiB of token ids per split

std::vector<std::string> tokenize(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '<' && text.compare(i, 6, "<br />") == 0) {  // IMDB reviews carry HTML line breaks
      i += 5;
      if (!cur.empty()) out.push_back(std::move(cur)), cur.clear();
      continue;
    }
    if (std::isalnum(c) || c == '\'' || c >= 0x80) cur += static_cast<char>(std::tolower(c));
    else if (!cur.empty()) out.push_back(std::move(cur)), cur.clear();
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

struct Documents {
  std::vector<std::vector<std::string>> tokens;
  std::vector<std::int64_t> labels;
};

Documents read_split(const fs::path& dir) {
  Documents d;
  for (const auto& [sub, label] : {std::pair<const char*, std::int64_t>{"neg", 0}, {"pos", 1}}) {
    const fs::path folder = dir / sub;
    if (!fs::is_directory(folder)) throw Error("text data folder '" + dir.string() + "' has no " + sub + "/ folder (aclImdb layout: pos/ and neg/)");
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());  // directory order is not stable across machines
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      if (!in) throw Error("cannot read '" + f.string() + "'");
      std::stringstream ss;
      ss << in.rdbuf();
      d.tokens.push_back(tokenize(ss.str()));
      d.labels.push_back(label);
    }
  }
  if (d.tokens.empty()) throw Error("text data folder '" + dir.string() + "' has no documents in pos/ or neg/");
  return d;
}

// Documents x len token ids (int64) must fit in kMaxTokenBytes.
const Documents& checked(const Documents& d, std::int64_t len, const SpecOptions& options) {
  const auto n = static_cast<std::int64_t>(d.tokens.size());
  if (n > kMaxTokenBytes / 8 / len)
    throw Error("--data '" + options.spec() + "': " + std::to_string(n) + " documents of len=" + std::to_string(len) + " tokens need " +
                std::to_string(n * len * 8 / (1 << 20)) + " MiB, more than the limit of " + std::to_string(kMaxTokenBytes >> 20) +
                " MiB; use a smaller len");
  return d;
}

Dataset encode(const Documents& d, const std::unordered_map<std::string, std::int64_t>& ids, std::int64_t len) {
  const auto n = static_cast<std::int64_t>(d.tokens.size());
  auto x = torch::zeros({n, len}, torch::kInt64);
  auto xa = x.accessor<std::int64_t, 2>();
  for (std::int64_t i = 0; i < n; ++i) {
    const auto& t = d.tokens[i];
    const auto keep = std::min<std::int64_t>(len, static_cast<std::int64_t>(t.size()));
    const std::int64_t first = static_cast<std::int64_t>(t.size()) - keep;  // keep the end, pad in front
    for (std::int64_t k = 0; k < keep; ++k) {
      const auto it = ids.find(t[first + k]);
      xa[i][len - keep + k] = it == ids.end() ? 1 : it->second;
    }
  }
  return {x, torch::tensor(d.labels, torch::kInt64)};
}

}  // namespace

DataSplits read_text_dir(const SpecOptions& options, const std::string& name) {
  const std::int64_t vocab = options.integer("vocab", 10000, 3, kMaxVocabulary);
  const std::int64_t len = options.integer("len", 200, 1, kMaxTextLength);
  const fs::path dir = options.head();
  require_input_folder(dir, "text data folder");
  const bool split = fs::is_directory(dir / "train");
  const Documents train = read_split(split ? dir / "train" : dir);
  std::unordered_map<std::string, std::int64_t> counts;
  for (const auto& doc : train.tokens)
    for (const auto& t : doc) ++counts[t];
  std::vector<std::pair<std::string, std::int64_t>> ranked(counts.begin(), counts.end());
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  std::unordered_map<std::string, std::int64_t> ids;
  for (std::size_t k = 0; k < ranked.size() && static_cast<std::int64_t>(k) + 2 < vocab; ++k) ids[ranked[k].first] = static_cast<std::int64_t>(k) + 2;
  DataSplits s;
  s.name = name;
  s.train = encode(checked(train, len, options), ids, len);
  if (split && fs::is_directory(dir / "test")) s.test = encode(checked(read_split(dir / "test"), len, options), ids, len);
  s.num_classes = 2;
  s.sample_shape = {len};
  s.vocabulary = vocab;
  return s;
}

}  // namespace initlab::lab
