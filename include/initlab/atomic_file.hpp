// Files that are either complete or absent. A write goes to a temporary file created
// exclusively (mkstemp: a fresh random name, O_EXCL, never following a planted symlink) in the
// target's folder, is flushed to disk, and is renamed over the target. The temporary file is
// removed on every exit path: an exception, a failed write, and (once
// install_temp_file_cleanup() has run) SIGINT, SIGTERM and SIGHUP.
#pragma once
#include <filesystem>
#include <string_view>

namespace initlab {

class AtomicFile {
 public:
  // Creates the temporary file next to `target`; throws Error naming `target` when its folder
  // does not exist or is not writable.
  explicit AtomicFile(const std::filesystem::path& target);
  ~AtomicFile();  // removes the temporary file unless commit() succeeded
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);  // throws Error (disk full, file-size limit) naming the target
  // Flushes, closes and renames the temporary file over the target (permissions as a plain
  // create would give: 0666 minus the umask). Throws Error naming the target on failure.
  void commit();
  // For writers that need a path (e.g. a library that saves to a file name): the temporary file,
  // which exists and is empty until written.
  const std::filesystem::path& temp_path() const { return temp_; }

 private:
  std::filesystem::path target_, temp_;
  int fd_ = -1;
  int slot_ = -1;  // in the signal-cleanup registry
  bool committed_ = false;
};

// Writes `content` to `path` through an AtomicFile.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove every live temporary file and then
// end the process by the same signal (as if unhandled). A program that installs its own handler
// for one of them later (e.g. to stop training gracefully) takes over that signal; destructors
// still remove the files on its orderly exit.
void install_temp_file_cleanup();

}  // namespace initlab
