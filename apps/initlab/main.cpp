// initlab: the command-line front end. Exit codes: 0 ok, 1 run failed, 2 bad input.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <exception>
#include <filesystem>

#include "commands.hpp"
#include "initlab/atomic_file.hpp"
#include "initlab/error.hpp"
#include "initlab/excerpt.hpp"

namespace initlab::cli {

std::string& command_line() {
  static std::string line;
  return line;
}

}  // namespace initlab::cli

namespace {

// 'it''s' style single quotes around any argument with characters a shell would interpret.
std::string shell_quoted(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (i == 0) a = "initlab";
    const bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%") == std::string::npos;
    if (!out.empty()) out += ' ';
    if (plain) {
      out += a;
      continue;
    }
    out += '\'';
    for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  initlab::install_temp_file_cleanup();  // an interrupted write leaves no temporary file behind
  // Past a file-size limit (ulimit -f) a write fails with EFBIG and is reported, instead of the
  // process being killed mid-write by SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    if (const int worker_exit = initlab::cli::start_lab_session(&argc, &argv); worker_exit >= 0) return worker_exit;
  } catch (const std::exception& e) {
    fmt::print(stderr, "initlab: error: {}\n", e.what());
    return 2;
  }
  struct EndSession {
    ~EndSession() { initlab::cli::end_lab_session(); }
  } end_session;
  initlab::cli::command_line() = shell_quoted(argc, argv);
  CLI::App app{"initlab: a laboratory for neural-network weight initialization"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "initlab 0.1.0");
  initlab::cli::add_list_command(app);
  initlab::cli::add_sample_command(app);
  initlab::cli::add_theory_command(app);
  initlab::cli::add_lab_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::RequiredError& e) {
    if (app.get_subcommands().empty())
      fmt::print(stderr, "initlab: error: a command is required; expected one of: {} (see initlab --help)\n",
                 [&] {
                   std::string names;
                   for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
                     names += (names.empty() ? "" : ", ") + sub->get_name();
                   return names;
                 }());
    else
      fmt::print(stderr, "initlab: error: {}\n", e.what());
    return 2;
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "initlab: error: {}\n", e.what());
    return 2;
  } catch (const initlab::Error& e) {
    fmt::print(stderr, "initlab: error: {}\n", e.what());
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    // A path the user gave that the file system refuses (a name too long, a link loop) where no
    // check caught it first: the path (an excerpt) and the reason, as bad input.
    fmt::print(stderr, "initlab: error: '{}': {}\n", initlab::excerpt(e.path1().string()), e.code().message());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "initlab: failed: {}\n", e.what());
    return 1;
  }
  return initlab::cli::lab_exit_code();
}
