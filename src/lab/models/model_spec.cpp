#include "models/model_spec.hpp"

#include <charconv>

#include "initlab/excerpt.hpp"
#include "initlab/error.hpp"
#include "initlab/key_values.hpp"

namespace initlab::lab {
namespace {



void check_length(const std::string& spec) {
  if (spec.size() > kMaxModelSpecLength)
    throw Error("--model '" + excerpt(spec) + "' is " + std::to_string(spec.size()) + " characters long; at most " +
                std::to_string(kMaxModelSpecLength) + " are accepted");
}

}  // namespace

std::vector<std::int64_t> parse_widths(const std::string& spec, const std::string& text) {
  std::vector<std::int64_t> widths;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('-', pos);
    if (end == std::string::npos) end = text.size();
    const std::string part = text.substr(pos, end - pos);
    const auto x = part.find('x');
    std::int64_t width = 0, repeat = 1;
    auto parse = [&](const std::string& t, std::int64_t& v) {
      const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      return !t.empty() && ec == std::errc() && p == t.data() + t.size() && v > 0;
    };
    const bool ok = x == std::string::npos ? parse(part, width) : parse(part.substr(0, x), width) && parse(part.substr(x + 1), repeat);
    if (!ok) throw Error("--model '" + excerpt(spec) + "': '" + excerpt(part) + "' is not a width N or NxK (K layers of N)");
    if (repeat > kMaxModelLayers + 1 - static_cast<std::int64_t>(widths.size()))  // IN and one width per layer
      throw Error("--model '" + excerpt(spec) + "' has more than " + std::to_string(kMaxModelLayers) + " layers; at most " +
                  std::to_string(kMaxModelLayers) + " are accepted");
    widths.insert(widths.end(), static_cast<std::size_t>(repeat), width);
    pos = end + 1;
  }
  if (widths.size() < 2) throw Error("--model '" + excerpt(spec) + "' needs at least two widths, e.g. mlp:784-128-10");
  return widths;
}

std::vector<std::int64_t> mlp_widths(const std::string& spec) {
  check_length(spec);
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (kind != "mlp" && kind != "resmlp") throw Error("--model '" + excerpt(spec) + "' is not mlp:IN-W-...-OUT or resmlp:IN-W...-OUT");
  if (arg.empty()) throw Error("--model '" + excerpt(spec) + "' needs widths, e.g. " + kind + ":784-128-10");
  // A lone NxK was propagate's "input N, then K activated layers of N" and would be train's K
  // widths of N: two networks for one string, so neither.
  if (arg.find('-') == std::string::npos && arg.find('x') != std::string::npos) {
    const std::string n = arg.substr(0, arg.find('x')), k = excerpt(arg.substr(arg.find('x') + 1));
    throw Error("--model '" + excerpt(spec) + "' is ambiguous: widths are a list IN-W-...-OUT (NxK is K widths of N; the last layer " +
                "is the output, without activation); for an input of " + excerpt(n) + " and " + k + " layers of " + excerpt(n) +
                " write " + kind + ":" + excerpt(n) + "-" + excerpt(arg) + " (see docs/models.md)");
  }
  return parse_widths(spec, arg);
}

namespace {

bool parse_positive(const std::string& t, std::int64_t& v) {
  const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  return !t.empty() && ec == std::errc() && p == t.data() + t.size() && v > 0;
}

// vit:DIM-LAYERS-HEADS[,patch=7,mlp=4,norm=pre|post|none,act=gelu]: what the data must match
// (image size, patches dividing it) is checked by the builder.
VitSpec parse_vit(const std::string& spec, const std::string& arg) {
  const std::string usage = "; expected vit:DIM-LAYERS-HEADS[,patch=7,mlp=4,norm=pre|post|none,act=gelu], e.g. vit:64-6-4";
  const auto comma = arg.find(',');
  const std::string sizes = arg.substr(0, comma);
  VitSpec v;
  std::int64_t* fields[] = {&v.dim, &v.layers, &v.heads};
  std::size_t pos = 0;
  for (int i = 0; i < 3; ++i) {
    const auto dash = i < 2 ? sizes.find('-', pos) : std::string::npos;
    if (i < 2 && dash == std::string::npos) throw Error("--model '" + excerpt(spec) + "' needs DIM-LAYERS-HEADS" + usage);
    const std::string part = sizes.substr(pos, dash == std::string::npos ? std::string::npos : dash - pos);
    if (!parse_positive(part, *fields[i]))
      throw Error("--model '" + excerpt(spec) + "': '" + excerpt(part) + "' is not a positive " + (i == 0 ? "dimension" : i == 1 ? "number of layers" : "number of heads") + usage);
    pos = dash + 1;
  }
  const KeyValues options(comma == std::string::npos ? std::string_view() : std::string_view(arg).substr(comma + 1),
                          {"--model '" + excerpt(spec) + "'", "option", "vit", {"patch", "mlp", "norm", "act"}, {}});
  constexpr std::int64_t kMaxSize = 1 << 20;
  v.patch = options.integer("patch", v.patch, 1, kMaxSize);
  v.mlp_ratio = options.integer("mlp", v.mlp_ratio, 1, 64);
  const std::string norm = options.text("norm", "pre");
  if (norm == "pre") v.norm = VitNorm::pre;
  else if (norm == "post") v.norm = VitNorm::post;
  else if (norm == "none") v.norm = VitNorm::none;
  else throw Error("--model '" + excerpt(spec) + "': norm=" + excerpt(norm) + " is unknown; expected pre, post or none");
  v.activation = options.text("act", "gelu");
  if (v.dim > kMaxSize || v.heads > v.dim) throw Error("--model '" + excerpt(spec) + "': " + std::to_string(v.heads) + " heads for a dimension of " + std::to_string(v.dim) + usage);
  if (v.dim % v.heads != 0)
    throw Error("--model '" + excerpt(spec) + "': " + std::to_string(v.heads) + " heads do not divide the dimension " + std::to_string(v.dim) +
                " (each head takes DIM / HEADS)");
  if (v.layers > kMaxModelLayers / 6)  // six Linear layers per block
    throw Error("--model '" + excerpt(spec) + "' has more than " + std::to_string(kMaxModelLayers) + " layers; at most " +
                std::to_string(kMaxModelLayers) + " are accepted");
  return v;
}

}  // namespace

std::string to_string(VitNorm norm) { return norm == VitNorm::pre ? "pre" : norm == VitNorm::post ? "post" : "none"; }

ModelSpec parse_model_spec(std::string_view text) {
  ModelSpec m;
  m.text = std::string(text);
  const std::string& spec = m.text;
  check_length(spec);
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  const std::string arg = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (kind == "mlp" || kind == "resmlp") {
    m.kind = kind == "mlp" ? ModelKind::mlp : ModelKind::resmlp;
    m.widths = mlp_widths(spec);
  } else if (kind == "cnn" && arg.empty()) {
    m.kind = ModelKind::cnn;
  } else if (kind == "rnn" && !arg.empty()) {
    m.kind = ModelKind::rnn;
    const auto dash = arg.find('-');
    m.cell = arg.substr(0, dash);
    if (m.cell == "rnn") m.cell = "tanh";
    if (m.cell != "tanh" && m.cell != "relu" && m.cell != "lstm" && m.cell != "gru")
      throw Error("--model '" + excerpt(spec) + "': cell '" + excerpt(m.cell) +
                  "' is unknown; expected one of: tanh (or rnn), relu, lstm, gru (e.g. rnn:lstm-128)");
    if (dash == std::string::npos)
      throw Error("--model '" + excerpt(spec) + "' needs HIDDEN (sequence data) or EMBEDDING-HIDDEN (token data), e.g. rnn:lstm-128 or rnn:lstm-64-64");
    // One width: the hidden units on sequence data; two: an embedding, then the hidden units, on token data.
    const std::string w = arg.substr(dash + 1);
    std::int64_t hidden = 0;
    if (w.find('-') == std::string::npos) {
      if (!parse_positive(w, hidden)) throw Error("--model '" + excerpt(spec) + "': '" + excerpt(w) + "' is not a number of hidden units");
      m.widths = {hidden};
    } else {
      m.widths = parse_widths(spec, w);
    }
    if (w.find('x') != std::string::npos || m.widths.size() > 2) throw Error("--model '" + excerpt(spec) + "' needs HIDDEN or EMBEDDING-HIDDEN, e.g. rnn:lstm-128 or rnn:lstm-64-64");
  } else if (kind == "rescnn" && !arg.empty()) {
    m.kind = ModelKind::rescnn;
    const auto x = arg.find('x');
    if (x == std::string::npos || !parse_positive(arg.substr(0, x), m.channels) || !parse_positive(arg.substr(x + 1), m.blocks))
      throw Error("--model '" + excerpt(spec) + "' is not rescnn:CHANNELSxBLOCKS, e.g. rescnn:32x4");
    if (m.blocks > kMaxModelLayers / 2)  // two convolutions per block (the memory estimate walks the blocks)
      throw Error("--model '" + excerpt(spec) + "' has more than " + std::to_string(kMaxModelLayers) + " layers; at most " +
                  std::to_string(kMaxModelLayers) + " are accepted");
  } else if (kind == "vit" && !arg.empty()) {
    m.kind = ModelKind::vit;
    m.vit = parse_vit(spec, arg);
  } else if (kind == "file") {
    if (arg.empty()) throw Error("--model '" + excerpt(spec) + "' needs a path, e.g. file:model.pt (a TorchScript model)");
    m.kind = ModelKind::file;
    m.path = arg;
  } else if (kind == "toy" && arg.empty()) {
    m.kind = ModelKind::toy;
    m.widths = {5, 10, 1};
  } else {
    throw Error("unknown --model '" + excerpt(spec) + "'; expected one of: mlp:IN-W-...-OUT, resmlp:IN-WxK-OUT, cnn, rescnn:CxK, rnn:tanh|relu|lstm|gru-HIDDEN, rnn:CELL-EMBEDDING-HIDDEN, vit:DIM-LAYERS-HEADS, toy, file:M.pt");
  }
  return m;
}

}  // namespace initlab::lab
