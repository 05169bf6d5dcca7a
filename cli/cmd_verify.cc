// dtm verify MANIFEST: check the signatures of a manifest's bundle, the
// manifest itself, and (--data) the data it describes.
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>

#include "command.h"
#include "dtm/atomic_file.h"
#include "dtm/attestation.h"
#include "signing_files.h"
#include "verify_data.h"

namespace dtm::cli {
namespace {

struct VerifyArgs {
  std::string manifest;
  std::string bundle;
  std::vector<std::string> keys;
  std::vector<std::string> trust_roots;
  std::vector<std::string> intermediates;
  std::string identity;
  int threshold = 1;
  DataArgs data;
};

// The checks of spec/attestation.md, in order, for the summary line.
constexpr const char* kChecks =
    "bundle, payload-type, signatures, statement, manifest-integrity, subject, manifest-digest, "
    "predicate";

std::string FormatUtc(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  char buf[32] = "?";
  if (gmtime_r(&t, &tm) != nullptr) std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void PrintSigners(const VerificationReport& report,
                  const std::map<std::string, std::string>& key_files) {
  for (const SignerReport& s : report.signers) {
    std::printf("  signature %zu  ", s.index + 1);
    if (!s.verified) {
      std::printf("not counted: %s (keyid hint \"%s\")\n", s.problem.c_str(), s.keyid_hint.c_str());
      continue;
    }
    const std::string alg(AlgorithmName(s.algorithm));
    if (s.by_certificate) {
      std::printf("verified: certificate \"%s\"", s.subject.c_str());
      if (!s.subject_alt_names.empty()) {
        std::printf(" (SAN %s)", Join(s.subject_alt_names).c_str());
      }
      std::printf(", key %s (%s)\n", s.key_id.c_str(), alg.c_str());
    } else {
      auto file = key_files.find(s.key_id);
      std::printf("verified: key %s (%s) from %s\n", s.key_id.c_str(), alg.c_str(),
                  file != key_files.end() ? file->second.c_str() : "?");
    }
  }
}

int RunVerify(const VerifyArgs& args) {
  VerifyOptions options;
  std::map<std::string, std::string> key_files;  // key id -> file, for the output
  for (const std::string& path : args.keys) {
    auto key = LoadPublicKey(path);
    if (!key.ok()) return ReportError("verify", key.status());
    key_files.emplace(key->key_id(), path);
    options.keys.push_back(std::move(key).value());
  }
  for (const auto& [paths, into] : {std::pair{&args.trust_roots, &options.trust_roots},
                                    std::pair{&args.intermediates, &options.intermediates}}) {
    for (const std::string& path : *paths) {
      auto certs = LoadCertificates(path);
      if (!certs.ok()) return ReportError("verify", certs.status());
      into->insert(into->end(), certs->begin(), certs->end());
    }
  }
  options.identity = args.identity;
  options.threshold = args.threshold;
  if (!args.identity.empty() && options.trust_roots.empty()) {
    return ReportError("verify", Status::InvalidArgument(
                                     "--identity names a certificate signer: give --trust-root"));
  }
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
              FormatUtc(report->signed_at).c_str());
  PrintSigners(*report, key_files);
  std::printf("  threshold    %zu distinct key(s) verified, %d required\n", report->distinct_keys,
              args.threshold);
  std::printf("checks passed: %s\n", kChecks);
  if (args.data.root.empty()) return kExitOk;
  return VerifyData(args.manifest, args.data);
}

DTM_REGISTER_COMMAND(
    verify,
    CommandSpec{
        "verify", "Verify a manifest's signatures, the manifest, and optionally its data", 62,
        [](CLI::App* app) {
          auto args = std::make_shared<VerifyArgs>();
          app->add_option("manifest", args->manifest, "The manifest to verify")->required();
          app->add_option("--bundle", args->bundle, "The bundle (default: MANIFEST.sigstore.json)");
          app->add_option("--key,-k", args->keys, "A trusted public key (PEM); repeatable");
          app->add_option("--trust-root", args->trust_roots,
                          "Trusted root certificates (PEM); repeatable");
          app->add_option("--intermediates", args->intermediates,
                          "Untrusted intermediate certificates (PEM) to build paths with");
          app->add_option("--identity", args->identity,
                          "A certificate signer must have this subject or subject alt name");
          app->add_option("--threshold", args->threshold,
                          "Distinct keys that must have signed (default 1)")
              ->check(CLI::Range(1, 1000));
          AddDataOptions(app, &args->data);
          return [args] { return RunVerify(*args); };
        }});

}  // namespace
}  // namespace dtm::cli
