// What a run was made with: library versions and the machine, stored with every run.
#pragma once
#include <string>

namespace initlab::lab {

// "Linux 6.1 x86_64, <CPU model>, 2 hardware threads"
std::string machine_text();
// initlab, LibTorch and SQLite versions, then machine_text().
std::string versions_text();

}  // namespace initlab::lab
