#include "models/script_graph.hpp"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/script.h>

namespace initlab::lab {
namespace {

const std::string* activation_of(const std::string& op) {
  static const std::map<std::string, std::string> functional = {
      {"relu", "relu"}, {"relu_", "relu"}, {"gelu", "gelu"}, {"tanh", "tanh"}, {"tanh_", "tanh"}, {"sigmoid", "sigmoid"},
      {"silu", "silu"}, {"elu", "elu"},    {"selu", "selu"}, {"leaky_relu", "leaky_relu"}};
  const auto it = functional.find(op);
  return it == functional.end() ? nullptr : &it->second;
}

// Whether every use of v is a call of a norm module's forward (LayerNorm, BatchNorm2d, ...).
bool feeds_only_norm(torch::jit::Value* v) {
  if (v->uses().empty()) return false;
  for (const torch::jit::Use& u : v->uses()) {
    torch::jit::Node* user = u.user;
    if (user->kind() != torch::jit::prim::CallMethod || u.offset == 0) return false;
    const auto cls = user->input(0)->type()->cast<c10::ClassType>();
    if (!cls || !cls->name() || cls->name()->name().find("Norm") == std::string::npos) return false;
  }
  return true;
}

void scan(torch::jit::Block* block, torch::jit::Value* self, const torch::jit::Module& instance, GraphFacts& f) {
  const auto computed_tensor = [](torch::jit::Value* v) {
    return v->type()->cast<c10::TensorType>() && v->node()->kind() != torch::jit::prim::GetAttr &&
           v->node()->kind() != torch::jit::prim::Constant;
  };
  for (torch::jit::Node* n : block->nodes()) {
    if (n->kind() == torch::jit::prim::If && n->blocks().size() == 2) {
      torch::jit::Node* cond = n->input(0)->node();
      if (cond->kind() == torch::jit::prim::GetAttr && cond->input(0) == self) {
        const std::string name = cond->s(torch::jit::attr::name);
        if (instance.hasattr(name) && instance.attr(name).isBool()) {
          scan(n->blocks()[instance.attr(name).toBool() ? 0 : 1], self, instance, f);
          continue;
        }
      }
    }
    for (torch::jit::Block* b : n->blocks()) scan(b, self, instance, f);
    const std::string kind = n->kind().toQualString();
    if ((kind == "aten::add" || kind == "aten::add_") && n->inputs().size() >= 2 && computed_tensor(n->input(0)) && computed_tensor(n->input(1))) {
      f.residual_add = true;
      ++f.residual_adds;
      if (feeds_only_norm(n->output())) ++f.renormalized_adds;
    }
    if (n->kind().is_aten())
      if (const std::string* a = activation_of(n->kind().toUnqualString())) ++f.activations[*a];
    // F.relu(x), or self.activation(x) on a function attribute: a call of torch.nn.functional.relu.
    if (n->kind() == torch::jit::prim::CallFunction && n->inputs().size() >= 1)
      if (const auto fn = n->input(0)->type()->cast<c10::FunctionType>())
        if (const std::string* a = activation_of(fn->function()->qualname().name())) ++f.activations[*a];
  }
}

}  // namespace

std::map<std::string, GraphFacts> graph_facts(const torch::jit::Module& module) {
  std::map<std::string, GraphFacts> facts;
  for (const auto& item : module.named_modules()) {
    GraphFacts& f = facts[item.name];
    for (const auto& method : item.value.get_methods()) {
      const auto graph = torch::jit::toGraphFunction(method.function()).graph();
      scan(graph->block(), graph->inputs().empty() ? nullptr : graph->inputs()[0], item.value, f);
    }
  }
  return facts;
}

}  // namespace initlab::lab
