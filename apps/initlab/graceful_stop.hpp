// Ctrl-C and SIGTERM during a long command (train, compare, sweep, coordcheck, reproduce).
#pragma once
#include <unistd.h>

#include <time.h>

#include <atomic>
#include <cassert>
#include <csignal>
#include <cstdint>

namespace initlab::cli {

// While a GracefulStop lives, the first SIGINT or SIGTERM asks the command to stop after its current
// step (`flag` is set: finished runs are kept, the current one is marked interrupted) and says so on
// stderr. A second one, half a second or more later, ends the process at once through the handler in
// place before (main's, which removes temporary files and dies by the signal), so a step that does
// not return (workers that stopped answering) can be stopped without kill -9. Signals closer together
// are one request: `timeout` sends SIGTERM to the process and then to its process group, which holds
// the process too. The handlers before come back when it ends. Guards do not nest.
class GracefulStop {
 public:
  explicit GracefulStop(std::atomic<bool>& flag) {
    assert(flag_.load() == nullptr && "GracefulStop guards do not nest");
    struct sigaction before {};
    ::sigaction(SIGINT, nullptr, &before);  // saved before this handler can run
    previous_int_.store(before.sa_handler);
    ::sigaction(SIGTERM, nullptr, &before);
    previous_term_.store(before.sa_handler);
    first_ns_.store(-1);
    flag_.store(&flag);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
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
  static std::int64_t now_ns() {  // clock_gettime is async-signal-safe
    timespec t{};
    ::clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<std::int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec;
  }
  static void on_signal(int sig) {
    std::atomic<bool>* flag = flag_.load();
    const std::int64_t now = now_ns();
    if (flag != nullptr && !flag->exchange(true)) {
      first_ns_.store(now);
      static constexpr char kNote[] = "\ninitlab: stopping after the current step (Ctrl-C again stops at once)\n";
      [[maybe_unused]] const auto n = ::write(STDERR_FILENO, kNote, sizeof kNote - 1);
      return;
    }
    const std::int64_t first = first_ns_.load();
    if (first >= 0 && now - first < kSameRequestNs) return;
    Handler before = (sig == SIGINT ? previous_int_ : previous_term_).load();
    if (before == SIG_IGN || before == SIG_ERR || before == nullptr || before == on_signal) before = SIG_DFL;
    std::signal(sig, before);
    std::raise(sig);  // delivered when this handler returns (the signal is blocked inside it)
  }
  static constexpr std::int64_t kSameRequestNs = 500000000;
  static inline std::atomic<std::atomic<bool>*> flag_{nullptr};
  static inline std::atomic<std::int64_t> first_ns_{-1};
  static inline std::atomic<Handler> previous_int_{SIG_DFL};
  static inline std::atomic<Handler> previous_term_{SIG_DFL};
};

}  // namespace initlab::cli
