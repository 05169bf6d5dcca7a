// dtm publish MANIFEST -o PUBLIC: the public view of a manifest (spec/container.md,
// "Public views"): its header and sources, the files and documents withheld, and
// a copy of its bundle, which verifies the view as it verifies the manifest.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli_util.h"
#include "command.h"
#include "dtm/attestation.h"
#include "dtm/container.h"
#include "dtm/file_io.h"

namespace dtm::cli {
namespace {

struct PublishArgs {
  std::string manifest;
  std::string bundle;
  std::string output;
};

int RunPublish(const PublishArgs& args) {
  const std::string bundle_in =
      args.bundle.empty() ? args.manifest + std::string(kBundleSuffix) : args.bundle;
  std::error_code ec;
  const bool signed_manifest = std::filesystem::exists(bundle_in, ec);
  StatusOr<std::string> bundle = std::string();
  if (signed_manifest || !args.bundle.empty()) {
    bundle = ReadSmallFile(bundle_in, kMaxBundleBytes);
    if (!bundle.ok()) return ReportError("publish", bundle.status());
  }
  auto view = WritePublicView(args.manifest, args.output);
  if (!view.ok()) return ReportError("publish", view.status());
  const std::string bundle_out = args.output + std::string(kBundleSuffix);
  if (!bundle->empty()) {
    Status copied = WriteFileAtomically(bundle_out, *bundle);
    if (!copied.ok()) return ReportOutputError("publish", copied);
  }
  const v1::Header& h = view->manifest.header;
  Print(
      "wrote %s: the public view of %s %s: %llu sources; %llu file and document records "
      "withheld (%zu nodes stand for them)\n",
      args.output.c_str(), h.dataset().name().c_str(), h.dataset().version().c_str(),
      static_cast<unsigned long long>(view->sources),
      static_cast<unsigned long long>(view->withheld_records), view->nodes);
  Print("  merkle root    %s (the full manifest's: the signature covers it)\n",
        ToHex(view->manifest.merkle_root).c_str());
  Print("  full manifest  sha256:%s (%s)\n", ToHex(view->manifest.file_sha256).c_str(),
        args.manifest.c_str());
  Print("  view           sha256:%s\n", ToHex(view->view_sha256).c_str());
  if (!bundle->empty()) {
    Print("  bundle         %s (a copy of %s)\n", bundle_out.c_str(), bundle_in.c_str());
  } else {
    Print("  bundle         none: the manifest is not signed (dtm sign it, then publish again)\n");
  }
  return kExitOk;
}

DTM_REGISTER_COMMAND(
    publish,
    CommandSpec{
        "publish",
        "Write the public view of a manifest: header and sources, files and "
        "documents withheld, verifiable with the manifest's bundle",
        63, [](CLI::App* app) {
          auto args = std::make_shared<PublishArgs>();
          app->add_option("manifest", args->manifest, "The full manifest")->required();
          app->add_option("--bundle", args->bundle,
                          "The manifest's bundle (default: MANIFEST.sigstore.json)");
          app->add_option("-o,--output", args->output, "The public view to write")->required();
          return [args] { return RunPublish(*args); };
        }});

}  // namespace
}  // namespace dtm::cli
