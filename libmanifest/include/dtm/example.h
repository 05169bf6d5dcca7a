// The example project that `dtm init` writes: the build spec and data of
// examples/training-set-v1, compiled into the library.
#pragma once

#include <string>
#include <vector>

#include "dtm/status.h"

namespace dtm {

// Writes the example project (dtm.yaml and its data files) into `dir`,
// creating `dir` and folders inside it as needed, so that
// `dtm build <dir>/dtm.yaml` works at once.
//
// Never overwrites: if any file it would write already exists (a symbolic
// link counts, even a dangling one), or a folder it needs is something other
// than a folder, it writes nothing and returns kInvalidArgument naming that
// path. Each file is written atomically (temporary file, then rename). If
// writing fails part way (kIOError), it removes the files and folders it
// created, so `dir` is left as it was.
//
// On success *written (if given) holds the relative paths written, sorted by
// byte value; on failure it is empty. Not safe against another process
// creating the same files at the same time.
Status WriteExampleProject(const std::string& dir, std::vector<std::string>* written = nullptr);

}  // namespace dtm
