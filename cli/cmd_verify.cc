// dtm verify MANIFEST: check the signatures of a manifest's bundle, the
// manifest itself, and (--data) the data it describes.
#include <cstdio>
#include <map>
#include <memory>

#include "cli_util.h"
#include "command.h"
#include "dtm/attestation.h"
#include "dtm/container.h"
#include "dtm/file_io.h"
#include "signing_files.h"
#include "trust_options.h"
#include "verify_data.h"

namespace dtm::cli {
namespace {

struct VerifyArgs {
  std::string manifest;
  std::string bundle;
  bool unsigned_only = false;  // --unsigned
  TrustArgs trust;
  DataArgs data;
};

// The checks of spec/attestation.md, in order, for the summary line.
constexpr const char* kChecks =
    "bundle, payload-type, signature, statement, manifest-integrity, subject, manifest-digest, "
    "predicate";

// --unsigned: the manifest's integrity (and --data) without any signature, for
// a manifest that was never signed. It says nothing about who made it.
void PrintPublicView(const v1::Header& header) {
  Print(
      "  PUBLIC VIEW  the header and every source; %llu file and document records withheld, "
      "their hashes given\n",
      static_cast<unsigned long long>(header.record_count() - header.totals().sources()));
}

// --data needs the file entries, which a public view withholds.
int RefuseData(const std::string& manifest) {
  return ReportError("verify",
                     Status::InvalidArgument(manifest,
                                             "is a public view: its file and document entries "
                                             "are withheld, so --data needs the full manifest"));
}

int RunVerifyUnsigned(const VerifyArgs& args) {
  const TrustArgs& t = args.trust;
  if (!args.bundle.empty() || !t.keys.empty() || !t.trust_roots.empty() ||
      !t.intermediates.empty() || !t.identity.empty() || t.threshold != 1) {
    return ReportError("verify", Status::InvalidArgument(
                                     "--unsigned checks no signature: it takes no --bundle, --key, "
                                     "--trust-root, --intermediates, --identity or --threshold"));
  }
  auto integrity = CheckManifest(args.manifest);
  if (!integrity.ok()) {
    const StatusCode code = integrity.status().code();
    if (code == StatusCode::kNotFound || code == StatusCode::kIOError) {
      return ReportError("verify", integrity.status());
    }
    return ReportError("verify", Status::VerificationFailed(integrity.status().message())
                                     .WithContext("manifest-integrity")
                                     .WithContext(args.manifest + ": verification failed"));
  }
  Print("integrity verified %s (UNSIGNED: no signature was checked; nothing says who made it)\n",
        args.manifest.c_str());
  if (integrity->public_view) PrintPublicView(integrity->header);
  Print("  merkle root  %s\n", ToHex(integrity->merkle_root).c_str());
  Print("  file sha256  %s\n", ToHex(integrity->file_sha256).c_str());
  Print("  records      %llu\n", static_cast<unsigned long long>(integrity->records));
  Print("checks passed: manifest-integrity\n");
  if (args.data.root.empty()) return kExitOk;
  if (integrity->public_view) return RefuseData(args.manifest);
  return VerifyData(args.manifest, args.data);
}

int RunVerify(const VerifyArgs& args) {
  if (Status s = CheckDataArgs(args.data); !s.ok()) return ReportError("verify", s);
  if (args.unsigned_only) return RunVerifyUnsigned(args);
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
  Print("verified %s: %s\n", args.manifest.c_str(), report->subject_name.c_str());
  Print("  bundle       %s (%s)\n", bundle_path.c_str(), report->media_type.c_str());
  if (report->public_view) {
    Print(
        "  PUBLIC VIEW  the signed header and every source; %llu file and document records "
        "withheld, their hashes given\n",
        static_cast<unsigned long long>(report->withheld_records));
  }
  Print("  merkle root  %s\n", ToHex(report->merkle_root).c_str());
  Print("  file sha256  %s%s\n", ToHex(report->manifest_sha256).c_str(),
        report->public_view ? " (the full manifest's, as the view names it; only that file can "
                              "confirm it)"
                            : "");
  PrintSigningTimes(*report);
  PrintSigners(*report, key_files);
  Print("  threshold    %zu distinct key(s) verified, %d required\n", report->distinct_keys,
        args.trust.threshold);
  Print("checks passed: %s\n", WithTimestampCheck(kChecks, options).c_str());
  if (args.data.root.empty()) return kExitOk;
  if (report->public_view) return RefuseData(args.manifest);
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
                  app->add_flag("--unsigned", args->unsigned_only,
                                "No bundle: check only the manifest's integrity (and --data); "
                                "says nothing about who made it");
                  AddTrustOptions(app, &args->trust);
                  AddDataOptions(app, &args->data);
                  return [args] { return RunVerify(*args); };
                }});

}  // namespace
}  // namespace dtm::cli
