// dtm build SPEC -o OUT: hash the data a spec names and write the manifest.
#include <cstdio>

#include "cli_util.h"
#include "command.h"
#include "dtm/builder.h"
#include "dtm/buildspec.h"
#include "dtm/format.h"
#include "dtm/sharding.h"
#include "dtm/summary.h"

namespace dtm::cli {
namespace {

struct BuildArgs {
  std::string spec;
  std::string output;
  std::string root;
  std::string created;
  unsigned jobs = 0;
  bool follow_symlinks = false;
  std::string symlinks;
  bool skip_special = false;
  std::string file_names;
  bool resume = false;
  std::string shard;
  std::string reuse;
  bool no_cache = false;
  bool quiet = false;
};

// Warnings, so also under -q: spec/cli.md, "Paths".
void PrintPathCollisions(const BuildResult& result) {
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < result.path_collisions.size() && i < kShown; ++i) {
    PrintError(
        "dtm build: warning: '%s' and '%s' differ only by Unicode normalisation or "
        "case; file systems that ignore the difference hold one file for both\n",
        result.path_collisions[i].first.c_str(), result.path_collisions[i].second.c_str());
  }
  if (result.path_collision_count > kShown) {
    PrintError("dtm build: warning: %s more paths like these\n",
               GroupDigits(result.path_collision_count - kShown).c_str());
  }
}

int RunBuild(const BuildArgs& args) {
  auto spec = LoadBuildSpec(args.spec);
  if (!spec.ok()) return ReportError("build", spec.status());
  for (const std::string& w : spec->warnings) PrintError("dtm build: warning: %s\n", w.c_str());
  BuildOptions opts;
  opts.data_root = args.root;
  opts.jobs = args.jobs;
  if (args.follow_symlinks && !args.symlinks.empty() && args.symlinks != "follow") {
    return ReportError("build", Status::InvalidArgument(
                                    "--follow-symlinks contradicts --symlinks " + args.symlinks));
  }
  if (args.follow_symlinks) opts.symlinks = SymlinkPolicy::kFollow;
  if (!args.symlinks.empty()) {
    auto policy = ParseSymlinkPolicy(args.symlinks);
    if (!policy.ok()) return ReportError("build", policy.status().WithContext("--symlinks"));
    opts.symlinks = *policy;
  }
  if (args.skip_special) opts.skip_special = true;
  if (!args.file_names.empty()) {
    auto policy = ParseFileNamePolicy(args.file_names);
    if (!policy.ok()) return ReportError("build", policy.status().WithContext("--file-names"));
    opts.file_names = *policy;
  }
  opts.resume = args.resume;
  opts.reuse = args.reuse;
  opts.use_cache = !args.no_cache;
  std::string output = args.output;
  if (!args.shard.empty()) {
    auto shard = ParseShardSpec(args.shard);
    if (!shard.ok()) return ReportError("build", shard.status().WithContext("--shard"));
    opts.shard = *shard;
    auto part = BuildPartPath(args.output, *shard);
    if (!part.ok()) return ReportOutputError("build", part.status());
    output = *part;
  }
  if (!args.created.empty()) {
    auto t = ParseCreatedTime(args.created);
    if (!t.ok()) return ReportError("build", t.status().WithContext("--created"));
    opts.created = *t;
  }
  if (!args.quiet) opts.progress = TerminalProgress();
  opts.cancel = InstallInterruptHandler();
  auto result = BuildManifest(*spec, opts, output);
  if (opts.cancel->load()) {
    PrintError(
        "dtm build: interrupted; nothing was written; --resume continues from the checkpoint\n");
    return kExitInterrupted;
  }
  if (!result.ok()) {
    if (IsOutputError(result.status(), output)) {
      return ReportOutputError("build", result.status());
    }
    // A file that changed while it was read is a bad input of the build
    // (spec/cli.md, "Hashing"), not a failed check: exit 2.
    if (result.status().code() == StatusCode::kVerificationFailed) {
      ReportError("build", result.status());
      return kExitBadInput;
    }
    return ReportError("build", result.status());
  }
  PrintPathCollisions(*result);
  for (const std::string& w : result->warnings) PrintError("dtm build: warning: %s\n", w.c_str());
  const v1::Header& h = result->header;
  if (!args.quiet) {
    if (h.has_build_part()) {
      const v1::BuildPart& p = h.build_part();
      Print("part %u of %u (files %s to %s of %s); ", p.shard(), p.shards(),
            GroupDigits(p.first_file()).c_str(), GroupDigits(p.first_file() + p.files()).c_str(),
            GroupDigits(p.selection_files()).c_str());
    }
    Print("wrote %s: %s %s, %s sources, %s files (%s hashed, %s declared), %s\n", output.c_str(),
          h.dataset().name().c_str(), h.dataset().version().c_str(),
          GroupDigits(h.totals().sources()).c_str(), GroupDigits(h.totals().files()).c_str(),
          GroupDigits(result->files_hashed).c_str(), GroupDigits(result->files_declared).c_str(),
          HumanBytes(h.totals().bytes()).c_str());
    if (h.totals().document_entries() > 0 || result->documents_skipped > 0) {
      Print("documents: %s found in the files",
            GroupDigits(result->documents - result->documents_declared).c_str());
      if (result->documents_declared > 0) {
        Print(", %s declared in listings", GroupDigits(result->documents_declared).c_str());
      }
      Print(" (%s)", HumanBytes(h.totals().document_bytes()).c_str());
      if (result->documents_skipped > 0) {
        Print(", %s bad documents skipped (counted in their files' entries)",
              GroupDigits(result->documents_skipped).c_str());
      }
      Print("\n");
    }
    if (result->files_reused > 0) {
      Print("reused: %s of them not read, unchanged since the previous version (stat cache)\n",
            GroupDigits(result->files_reused).c_str());
    }
    if (result->files_resumed > 0) {
      Print("resumed: %s file digests taken from the checkpoint\n",
            GroupDigits(result->files_resumed).c_str());
    }
    // A part's own root names nothing anyone signs: the merged manifest's does.
    if (!h.has_build_part()) Print("root sha256:%s\n", ToHex(h.merkle_root()).c_str());
  }
  return kExitOk;
}

DTM_REGISTER_COMMAND(
    build,
    CommandSpec{
        "build", "Hash the files a spec names and write the manifest", 20, [](CLI::App* app) {
          auto args = std::make_shared<BuildArgs>();
          app->add_option("spec", args->spec, "The build spec (dtm.yaml)")->required();
          app->add_option("-o,--output", args->output, "The manifest to write")->required();
          app->add_option("--root", args->root,
                          "Data root for the patterns (default: the spec's folder)");
          app->add_option("-j,--jobs", args->jobs, "Hashing threads (default: one per core)");
          app->add_option("--symlinks", args->symlinks,
                          "Symbolic links the patterns select: error (default), skip (left out "
                          "and counted), follow (only inside the data root)");
          app->add_flag("--follow-symlinks", args->follow_symlinks,
                        "The same as --symlinks follow");
          app->add_flag("--skip-special", args->skip_special,
                        "Leave out FIFOs, sockets and devices the patterns select, and count them");
          app->add_option("--file-names", args->file_names,
                          "Names that are not UTF-8 or hold control characters: error "
                          "(default) or escape (recorded as caf\\xE9.txt, spec/container.md)");
          app->add_option("--shard", args->shard,
                          "Build part I of N (0-based) of a sharded build; -o names the part or "
                          "a folder for it (spec/sharding.md); `dtm merge` joins the parts");
          app->add_option("--reuse", args->reuse,
                          "The previous version, whose build's stat cache lets unchanged files "
                          "go unread (default: the spec's previous.manifest)");
          app->add_flag("--no-cache", args->no_cache,
                        "Neither read nor write the stat cache: read every file");
          app->add_flag("--resume", args->resume,
                        "Continue an interrupted build: reuse the digests in OUTPUT.checkpoint");
          app->add_option("--created", args->created,
                          "Creation time, RFC 3339 or Unix seconds (default: "
                          "SOURCE_DATE_EPOCH or now)");
          app->add_flag("-q,--quiet", args->quiet, "No progress and no summary line");
          return [args] { return RunBuild(*args); };
        }});

}  // namespace
}  // namespace dtm::cli
