// The initlab subcommands: each registers itself on the app; parsing and printing only.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace initlab::cli {

void add_list_command(CLI::App& app);
void add_sample_command(CLI::App& app);
void add_theory_command(CLI::App& app);
// train, compare, results, init: present when the lab (LibTorch) is built, no-ops otherwise.
void add_lab_commands(CLI::App& app);

// The command line as typed (shell-quoted where needed), recorded with results for reproducibility.
std::string& command_line();

// Exit code the lab commands ask main() to return (1: a run failed, 130: interrupted).
int& lab_exit_code();

}  // namespace initlab::cli
