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

// Under mpirun: initializes MPI; on ranks 1..R-1 trains what rank 0 hands out and returns the exit
// code (the command line is rank 0's business); -1 on rank 0 or without mpirun.
int start_lab_session(int* argc, char*** argv);
// Rank 0: tells the worker ranks to quit and finalizes MPI (every way out of main).
void end_lab_session();

}  // namespace initlab::cli
