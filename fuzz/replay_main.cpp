// The harnesses' main when they are not linked with libFuzzer (INITLAB_FUZZ=OFF, the normal
// g++ build): runs LLVMFuzzerTestOneInput over every file of the folders (or files) given, then
// over deterministic seeded mutations of them (bit flips, byte changes, insertions, deletions,
// truncation, duplication, splicing), for at most --mutations inputs or --seconds seconds.
// A harness reports a finding by aborting; this driver then writes the input that did it to
// <harness>-replay-crash.bin in the current folder (for fuzz/regressions/) before dying.
//
//   fuzz_csv [--mutations=N] [--seconds=S] [--seed=K] DIR_OR_FILE...
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

// The input being run, for the signal handler.
const std::string* g_current = nullptr;
char g_crash_path[4096] = "replay-crash.bin";

void on_fatal_signal(int sig) {
  if (g_current) {
    const int fd = ::open(g_crash_path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd >= 0) {
      std::size_t done = 0;
      while (done < g_current->size()) {
        const ssize_t n = ::write(fd, g_current->data() + done, g_current->size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
      }
      ::close(fd);
    }
    static const char msg[] = "\nreplay: the input that failed is in ";
    (void)!::write(2, msg, sizeof msg - 1);
    (void)!::write(2, g_crash_path, std::strlen(g_crash_path));
    (void)!::write(2, "\n", 1);
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

struct SplitMix {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

std::string mutate(const std::vector<std::string>& inputs, SplitMix& rng) {
  std::string s = inputs[rng.below(inputs.size())];
  static const char kInteresting[] = {0, 1, 0x7f, static_cast<char>(0x80), static_cast<char>(0xff), ',', '=', ':', '-', 'x', '\n', '"', '[', ']', '9', '.'};
  const int rounds = 1 + static_cast<int>(rng.below(4));
  for (int r = 0; r < rounds; ++r) {
    const std::size_t at = rng.below(s.size() + 1);
    switch (rng.below(9)) {
      case 0:  // flip a bit
        if (!s.empty()) s[rng.below(s.size())] ^= static_cast<char>(1u << rng.below(8));
        break;
      case 1:  // a random byte
        if (!s.empty()) s[rng.below(s.size())] = static_cast<char>(rng.next());
        break;
      case 2:  // an interesting byte, inserted
        s.insert(at, 1, kInteresting[rng.below(sizeof kInteresting)]);
        break;
      case 3:  // delete a range
        if (!s.empty()) s.erase(at == s.size() ? at - 1 : at, 1 + rng.below(16));
        break;
      case 4:  // truncate
        s.resize(rng.below(s.size() + 1));
        break;
      case 5: {  // duplicate a range
        if (s.empty()) break;
        const std::size_t from = rng.below(s.size()), len = 1 + rng.below(std::min<std::size_t>(s.size() - from, 64));
        s.insert(at, s.substr(from, len));
        break;
      }
      case 6: {  // splice: this one's head, another's tail
        const std::string& other = inputs[rng.below(inputs.size())];
        s = s.substr(0, at) + other.substr(rng.below(other.size() + 1));
        break;
      }
      case 7:  // an interesting byte, overwriting
        if (!s.empty()) s[rng.below(s.size())] = kInteresting[rng.below(sizeof kInteresting)];
        break;
      default: {  // a big-endian 32-bit value (IDX counts, lengths)
        if (s.size() < 4) break;
        const std::size_t p = rng.below(s.size() - 3);
        const std::uint32_t v = rng.below(2) ? static_cast<std::uint32_t>(rng.next()) : static_cast<std::uint32_t>(rng.below(70000));
        for (int k = 0; k < 4; ++k) s[p + k] = static_cast<char>(v >> (24 - 8 * k));
        break;
      }
    }
  }
  return s;
}

void run(const std::string& input) {
  g_current = &input;
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
  g_current = nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 3000;
  double seconds = 5;
  std::uint64_t seed = 1;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--mutations=", 0) == 0) mutations = std::atol(a.c_str() + 12);
    else if (a.rfind("--seconds=", 0) == 0) seconds = std::atof(a.c_str() + 10);
    else if (a.rfind("--seed=", 0) == 0) seed = std::strtoull(a.c_str() + 7, nullptr, 10);
    else if (std::filesystem::is_directory(a)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(a))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (std::filesystem::is_regular_file(a)) files.push_back(a);
    else if (!std::filesystem::exists(a)) continue;  // e.g. an empty regressions folder git did not keep
  }
  std::sort(files.begin(), files.end());
  const std::string name = std::filesystem::path(argv[0]).filename().string();
  std::snprintf(g_crash_path, sizeof g_crash_path, "%s-replay-crash.bin", name.c_str());
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) ::signal(sig, on_fatal_signal);

  std::vector<std::string> inputs;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    inputs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", f.c_str(), inputs.back().size());
    run(inputs.back());
  }
  if (inputs.empty()) inputs.emplace_back();
  SplitMix rng{seed};
  const auto start = std::chrono::steady_clock::now();
  long done = 0;
  for (; done < mutations; ++done) {
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > seconds) break;
    run(mutate(inputs, rng));
  }
  std::fprintf(stderr, "replay: %s: %zu files and %ld mutations ran clean (seed %llu)\n", name.c_str(), files.size(), done,
               static_cast<unsigned long long>(seed));
  return 0;
}
