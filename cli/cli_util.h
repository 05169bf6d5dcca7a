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

// Writes what `fn` produces to `path` atomically, or to stdout when `path` is
// "" or "-". Returns the first error of `fn` or of writing.
Status WriteOutput(const std::string& path, const std::function<Status(std::ostream&)>& fn);

}  // namespace dtm::cli
