// dtm: the command-line client of libmanifest.
#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <vector>

#include "cli_util.h"
#include "command.h"
#include "dtm/format.h"

namespace dtm::cli {
namespace {

std::vector<CommandSpec>& Registry() {
  static std::vector<CommandSpec> commands;
  return commands;
}

}  // namespace

bool RegisterCommand(CommandSpec spec) {
  Registry().push_back(std::move(spec));
  return true;
}

int ReportError(const char* command, const Status& status) {
  PrintError("dtm %s: %s\n", command, status.message().c_str());
  if (status.code() == StatusCode::kVerificationFailed) return kExitFailed;
  if (status.code() == StatusCode::kInternal) return kExitOutputError;
  if (status.code() == StatusCode::kCancelled) return kExitInterrupted;
  return kExitBadInput;
}

int ReportOutputError(const char* command, const Status& status) {
  PrintError("dtm %s: %s\n", command, status.message().c_str());
  return kExitOutputError;
}

// Parses the command line and runs the command; the exit code.
int Run(int argc, char** argv);

}  // namespace dtm::cli

int main(int argc, char** argv) {
  using namespace dtm::cli;
  // Malformed input is reported once, by the Status that names the file and
  // the place; the protobuf library's own log lines would repeat it raw.
  google::protobuf::SetLogHandler(nullptr);
  // Everything dtm prints goes through TerminalText (spec/cli.md, "Text from
  // inputs"); the progress line alone writes to stderr itself.
  std::streambuf* const stdout_buf = std::cout.rdbuf();
  std::streambuf* const stderr_buf = std::cerr.rdbuf();
  dtm::TerminalTextBuf stdout_filter(stdout_buf), stderr_filter(stderr_buf);
  std::cout.rdbuf(&stdout_filter);
  std::cerr.rdbuf(&stderr_filter);
  const int rc = Run(argc, argv);
  std::cout.flush();
  std::cerr.flush();
  std::cout.rdbuf(stdout_buf);
  std::cerr.rdbuf(stderr_buf);
  return rc;
}

namespace dtm::cli {

int Run(int argc, char** argv) {
  CLI::App app{"dtm: build, sign and verify Dataset Transparency Manifests", "dtm"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("dtm ") + DTM_CLI_VERSION);
  app.footer(
      "Exit codes: 0 ok, 1 check failed, 2 bad usage or input, 3 output error. See spec/cli.md.");

  auto& commands = Registry();
  std::sort(commands.begin(), commands.end(),
            [](const CommandSpec& a, const CommandSpec& b) { return a.order < b.order; });
  std::function<int()> run;
  for (const CommandSpec& spec : commands) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    auto fn = spec.setup(sub);
    sub->callback([&run, fn] { run = fn; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version go to stdout with 0; usage errors to stderr with 2.
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitBadInput;
  }
  if (!run) return kExitBadInput;
  // A reader that goes away (`dtm export M | head`) is an output error like
  // any other lost output: writes fail with EPIPE, the command stops writing,
  // and the exit code is 3, instead of death by SIGPIPE (141).
  std::signal(SIGPIPE, SIG_IGN);
  const int rc = run();
  // Output lost on standard output (a full disk, a closed pipe, /dev/full) is
  // an output error, whatever the command printed.
  std::cout.flush();
  const bool flushed = std::fflush(stdout) == 0;
  const int err = errno;
  if (!flushed || std::ferror(stdout)) {
    if (rc == kExitOk) {
      PrintError("dtm %s: standard output: write failed%s%s\n",
                 app.get_subcommands().front()->get_name().c_str(), flushed ? "" : ": ",
                 flushed ? "" : std::strerror(err));
    }
    return kExitOutputError;
  }
  return rc;
}

}  // namespace dtm::cli
