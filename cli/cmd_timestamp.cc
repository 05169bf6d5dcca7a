// dtm timestamp BUNDLE --tsa URL: add RFC 3161 timestamps to a bundle.
#include <filesystem>
#include <memory>

#include "cli_util.h"
#include "command.h"
#include "dtm/attestation.h"
#include "dtm/file_io.h"
#include "signing_files.h"

namespace dtm::cli {
namespace {

struct TimestampArgs {
  std::string bundle;
  std::string output;  // default: the bundle itself
  TimestampOptions timestamps;
};

int RunTimestamp(const TimestampArgs& args) {
  const std::string out = args.output.empty() ? args.bundle : args.output;
  std::error_code ec;
  if (out == args.bundle &&
      std::filesystem::symlink_status(out, ec).type() == std::filesystem::file_type::symlink) {
    return ReportError("timestamp",
                       Status::InvalidArgument(out,
                                               "is a symbolic link; the bundle is rewritten in "
                                               "place, so give its own path (or -o)"));
  }
  auto existing = ReadSmallFile(args.bundle, kMaxBundleBytes);
  if (!existing.ok()) return ReportError("timestamp", existing.status());
  auto bundle = AddTimestamps(*existing, args.timestamps);
  if (!bundle.ok()) return ReportError("timestamp", bundle.status().WithContext(args.bundle));
  Status written = WriteFileAtomically(out, *bundle, 0644, /*overwrite=*/true);
  if (!written.ok()) return ReportOutputError("timestamp", written);
  for (const std::string& url : args.timestamps.tsa_urls) Print("timestamped by %s\n", url.c_str());
  Print("wrote %s\n", out.c_str());
  return kExitOk;
}

DTM_REGISTER_COMMAND(timestamp,
                     CommandSpec{"timestamp", "Add RFC 3161 timestamps over a bundle's signatures",
                                 62, [](CLI::App* app) {
                                   auto args = std::make_shared<TimestampArgs>();
                                   app->add_option("bundle", args->bundle,
                                                   "The bundle (MANIFEST.sigstore.json)")
                                       ->required();
                                   app->add_option(
                                       "-o,--output", args->output,
                                       "Bundle to write (default: rewrite BUNDLE in place)");
                                   AddTsaOptions(app, &args->timestamps, /*required=*/true);
                                   return [args] { return RunTimestamp(*args); };
                                 }});

}  // namespace
}  // namespace dtm::cli
