// Ctrl-C and SIGTERM during a long command (train, compare, sweep, coordcheck, reproduce).
#pragma once
#include <unistd.h>

#include <atomic>
#include <csignal>

namespace initlab::cli {

// While a GracefulStop lives, the first SIGINT or SIGTERM asks the command to stop after its current
// step (`flag` is set: finished runs are kept, the current one is marked interrupted) and says so on
// stderr. A second one ends the process at once through the handler in place before (main's, which
// removes temporary files and dies by the signal), so a step that never returns (a read blocked on a
// hung file system) can always be stopped. The handlers before come back when it ends.
class GracefulStop {
 public:
  explicit GracefulStop(std::atomic<bool>& flag) {
    flag_.store(&flag);
    previous_int_.store(std::signal(SIGINT, on_signal));
    previous_term_.store(std::signal(SIGTERM, on_signal));
  }
  ~GracefulStop() {
    std::signal(SIGINT, previous_int_.load());
    std::signal(SIGTERM, previous_term_.load());
    flag_.store(nullptr);
  }
  GracefulStop(const GracefulStop&) = delete;
  GracefulStop& operator=(const GracefulStop&) = delete;

 private:
  using Handler = void (*)(int);
  static void on_signal(int sig) {
    std::atomic<bool>* flag = flag_.load();
    if (flag != nullptr && !flag->exchange(true)) {
      static constexpr char kNote[] = "\ninitlab: stopping after the current step (Ctrl-C again stops at once)\n";
      [[maybe_unused]] const auto n = ::write(STDERR_FILENO, kNote, sizeof kNote - 1);
      return;
    }
    Handler before = (sig == SIGINT ? previous_int_ : previous_term_).load();
    if (before == SIG_IGN || before == SIG_ERR || before == nullptr || before == on_signal) before = SIG_DFL;
    std::signal(sig, before);
    std::raise(sig);  // delivered when this handler returns (the signal is blocked inside it)
  }
  static inline std::atomic<std::atomic<bool>*> flag_{nullptr};
  static inline std::atomic<Handler> previous_int_{SIG_DFL};
  static inline std::atomic<Handler> previous_term_{SIG_DFL};
};

}  // namespace initlab::cli
