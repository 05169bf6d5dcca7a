#include "trust_options.h"

#include <cstdio>
#include <ctime>

#include "cli_util.h"
#include "signing_files.h"

namespace dtm::cli {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

void AddTrustOptions(CLI::App* app, TrustArgs* args) {
  app->add_option("--key,-k", args->keys, "A trusted public key (PEM); repeatable");
  app->add_option("--trust-root", args->trust_roots, "Trusted root certificates (PEM); repeatable");
  app->add_option("--intermediates", args->intermediates,
                  "Untrusted intermediate certificates (PEM) to build paths with");
  app->add_option("--tsa-cert", args->tsa_certs,
                  "Trusted time-stamping authority certificates (PEM); repeatable. Every "
                  "timestamp of the bundle must verify under them");
  app->add_option("--identity", args->identity,
                  "A certificate signer must have this subject or subject alt name");
  app->add_option("--threshold", args->threshold, "Distinct keys that must have signed (default 1)")
      ->check(CLI::Range(1, 1000));
}

Status LoadTrust(const TrustArgs& args, VerifyOptions* options,
                 std::map<std::string, std::string>* key_files) {
  for (const std::string& path : args.keys) {
    auto key = LoadPublicKey(path);
    if (!key.ok()) return key.status();
    key_files->emplace(key->key_id(), path);
    options->keys.push_back(std::move(key).value());
  }
  for (const auto& [paths, into] : {std::pair{&args.trust_roots, &options->trust_roots},
                                    std::pair{&args.intermediates, &options->intermediates},
                                    std::pair{&args.tsa_certs, &options->tsa_roots}}) {
    for (const std::string& path : *paths) {
      auto certs = LoadCertificates(path);
      if (!certs.ok()) return certs.status();
      into->insert(into->end(), certs->begin(), certs->end());
    }
  }
  options->identity = args.identity;
  options->threshold = args.threshold;
  if (!args.identity.empty() && options->trust_roots.empty()) {
    return Status::InvalidArgument("--identity names a certificate signer: give --trust-root");
  }
  return Status::Ok();
}

void PrintSigners(const VerificationReport& report,
                  const std::map<std::string, std::string>& key_files) {
  for (const SignerReport& s : report.signers) {
    Print("  signature %zu  ", s.index + 1);
    if (!s.verified) {
      Print("not counted: %s (keyid hint \"%s\")\n", s.problem.c_str(), s.keyid_hint.c_str());
      continue;
    }
    const std::string alg(AlgorithmName(s.algorithm));
    if (s.by_certificate) {
      Print("verified: certificate \"%s\"", s.subject.c_str());
      if (!s.subject_alt_names.empty()) {
        Print(" (SAN %s)", Join(s.subject_alt_names).c_str());
      }
      Print(", key %s (%s)\n", s.key_id.c_str(), alg.c_str());
    } else {
      auto file = key_files.find(s.key_id);
      Print("verified: key %s (%s) from %s\n", s.key_id.c_str(), alg.c_str(),
            file != key_files.end() ? file->second.c_str() : "?");
    }
  }
}

void PrintSigningTimes(const VerificationReport& report) {
  if (report.timestamps.empty()) {
    Print("  signed at    %s (stated by the signer; no timestamp authority)\n",
          FormatUtcTime(report.signed_at).c_str());
    return;
  }
  Print("  signed at    %s (stated by the signer)\n", FormatUtcTime(report.signed_at).c_str());
  for (const TimestampReport& t : report.timestamps) {
    std::string covers;
    for (size_t s : t.signatures) covers += (covers.empty() ? "" : ", ") + std::to_string(s + 1);
    Print("  timestamp %zu  %s by \"%s\" over signature %s (%s)\n", t.index + 1,
          FormatUtcTime(t.gen_time).c_str(), t.tsa_subject.c_str(),
          covers.empty() ? "none" : covers.c_str(),
          t.verified ? "verified with --tsa-cert: a trusted time"
                     : "not checked: give --tsa-cert to trust it");
  }
}

std::string WithTimestampCheck(const std::string& checks, const VerifyOptions& options) {
  if (options.tsa_roots.empty()) return checks;
  const size_t at = checks.find("statement, ");
  if (at == std::string::npos) return checks;
  std::string out = checks;
  out.insert(at + 11, "timestamp, ");
  return out;
}

std::string FormatUtcTime(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  char buf[32] = "?";
  if (gmtime_r(&t, &tm) != nullptr) std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace dtm::cli
