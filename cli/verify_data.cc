// `dtm verify --data DIR` over CheckDataAgainstManifest (dtm/datacheck.h).
#include "verify_data.h"

#include <cstdio>

#include "cli_util.h"
#include "command.h"
#include "dtm/datacheck.h"
#include "dtm/digest.h"
#include "dtm/format.h"

namespace dtm::cli {

void AddDataOptions(CLI::App* app, DataArgs* args) {
  app->add_option("--data", args->root,
                  "Also re-hash the data under this folder and compare it with the manifest");
  app->add_option("--jobs,-j", args->jobs, "Hashing threads for --data (default: one per core)");
  app->add_flag("--follow-symlinks", args->follow_symlinks,
                "With --data: follow symbolic links that stay inside the folder");
  app->add_option("--shard", args->shard,
                  "With --data: check only shard I/N of the entries, as build --shard split "
                  "them (spec/sharding.md)");
  app->add_option("--sample", args->sample,
                  "With --data: re-hash only a random sample of the entries (0.001 or 0.1%)");
  app->add_option("--seed", args->seed,
                  "With --sample: the auditor's seed, 32 to 128 hex digits (default: drawn "
                  "from the system and printed)");
}

Status CheckDataArgs(const DataArgs& args) {
  if (!args.root.empty()) {
    if (!args.seed.empty() && args.sample.empty()) {
      return Status::InvalidArgument("--seed", "needs --sample");
    }
    if (!args.shard.empty())
      DTM_RETURN_IF_ERROR(ParseShardSpec(args.shard).status().WithContext("--shard"));
    if (!args.sample.empty()) {
      DTM_RETURN_IF_ERROR(ParseSampleFraction(args.sample).status().WithContext("--sample"));
    }
    if (!args.seed.empty())
      DTM_RETURN_IF_ERROR(ParseSampleSeed(args.seed).status().WithContext("--seed"));
    return Status::Ok();
  }
  for (const auto& [name, value] :
       {std::pair{"--shard", &args.shard}, std::pair{"--sample", &args.sample},
        std::pair{"--seed", &args.seed}}) {
    if (!value->empty()) return Status::InvalidArgument(name, "needs --data");
  }
  return Status::Ok();
}

namespace {

// --shard, --sample and --seed into `options`; prints the seed.
Status SetSubset(const DataArgs& args, DataCheckOptions* options) {
  if (!args.shard.empty()) {
    DTM_ASSIGN_OR_RETURN(options->shard, ParseShardSpec(args.shard));
  }
  if (args.sample.empty()) return Status::Ok();
  DataSample sample;
  DTM_ASSIGN_OR_RETURN(sample.fraction, ParseSampleFraction(args.sample));
  if (args.seed.empty()) {
    DTM_ASSIGN_OR_RETURN(sample.seed, DrawSampleSeed());
  } else {
    DTM_ASSIGN_OR_RETURN(sample.seed, ParseSampleSeed(args.seed));
  }
  Print("sample: %s of the entries, seed %s (drawn by %s; --seed repeats this audit)\n",
        args.sample.c_str(), ToHex(sample.seed).c_str(), args.seed.empty() ? "the system" : "you");
  options->sample = std::move(sample);
  return Status::Ok();
}

// What a sample whose files were all as listed shows.
void PrintSampleStatement(const DataCheckReport& report, double fraction) {
  const uint64_t d = SampleDetectableDifferences(fraction);
  const double share = report.entries == 0
                           ? 0
                           : 100.0 * static_cast<double>(d) / static_cast<double>(report.entries);
  if (d > report.entries) {
    Print(
        "  a sample this size finds a difference with probability 99%% only when %s or more "
        "files differ, more than the manifest's %s: sample more\n",
        GroupDigits(d).c_str(), GroupDigits(report.entries).c_str());
    return;
  }
  Print(
      "  if %s or more of the %s files (%.2g%%) differed, a sample drawn this way would have "
      "found one with probability 99%%\n",
      GroupDigits(d).c_str(), GroupDigits(report.entries).c_str(), share);
}

}  // namespace

int VerifyData(const std::string& manifest, const DataArgs& args) {
  DataCheckOptions options;
  options.jobs = args.jobs;
  options.follow_symlinks = args.follow_symlinks;
  options.progress = TerminalProgress();
  options.cancel = InstallInterruptHandler();
  if (Status s = SetSubset(args, &options); !s.ok()) return ReportError("verify", s);
  auto report = CheckDataAgainstManifest(manifest, args.root, options);
  if (options.cancel->load()) {
    PrintError("dtm verify: interrupted\n");
    return kExitInterrupted;
  }
  if (!report.ok()) return ReportError("verify", report.status());
  if (options.shard || options.sample) {
    Print(
        "data %s: %llu of the %llu entries of %s%s%s re-hashed and equal (%llu bytes); %llu "
        "entries in all\n",
        args.root.c_str(), static_cast<unsigned long long>(report->files_verified),
        static_cast<unsigned long long>(report->entries_checked),
        options.shard ? ("shard " + args.shard).c_str() : "",
        options.shard && options.sample ? ", " : "", options.sample ? "the sample" : "",
        static_cast<unsigned long long>(report->bytes_verified),
        static_cast<unsigned long long>(report->entries));
  } else {
    Print("data %s: %llu of %llu entries re-hashed and equal (%llu bytes)\n", args.root.c_str(),
          static_cast<unsigned long long>(report->files_verified),
          static_cast<unsigned long long>(report->entries),
          static_cast<unsigned long long>(report->bytes_verified));
  }
  if (options.sample && report->ok()) PrintSampleStatement(*report, options.sample->fraction);
  if (!report->unexpected_checked) {
    Print("  unexpected files not looked for (%s)\n",
          options.sample ? "a sampled audit" : "shard 0 lists them");
  }
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
