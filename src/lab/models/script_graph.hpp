// What a TorchScript model's forward graphs say about its architecture, read without running it:
// per module instance, whether its forward adds two tensors it computed (a residual connection:
// neither is a parameter or buffer read) and which activations it applies as functions
// (torch.relu, F.gelu, or a function attribute such as TransformerEncoderLayer's self.activation).
// An `if self.flag:` on a bool attribute (torchvision's use_res_connect) is resolved per instance,
// so only the branch that runs is read.
#pragma once
#include <map>
#include <string>

namespace torch::jit {
struct Module;
}

namespace initlab::lab {

struct GraphFacts {
  bool residual_add = false;
  int residual_adds = 0;      // adds of two computed tensors
  int renormalized_adds = 0;  // ... whose result goes only into a norm module (post-LN: norm1(x + f(x)))
  std::map<std::string, int> activations;  // relu, gelu, tanh, ... (activation_names()) -> calls
};

// By the instance's qualified name ("" for the model itself), every method of each.
std::map<std::string, GraphFacts> graph_facts(const torch::jit::Module& module);

}  // namespace initlab::lab
