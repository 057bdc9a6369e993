// The network schemes (initializations of a whole network rather than of one tensor), and the
// parametrizations of --param, as `initlab list` shows them: name, parameters, formula, when to use it, reference. Torch-free, so the list
// command reads it without LibTorch; netinit/network_init.hpp implements them.
#pragma once
#include <string>
#include <vector>

#include "initlab/registry.hpp"  // ParamInfo

namespace initlab::lab {

struct SchemeInfo {
  std::string name;    // as written in --init / --inits ("pretrain:ae": with its method)
  std::vector<ParamInfo> params;
  std::string formula;
  std::string use_for;
  std::string reference;
};

const std::vector<SchemeInfo>& scheme_registry();
// The parametrizations of --param (models/parametrization.hpp), listed the same way: how init and
// learning rates scale with the width.
const std::vector<SchemeInfo>& parametrization_registry();

}  // namespace initlab::lab
