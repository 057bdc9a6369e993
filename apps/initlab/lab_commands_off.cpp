// Built without LibTorch (-DINITLAB_WITH_TORCH=OFF): the lab commands are absent.
#include "commands.hpp"

namespace initlab::cli {
void add_lab_commands(CLI::App&) {}
int& lab_exit_code() {
  static int code = 0;
  return code;
}
int start_lab_session(int*, char***) { return -1; }
void end_lab_session() {}
}  // namespace initlab::cli
