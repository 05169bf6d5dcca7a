// dtm merge PARTS... -o OUT: join the parts of a sharded build.
#include "cli_util.h"
#include "command.h"
#include "dtm/builder.h"
#include "dtm/format.h"
#include "dtm/sharding.h"

namespace dtm::cli {
namespace {

struct MergeArgs {
  std::vector<std::string> parts;
  std::string output;
  std::string created;
  bool quiet = false;
};

// Each argument is a part, or a folder whose *.dtmpart files are parts.
StatusOr<std::vector<std::string>> PartPaths(const std::vector<std::string>& args) {
  std::vector<std::string> paths;
  for (const std::string& arg : args) {
    if (arg.ends_with(".dtmpart")) {
      paths.push_back(arg);
      continue;
    }
    DTM_ASSIGN_OR_RETURN(std::vector<std::string> found, ListBuildParts(arg));
    paths.insert(paths.end(), found.begin(), found.end());
  }
  return paths;
}

int RunMerge(const MergeArgs& args) {
  auto paths = PartPaths(args.parts);
  if (!paths.ok()) return ReportError("merge", paths.status());
  MergeOptions opts;
  if (!args.created.empty()) {
    auto t = ParseCreatedTime(args.created);
    if (!t.ok()) return ReportError("merge", t.status().WithContext("--created"));
    opts.created = *t;
  }
  if (!args.quiet) opts.progress = TerminalProgress();
  opts.cancel = InstallInterruptHandler();
  auto result = MergeBuildParts(*paths, opts, args.output);
  if (opts.cancel->load()) {
    PrintError("dtm merge: interrupted; nothing was written\n");
    return kExitInterrupted;
  }
  if (!result.ok()) {
    if (IsOutputError(result.status(), args.output)) {
      return ReportOutputError("merge", result.status());
    }
    return ReportError("merge", result.status());
  }
  if (!args.quiet) {
    const v1::Header& h = result->header;
    Print("wrote %s from %u parts: %s %s, %s sources, %s files, %s\n", args.output.c_str(),
          result->parts, h.dataset().name().c_str(), h.dataset().version().c_str(),
          GroupDigits(h.totals().sources()).c_str(), GroupDigits(h.totals().files()).c_str(),
          HumanBytes(h.totals().bytes()).c_str());
    Print("root sha256:%s\n", ToHex(h.merkle_root()).c_str());
  }
  return kExitOk;
}

DTM_REGISTER_COMMAND(
    merge,
    CommandSpec{
        "merge", "Join the parts of a sharded build into one manifest", 21, [](CLI::App* app) {
          auto args = std::make_shared<MergeArgs>();
          app->add_option("parts", args->parts, "Parts (*.dtmpart), or folders holding them")
              ->required();
          app->add_option("-o,--output", args->output, "The manifest to write")->required();
          app->add_option("--created", args->created,
                          "Creation time, RFC 3339 or Unix seconds (default: "
                          "SOURCE_DATE_EPOCH or now)");
          app->add_flag("-q,--quiet", args->quiet, "No progress and no summary line");
          return [args] { return RunMerge(*args); };
        }});

}  // namespace
}  // namespace dtm::cli
