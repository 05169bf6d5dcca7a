// INTEGRATION POINT: `dtm verify --data`. This stub stands until the
// implementation of dtm/datacheck.h (CheckDataAgainstManifest) is in the
// library; verify_data_impl.cc (ready beside it in the signing work) then
// replaces this file.
#include "verify_data.h"

#include "command.h"

namespace dtm::cli {

void AddDataOptions(CLI::App* app, DataArgs* args) {
  app->add_option("--data", args->root,
                  "Also re-hash the data under this folder and compare it with the manifest");
  app->add_option("--jobs,-j", args->jobs, "Hashing threads for --data (default: one per core)");
  app->add_flag("--follow-symlinks", args->follow_symlinks,
                "With --data: follow symbolic links that stay inside the folder");
}

int VerifyData(const std::string& /*manifest*/, const DataArgs& /*args*/) {
  return ReportError(
      "verify", Status::InvalidArgument("--data is not available in this build yet; the signatures "
                                        "and the manifest verified"));
}

}  // namespace dtm::cli
