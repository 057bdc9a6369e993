// Shared pieces of the fuzz harnesses (docs/fuzzing.md): what counts as a clean rejection, a
// scratch folder for parsers that read files, and a small reader of the fuzzer's bytes.
// Torch-free, so that a harness that needs no LibTorch compiles in seconds.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>
#include <typeinfo>
#include <unistd.h>

#include "initlab/error.hpp"

namespace initlab::fuzz {

// A finding: print what happened and abort, so that libFuzzer (and the replay driver) stop
// with the input that caused it.
[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "\n==initlab-fuzz== FINDING: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// Runs `body`; initlab::Error is the project's clean rejection of bad input (the CLI prints it
// as one line and exits 2). Any other exception is a finding: the CLI would print it as
// "initlab: failed: ..." (exit 1, "the run failed"), which is wrong for bad input, and
// std::bad_alloc / std::length_error / c10::Error there mean a check is missing.
template <class F>
bool clean(F&& body) {
  try {
    body();
    return true;
  } catch (const initlab::Error&) {
    return false;
  } catch (const std::exception& e) {
    finding(std::string("unexpected exception of type ") + typeid(e).name() + ": " + e.what());
  } catch (...) {
    finding("unexpected exception that is not a std::exception");
  }
}

// A per-process scratch folder (under $TMPDIR, e.g. a tmpfs), removed at exit.
class Scratch {
 public:
  static const std::filesystem::path& dir() {
    static Scratch s;
    return s.dir_;
  }
  // Empties the folder (between inputs).
  static void clear() {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir(), ec)) std::filesystem::remove_all(entry.path(), ec);
  }

 private:
  Scratch() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/initlab-fuzz-XXXXXX";
    if (!mkdtemp(templ.data())) finding("cannot create a scratch folder under $TMPDIR");
    dir_ = templ;
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path dir_;
};

inline void write_file(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) finding("cannot write the scratch file " + path.string());
}

// Reads the fuzzer's bytes front to back; past the end every read gives zeros / empty.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(reinterpret_cast<const char*>(data)), size_(size) {}
  std::uint8_t byte() { return pos_ < size_ ? static_cast<std::uint8_t>(data_[pos_++]) : 0; }
  std::uint16_t u16() {
    const std::uint16_t hi = byte();
    return static_cast<std::uint16_t>(hi << 8 | byte());
  }
  // The next n bytes (fewer at the end).
  std::string_view take(std::size_t n) {
    n = std::min(n, size_ - pos_);
    const std::string_view out(data_ + pos_, n);
    pos_ += n;
    return out;
  }
  // Up to the next `sep` byte (which is consumed), or the rest.
  std::string_view until(char sep) {
    const std::string_view rest(data_ + pos_, size_ - pos_);
    const auto at = rest.find(sep);
    if (at == std::string_view::npos) {
      pos_ = size_;
      return rest;
    }
    pos_ += at + 1;
    return rest.substr(0, at);
  }
  std::string_view rest() { return take(size_ - pos_); }
  bool empty() const { return pos_ >= size_; }

 private:
  const char* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace initlab::fuzz
