#include "initlab/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <pthread.h>

#include <csignal>
#include <cstring>
#include <mutex>
#include <string>

#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"

namespace initlab {
namespace {

// Live temporary files, readable from a signal handler: a fixed table of paths, each slot
// published with a release store after its path is written.
constexpr int kSlots = 32;
struct Slot {
  std::atomic<bool> used{false};
  char path[PATH_MAX] = {};
};
std::array<Slot, kSlots> g_slots;
std::mutex g_slots_mutex;  // claims and releases (never taken in the handler)

int claim_slot(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  std::lock_guard lock(g_slots_mutex);
  for (int i = 0; i < kSlots; ++i) {
    if (g_slots[i].used.load(std::memory_order_relaxed)) continue;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    g_slots[i].used.store(true, std::memory_order_release);
    return i;
  }
  return -1;  // more than kSlots files at once: still removed by the destructor
}

void release_slot(int i) {
  if (i < 0) return;
  std::lock_guard lock(g_slots_mutex);
  g_slots[i].used.store(false, std::memory_order_release);
}

extern "C" void remove_temp_files_and_die(int sig) {
  for (auto& s : g_slots)
    if (s.used.load(std::memory_order_acquire)) ::unlink(s.path);  // async-signal-safe
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

mode_t creation_mode() {
  static const mode_t mode = [] {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return static_cast<mode_t>(0666 & ~mask);
  }();
  return mode;
}

std::string why(int err) { return std::strerror(err); }

}  // namespace

AtomicFile::AtomicFile(const std::filesystem::path& target) : target_(target) {
  if (target.empty()) throw Error("an output path is empty; expected a file name");
  const std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  const auto dir_status = std::filesystem::status(dir, ec);
  if (ec && dir_status.type() != std::filesystem::file_type::not_found)
    throw Error("cannot write '" + excerpt(target.string()) + "': " + ec.message());
  if (dir_status.type() != std::filesystem::file_type::directory)
    throw Error("cannot write '" + excerpt(target.string()) + "': folder '" + excerpt(dir.string()) + "' does not exist");
  const auto target_status = std::filesystem::status(target, ec);
  if (ec && target_status.type() != std::filesystem::file_type::not_found)
    throw Error("cannot write '" + excerpt(target.string()) + "': " + ec.message());
  if (target_status.type() == std::filesystem::file_type::directory)
    throw Error("cannot write '" + excerpt(target.string()) + "': it is a folder");
  creation_mode();  // read the umask before any thread could race on it
  std::string pattern = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  // SIGINT / SIGTERM / SIGHUP held back from creating the file until the handler can see it (its
  // slot claimed; nothing in between allocates or throws): a signal in between would leave the
  // file behind (seen once under load in cli.hardening).
  sigset_t held, previous;
  sigemptyset(&held);
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&held, sig);
  ::pthread_sigmask(SIG_BLOCK, &held, &previous);
  fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
  const int err = errno;
  if (fd_ >= 0) slot_ = claim_slot(pattern);
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (fd_ < 0) throw Error("cannot write '" + target.string() + "': " + why(err));
  temp_ = pattern;
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
  release_slot(slot_);
}

void AtomicFile::write(std::string_view bytes) {
  if (fd_ < 0) throw Error("cannot write '" + target_.string() + "': the file is already closed");
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error("cannot write '" + target_.string() + "': " + (n < 0 ? why(errno) : std::string("no space written")));
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

void AtomicFile::commit() {
  if (fd_ >= 0) {
    if (::fchmod(fd_, creation_mode()) != 0 || ::fsync(fd_) != 0)
      throw Error("cannot write '" + target_.string() + "': " + why(errno));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw Error("cannot write '" + target_.string() + "': " + why(errno));
  }
  if (::rename(temp_.c_str(), target_.c_str()) != 0) throw Error("cannot write '" + target_.string() + "': " + why(errno));
  committed_ = true;
  release_slot(slot_);
  slot_ = -1;
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content);
  file.commit();
}

void install_temp_file_cleanup() {
  struct sigaction action {};
  action.sa_handler = remove_temp_files_and_die;
  sigemptyset(&action.sa_mask);
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &action, nullptr);
}

}  // namespace initlab
