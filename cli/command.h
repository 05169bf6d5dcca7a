// The dtm command registry. Each subcommand lives in its own cmd_*.cc file and
// registers itself with DTM_REGISTER_COMMAND; main.cc knows none of them.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "dtm/status.h"

namespace dtm::cli {

// Exit codes of every dtm command (spec/cli.md, "Exit codes").
inline constexpr int kExitOk = 0;
// A check did not pass: verification failed, manifests differ, no entry matched,
// policy violations.
inline constexpr int kExitFailed = 1;
// Bad usage, or an input that is invalid, damaged or unreadable.
inline constexpr int kExitBadInput = 2;
// Could not write the output (disk full, permission), or an internal error.
inline constexpr int kExitOutputError = 3;
// Interrupted by a signal (SIGINT/SIGTERM); nothing was written.
inline constexpr int kExitInterrupted = 130;

// A subcommand: `setup` adds its options to `app` (a CLI11 subcommand already
// named and described) and returns the function that runs it.
struct CommandSpec {
  const char* name;
  const char* description;
  int order;  // position in `dtm --help`
  std::function<std::function<int()>(CLI::App* app)> setup;
};

// Registers a command at static-initialisation time.
bool RegisterCommand(CommandSpec spec);

#define DTM_REGISTER_COMMAND(ident, ...) \
  [[maybe_unused]] static const bool ident##_registered = ::dtm::cli::RegisterCommand(__VA_ARGS__)

// Prints "dtm <command>: <message>" to stderr and returns the exit code for
// the status: kVerificationFailed -> kExitFailed; kIOError while writing output
// is reported by callers with kExitOutputError; everything else -> kExitBadInput.
int ReportError(const char* command, const Status& status);

// As ReportError, for errors in writing the command's output.
int ReportOutputError(const char* command, const Status& status);

}  // namespace dtm::cli
