// Helpers shared by the dtm commands: progress display, signal handling and
// output to a file or stdout.
#pragma once

#include <atomic>
#include <functional>
#include <ostream>
#include <string>

#include "dtm/progress.h"
#include "dtm/status.h"

namespace dtm::cli {

// A progress line on stderr when stderr is a terminal; an empty function
// otherwise.
ProgressFn TerminalProgress();

// Set by SIGINT/SIGTERM once InstallInterruptHandler() ran; the first signal
// asks the library to stop, a second one ends the process at once.
const std::atomic<bool>* InstallInterruptHandler();

// printf to standard output and to standard error, through the
// TerminalTextBuf that main() puts behind std::cout and std::cerr: every
// message and line that can carry text from an input goes through these.
void Print(const char* format, ...) __attribute__((format(printf, 1, 2)));
void PrintError(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Writes what `fn` produces to `path` atomically, or to stdout when `path` is
// "" or "-", through TerminalText either way (text outputs are for people;
// JSON stays the same JSON). Returns the first error of `fn` or of writing.
Status WriteOutput(const std::string& path, const std::function<Status(std::ostream&)>& fn);

}  // namespace dtm::cli
