// dtm diff BEFORE AFTER: what changed between two versions of a training set
// (spec/diff.md).
#include <map>
#include <memory>
#include <string_view>

#include "cli_util.h"
#include "command.h"
#include "dtm/attestation.h"
#include "dtm/diff.h"
#include "dtm/file_io.h"
#include "signing_files.h"

namespace dtm::cli {
namespace {

struct DiffArgs {
  std::string before;
  std::string after;
  std::string format;  // "" picks html when OUTPUT ends in .html or .htm, else text
  std::string output;
  std::vector<std::string> sources;
  std::string only = "all";
  std::vector<std::string> keys;
};

// Verifies the bundle beside `manifest` and returns the SHA-256 of the
// manifest file it covers. A signature that does not verify is
// kInvalidArgument: for diff, exit code 1 means "different", so trust problems
// are exit code 2.
StatusOr<Sha256Digest> VerifyBeside(const std::string& manifest, const VerifyOptions& options) {
  const std::string bundle_path = manifest + std::string(kBundleSuffix);
  DTM_ASSIGN_OR_RETURN(std::string bundle, ReadSmallFile(bundle_path, kMaxBundleBytes));
  DTM_ASSIGN_OR_RETURN(VerificationReport report, VerifyAttestation(manifest, bundle, options));
  if (!report.verified()) {
    return Status::InvalidArgument(
        manifest + ": the signature does not verify (" + bundle_path + ")",
        report.status.message());
  }
  return report.manifest_sha256;
}

// Verifies both manifests with the keys in `key_files`; fills verified[0] and
// verified[1] with the file digests the signatures cover.
Status VerifyBoth(const DiffArgs& args, Sha256Digest verified[2]) {
  VerifyOptions options;
  for (const std::string& path : args.keys) {
    DTM_ASSIGN_OR_RETURN(PublicKey key, LoadPublicKey(path));
    options.keys.push_back(std::move(key));
  }
  DTM_ASSIGN_OR_RETURN(verified[0], VerifyBeside(args.before, options));
  DTM_ASSIGN_OR_RETURN(verified[1], VerifyBeside(args.after, options));
  return Status::Ok();
}

Status Write(const DiffResult& diff, const DiffArgs& args, std::ostream& out) {
  static const std::map<std::string, DiffSections> kSections = {{"all", DiffSections::kAll},
                                                                {"summary", DiffSections::kSummary},
                                                                {"sources", DiffSections::kSources},
                                                                {"files", DiffSections::kFiles}};
  DiffRenderOptions options;
  options.sections = kSections.at(args.only);
  if (args.format == "json") return WriteDiffJson(diff, out, options);
  if (args.format == "md") return WriteDiffMarkdown(diff, out, options);
  if (args.format == "html") return WriteDiffHtml(diff, out, options);
  return WriteDiffText(diff, out, options);
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int RunDiff(DiffArgs args) {
  if (args.format.empty()) {
    const bool html = EndsWith(args.output, ".html") || EndsWith(args.output, ".htm");
    args.format = html ? "html" : "text";
  }
  Sha256Digest verified[2] = {};
  if (!args.keys.empty()) {
    if (Status s = VerifyBoth(args, verified); !s.ok()) return ReportError("diff", s);
  }
  DiffOptions options;
  options.sources = args.sources;
  auto diff = DiffManifests(args.before, args.after, options);
  if (!diff.ok()) return ReportError("diff", diff.status());
  if (!args.keys.empty()) {
    // The files were read twice: make sure the signed bytes are the compared ones.
    for (const DiffSide* side : {&diff->before, &diff->after}) {
      if (side->file_sha256 != verified[side == &diff->before ? 0 : 1]) {
        return ReportError(
            "diff", Status::InvalidArgument(side->path + ": the file changed while it was read"));
      }
    }
  }
  const int rc = diff->identical() ? kExitOk : kExitFailed;
  Status s = WriteOutput(args.output, [&](std::ostream& out) { return Write(*diff, args, out); });
  if (!s.ok()) {
    const bool to_stdout = args.output.empty() || args.output == "-";
    return ReportOutputError("diff", to_stdout ? s : s.WithContext(args.output));
  }
  return rc;
}

DTM_REGISTER_COMMAND(
    diff,
    CommandSpec{
        "diff", "Show what changed between two versions of a manifest", 70, [](CLI::App* app) {
          auto args = std::make_shared<DiffArgs>();
          app->add_option("before", args->before, "The earlier manifest (*.dtm)")->required();
          app->add_option("after", args->after, "The later manifest (*.dtm)")->required();
          app->add_option("-f,--format", args->format,
                          "text, json, md or html (default: html if OUTPUT ends in .html, "
                          "else text)")
              ->check(CLI::IsMember({"text", "json", "md", "html"}));
          app->add_option("-k,--key", args->keys,
                          "Verify both manifests' bundles (MANIFEST.sigstore.json) with this "
                          "public key (PEM) first; repeatable")
              ->allow_extra_args(false);
          app->add_option("-s,--source", args->sources,
                          "Compare only this source and its files; repeatable")
              ->allow_extra_args(false);
          app->add_option("--only", args->only, "Show one part only: summary, sources or files")
              ->check(CLI::IsMember({"all", "summary", "sources", "files"}));
          app->add_option("-o,--output", args->output, "Output file (default: stdout)");
          app->footer(
              "Exit codes: 0 identical, 1 different, 2 bad usage, an unreadable or damaged "
              "manifest, or a signature that does not verify, 3 output error.");
          return [args] { return RunDiff(*args); };
        }});

}  // namespace
}  // namespace dtm::cli
