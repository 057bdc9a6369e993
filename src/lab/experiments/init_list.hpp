// The --inits list of compare: specs separated by commas, where a spec's own key=value
// parameters also use commas.
#pragma once
#include <string>
#include <vector>

namespace initlab::lab {

// "zeros,normal:mean=0,std=0.01,he_normal" -> {"zeros", "normal:mean=0,std=0.01", "he_normal"}:
// a comma starts a new spec unless what follows is key=value. ';' always separates. Throws
// Error when the list is empty.
std::vector<std::string> split_init_list(const std::string& text);

}  // namespace initlab::lab
