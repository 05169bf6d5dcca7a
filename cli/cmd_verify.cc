// dtm verify MANIFEST: check the signatures of a manifest's bundle, the
// manifest itself, and (--data) the data it describes.
#include <cstdio>
#include <map>
#include <memory>

#include "command.h"
#include "dtm/atomic_file.h"
#include "dtm/attestation.h"
#include "signing_files.h"
#include "trust_options.h"
#include "verify_data.h"

namespace dtm::cli {
namespace {

struct VerifyArgs {
  std::string manifest;
  std::string bundle;
  TrustArgs trust;
  DataArgs data;
};

// The checks of spec/attestation.md, in order, for the summary line.
constexpr const char* kChecks =
    "bundle, payload-type, signatures, statement, manifest-integrity, subject, manifest-digest, "
    "predicate";

int RunVerify(const VerifyArgs& args) {
  VerifyOptions options;
  std::map<std::string, std::string> key_files;  // key id -> file, for the output
  Status trusted = LoadTrust(args.trust, &options, &key_files);
  if (!trusted.ok()) return ReportError("verify", trusted);
  const std::string bundle_path =
      args.bundle.empty() ? args.manifest + std::string(kBundleSuffix) : args.bundle;
  auto bundle = ReadSmallFile(bundle_path, kMaxBundleBytes);
  if (!bundle.ok()) return ReportError("verify", bundle.status());
  auto report = VerifyAttestation(args.manifest, *bundle, options);
  if (!report.ok()) return ReportError("verify", report.status());

  if (!report->verified()) {
    PrintSigners(*report, key_files);
    // The message starts with the name of the failed check.
    return ReportError("verify",
                       report->status.WithContext(args.manifest + ": verification failed"));
  }
  std::printf("verified %s: %s\n", args.manifest.c_str(), report->subject_name.c_str());
  std::printf("  bundle       %s (%s)\n", bundle_path.c_str(), report->media_type.c_str());
  std::printf("  merkle root  %s\n", ToHex(report->merkle_root).c_str());
  std::printf("  file sha256  %s\n", ToHex(report->manifest_sha256).c_str());
  std::printf("  signed at    %s (stated by the signer; no timestamp authority)\n",
              FormatUtcTime(report->signed_at).c_str());
  PrintSigners(*report, key_files);
  std::printf("  threshold    %zu distinct key(s) verified, %d required\n", report->distinct_keys,
              args.trust.threshold);
  std::printf("checks passed: %s\n", kChecks);
  if (args.data.root.empty()) return kExitOk;
  return VerifyData(args.manifest, args.data);
}

DTM_REGISTER_COMMAND(
    verify,
    CommandSpec{"verify", "Verify a manifest's signatures, the manifest, and optionally its data",
                62, [](CLI::App* app) {
                  auto args = std::make_shared<VerifyArgs>();
                  app->add_option("manifest", args->manifest, "The manifest to verify")->required();
                  app->add_option("--bundle", args->bundle,
                                  "The bundle (default: MANIFEST.sigstore.json)");
                  AddTrustOptions(app, &args->trust);
                  AddDataOptions(app, &args->data);
                  return [args] { return RunVerify(*args); };
                }});

}  // namespace
}  // namespace dtm::cli
