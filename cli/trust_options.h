// What the commands that check signatures (verify, verify-proof) are told to
// trust: public keys, root certificates, an identity, a threshold; and how they
// print the signers they found.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dtm/attestation.h"
#include "dtm/status.h"

namespace dtm::cli {

struct TrustArgs {
  std::vector<std::string> keys;           // --key: public key files (PEM)
  std::vector<std::string> trust_roots;    // --trust-root: root certificate files
  std::vector<std::string> intermediates;  // --intermediates: untrusted certificate files
  std::vector<std::string> tsa_certs;      // --tsa-cert: trusted TSA certificate files
  std::string identity;                    // --identity
  int threshold = 1;                       // --threshold
};

// Adds --key, --trust-root, --intermediates, --tsa-cert, --identity and
// --threshold.
void AddTrustOptions(CLI::App* app, TrustArgs* args);

// Loads the files named in `args` into `options` (keys, trust roots,
// intermediates, TSA certificates, identity, threshold) and fills *key_files with key id -> file
// name for the output. Errors: the files' (kNotFound, kInvalidArgument, ...),
// kInvalidArgument for --identity without --trust-root.
Status LoadTrust(const TrustArgs& args, VerifyOptions* options,
                 std::map<std::string, std::string>* key_files);

// One line per signature of the report: counted or not, by which key (and its
// file from `key_files`) or certificate.
void PrintSigners(const VerificationReport& report,
                  const std::map<std::string, std::string>& key_files);

// The times of a verified report and who states each: the signer's own
// signedAt, then one line per timestamp (its TSA, the signatures it covers,
// and whether it was checked against --tsa-cert).
void PrintSigningTimes(const VerificationReport& report);

// `checks` (a "checks passed" list) with "timestamp" after "statement" when
// timestamps were checked.
std::string WithTimestampCheck(const std::string& checks, const VerifyOptions& options);

// "2026-01-02T03:04:05Z"
std::string FormatUtcTime(int64_t unix_seconds);

}  // namespace dtm::cli
