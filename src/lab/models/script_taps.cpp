#include "models/script_taps.hpp"

#include <torch/csrc/jit/runtime/graph_executor.h>

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/library.h>

#include <set>
#include <sstream>

#include "initlab/error.hpp"
#include "initlab/torch/layer_kind.hpp"
#include "train/error_line.hpp"

namespace initlab::lab {
namespace {

// The calls of the run in progress on this thread; null outside TappedModule::run (the taps then
// pass their tensors through untouched).
struct Recording {
  struct Frame {
    std::string name, type;
    torch::Tensor input;
    bool has_child = false;
  };
  std::vector<Frame> stack;
  std::vector<ModuleCall> calls;
};
thread_local Recording* recording = nullptr;

std::string short_type(const std::string& name) { return std::string(libtorch::type_base_name(name)); }

void enter_op(std::string name, std::string type, const c10::optional<at::Tensor>& x) {
  if (!recording) return;
  auto& s = recording->stack;
  if (!s.empty()) s.back().has_child = true;
  const std::string qualified = s.empty() ? name : s.back().name + "." + name;
  s.push_back({qualified, short_type(type), x ? *x : torch::Tensor(), false});
}

void finish(const torch::Tensor& output, const torch::Tensor& downstream) {
  auto& s = recording->stack;
  if (s.empty()) return;
  Recording::Frame f = std::move(s.back());
  s.pop_back();
  recording->calls.push_back({f.name, f.type, static_cast<int>(s.size()) + 1, !f.has_child, f.input, output, downstream});
}

at::Tensor tap_op(const at::Tensor& x) {
  if (!recording) return x;
  const at::Tensor copy = x.clone();  // what goes on: an in-place op after this one cannot reach x
  finish(x, copy);
  return copy;
}

void observe_op(const at::Tensor& x) {
  if (recording) finish(x, x);
}

void leave_op() {
  if (recording) finish(torch::Tensor(), torch::Tensor());
}

TORCH_LIBRARY(initlab, m) {
  // Conservative alias analysis: the JIT treats them as having side effects and keeps them in place.
  m.def(torch::schema("initlab::enter(str name, str type, Tensor? x) -> ()", c10::AliasAnalysisKind::CONSERVATIVE), &enter_op);
  m.def(torch::schema("initlab::tap(Tensor x) -> Tensor", c10::AliasAnalysisKind::CONSERVATIVE), &tap_op);
  m.def(torch::schema("initlab::observe(Tensor x) -> ()", c10::AliasAnalysisKind::CONSERVATIVE), &observe_op);
  m.def(torch::schema("initlab::leave() -> ()", c10::AliasAnalysisKind::CONSERVATIVE), &leave_op);
}

void collect_calls(torch::jit::Block* block, std::vector<torch::jit::Node*>& out) {
  for (torch::jit::Node* n : block->nodes()) {
    if (n->kind() == torch::jit::prim::CallMethod && n->s(torch::jit::attr::name).rfind("forward", 0) == 0 && n->inputs().size() >= 1) {
      const auto cls = n->input(0)->type()->cast<c10::ClassType>();
      if (cls && cls->is_module()) out.push_back(n);
    }
    for (torch::jit::Block* b : n->blocks()) collect_calls(b, out);
  }
}

// The callee's attribute path from self (layers.0), or "" for self itself.
std::string callee_path(torch::jit::Value* v, torch::jit::Value* self) {
  std::string path;
  while (v != self && v->node()->kind() == torch::jit::prim::GetAttr) {
    const std::string part = v->node()->s(torch::jit::attr::name);
    path = path.empty() ? part : part + "." + path;
    v = v->node()->input(0);
  }
  if (v != self && !path.empty()) path = "?." + path;  // reached some other way (an argument)
  return path;
}

// Wraps every call of a submodule's forward (or forward__N, an overload: LSTM) in one method's graph: enter before, a tap (or an
// observe / leave for outputs that are not one tensor) after. Returns how many calls.
int instrument(torch::jit::Graph& graph) {
  using namespace torch::jit;
  std::vector<Node*> calls;
  collect_calls(graph.block(), calls);
  Value* self = graph.inputs().empty() ? nullptr : graph.inputs()[0];
  int count = 0;
  for (Node* call : calls) {
    const std::string path = callee_path(call->input(0), self);
    if (path.empty()) continue;  // a method of self: instrumented as its own graph
    const auto cls = call->input(0)->type()->expect<c10::ClassType>();
    const std::string type = cls->name() ? cls->name()->qualifiedName() : "";
    {
      WithInsertPoint before(call);
      Value* x = nullptr;
      for (std::size_t i = 1; i < call->inputs().size() && !x; ++i)
        if (call->input(i)->type()->isSubtypeOf(*TensorType::get())) x = call->input(i);
      if (!x) x = graph.insertConstant(IValue());
      graph.insert(Symbol::fromQualString("initlab::enter"), {graph.insertConstant(path), graph.insertConstant(type), x});
    }
    WithInsertPoint after(call->next());
    Value* y = call->outputs().size() == 1 ? call->output() : nullptr;
    if (y && y->type()->isSubtypeOf(*TensorType::get())) {
      Value* copy = graph.insert(Symbol::fromQualString("initlab::tap"), {y});
      y->replaceAllUsesAfterNodeWith(copy->node(), copy);
    } else if (const auto tuple = y ? y->type()->cast<c10::TupleType>() : nullptr;
               tuple && !tuple->elements().empty() && tuple->elements()[0]->isSubtypeOf(*TensorType::get())) {
      Node* first = graph.insertNode(graph.createTupleIndex(y, graph.insertConstant(0), TensorType::get()));
      graph.insert(Symbol::fromQualString("initlab::observe"), {first->output()});
    } else {
      graph.insert(Symbol::fromQualString("initlab::leave"), {});
    }
    ++count;
  }
  return count;
}

}  // namespace

TappedModule::TappedModule(const torch::jit::Module& module) : module_(module.clone(/*inplace=*/true)) {
  // Every method of every module type, once (types are shared between instances of one class).
  std::set<const torch::jit::Graph*> done;
  for (const auto& m : module_.modules())
    for (const auto& method : m.get_methods()) {
      auto& graph = *torch::jit::toGraphFunction(method.function()).graph();
      if (done.insert(&graph).second) calls_ += instrument(graph);
    }
  for (const auto& m : module_.named_modules()) {
    auto& w = weights_[m.name];
    for (const auto& p : m.value.named_parameters(/*recurse=*/true))
      if (p.value.dim() >= 2) w.emplace_back(m.name.empty() ? p.name : m.name + "." + p.name, p.value);
    for (const auto& p : m.value.named_parameters(/*recurse=*/false))
      if (p.name == "bias" && p.value.dim() == 1) biases_[m.name] = p.value;
  }
}

const std::vector<std::pair<std::string, torch::Tensor>>& TappedModule::weights_of(const std::string& module) const {
  static const std::vector<std::pair<std::string, torch::Tensor>> none;
  const auto it = weights_.find(module);
  return it == weights_.end() ? none : it->second;
}

torch::Tensor TappedModule::bias_of(const std::string& module) const {
  const auto it = biases_.find(module);
  return it == biases_.end() ? torch::Tensor() : it->second;
}

std::vector<ModuleCall> TappedModule::run(const torch::Tensor& x, torch::Tensor* output) {
  Recording r;
  recording = &r;
  struct Reset {
    ~Reset() { recording = nullptr; }
  } reset;
  try {
    if (calls_ == 0) enter_op("", module_.type()->name() ? module_.type()->name()->qualifiedName() : "", x);
    // One-shot runs: the graph executor's profiling and optimization passes (fusion, specialization)
    // cost more than they save on a graph run once or twice, as every instrumented clone is.
    const torch::jit::GraphOptimizerEnabledGuard no_optimization(false);
    torch::jit::IValue y = module_.forward({x});
    if (calls_ == 0) observe_op(y.isTensor() ? y.toTensor() : torch::Tensor());  // a model of no submodules: one layer, itself
    if (output) {
      if (y.isTensor()) *output = y.toTensor();
      else if (y.isTuple() && !y.toTupleRef().elements().empty() && y.toTupleRef().elements()[0].isTensor())
        *output = y.toTupleRef().elements()[0].toTensor();
      else throw Error("the model's forward returns " + y.tagKind() + ", not a tensor");
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    std::ostringstream shape;
    shape << x.sizes() << " " << c10::toString(x.scalar_type());
    const std::string where = r.stack.empty() || r.stack.back().name.empty() ? "the model's forward" : "'" + r.stack.back().name + "' (" + r.stack.back().type + ")";
    throw Error(where + " fails on an input of shape " + shape.str() + ": " + root_error_line(e));
  }
  return std::move(r.calls);
}

}  // namespace initlab::lab
