// `dtm verify --data DIR` over CheckDataAgainstManifest (dtm/datacheck.h).
#include "verify_data.h"

#include <cstdio>

#include "cli_util.h"
#include "command.h"
#include "dtm/datacheck.h"
#include "dtm/format.h"

namespace dtm::cli {

void AddDataOptions(CLI::App* app, DataArgs* args) {
  app->add_option("--data", args->root,
                  "Also re-hash the data under this folder and compare it with the manifest");
  app->add_option("--jobs,-j", args->jobs, "Hashing threads for --data (default: one per core)");
  app->add_flag("--follow-symlinks", args->follow_symlinks,
                "With --data: follow symbolic links that stay inside the folder");
}

int VerifyData(const std::string& manifest, const DataArgs& args) {
  DataCheckOptions options;
  options.jobs = args.jobs;
  options.follow_symlinks = args.follow_symlinks;
  options.progress = TerminalProgress();
  options.cancel = InstallInterruptHandler();
  auto report = CheckDataAgainstManifest(manifest, args.root, options);
  if (options.cancel->load()) {
    PrintError("dtm verify: interrupted\n");
    return kExitInterrupted;
  }
  if (!report.ok()) return ReportError("verify", report.status());
  Print("data %s: %llu of %llu entries re-hashed and equal (%llu bytes)\n", args.root.c_str(),
        static_cast<unsigned long long>(report->files_verified),
        static_cast<unsigned long long>(report->entries),
        static_cast<unsigned long long>(report->bytes_verified));
  if (report->documents_verified > 0) {
    Print("  %llu documents re-derived from them and equal\n",
          static_cast<unsigned long long>(report->documents_verified));
  }
  for (const auto& [id, tally] : report->by_source) {
    if (tally.skipped_symlinks + tally.skipped_special_files == 0) continue;
    Print(
        "  %s: the build left out %s symbolic link%s and %s special file%s (first: %s); not "
        "checked\n",
        id.c_str(), GroupDigits(tally.skipped_symlinks).c_str(),
        tally.skipped_symlinks == 1 ? "" : "s", GroupDigits(tally.skipped_special_files).c_str(),
        tally.skipped_special_files == 1 ? "" : "s",
        tally.first_skipped.empty() ? "-" : tally.first_skipped.c_str());
  }
  if (report->declared_absent > 0) {
    Print("  %llu declared entries not present under the folder (not checked)\n",
          static_cast<unsigned long long>(report->declared_absent));
  }
  for (const auto& [source, tally] : report->by_source) {
    if (tally.missing + tally.modified + tally.unreadable == 0) continue;
    Print(
        "  source %s: %llu files, %llu verified, %llu missing, %llu modified, %llu "
        "unreadable\n",
        source.c_str(), static_cast<unsigned long long>(tally.files),
        static_cast<unsigned long long>(tally.verified),
        static_cast<unsigned long long>(tally.missing),
        static_cast<unsigned long long>(tally.modified),
        static_cast<unsigned long long>(tally.unreadable));
    for (const DataProblem& p : report->problems) {
      if (p.source_id != source) continue;
      Print("    %-10s %s%s%s\n", DataProblemKindName(p.kind), p.path.c_str(),
            p.detail.empty() ? "" : ": ", p.detail.c_str());
    }
  }
  if (report->unexpected_count > 0) {
    Print("  %llu unexpected files (in the folder, in no entry):\n",
          static_cast<unsigned long long>(report->unexpected_count));
    constexpr size_t kShown = 20;
    for (size_t i = 0; i < report->unexpected.size() && i < kShown; ++i) {
      Print("    %s\n", report->unexpected[i].c_str());
    }
    if (report->unexpected_count > kShown) {
      Print("    ... and %llu more\n",
            static_cast<unsigned long long>(report->unexpected_count - kShown));
    }
  }
  if (report->ignored_count > 0) {
    Print("  %llu files in no entry are ignored by .dtmignore files (not listed)\n",
          static_cast<unsigned long long>(report->ignored_count));
  }
  if (report->ok()) return kExitOk;
  return ReportError("verify", Status::VerificationFailed(
                                   args.root + ": " + std::to_string(report->problem_count) +
                                   (report->problem_count == 1 ? " file" : " files") +
                                   " missing, modified or unreadable"));
}

}  // namespace dtm::cli
