// Verifying a bundle against a manifest, in the order of spec/attestation.md
// ("Verification"), stopping at the first failing check.
#include <optional>
#include <set>
#include <string>

#include "attestation/format.h"
#include "base/text.h"
#include "dtm/attestation.h"
#include "dtm/timestamp.h"

namespace dtm {

using internal::QuoteForMessage;
namespace {

using internal::Bundle;

// The bundle's certificate, if any, ready for checking.
struct CertificateSigner {
  Certificate leaf;
  std::vector<Certificate> intermediates;  // from the bundle, then the options
  std::optional<PublicKey> key;            // nullopt when of an unsupported type
  std::string key_problem;
};

// A signature that did not count, and the check its failure belongs to.
struct Rejection {
  std::string check;
  std::string detail;
};

class Verifier {
 public:
  Verifier(const VerifyOptions& options, VerificationReport* report)
      : options_(options), report_(report) {}

  // Runs every check; the outcome is in the report. With no manifest
  // (nullptr) it stops after "certificate-validity".
  Status Run(const std::string* manifest_path, std::string_view bundle_json);

 private:
  // Records a failed check in the report; returns OK (the run itself worked).
  // The check is named once, even when `detail` already starts with it.
  // Records `check` as the failed check of the report.
  void RecordFailure(const std::string& check, const std::string& detail) {
    report_->failed_check = check;
    report_->status = detail.empty() ? Status::VerificationFailed(check)
                                     : Status::VerificationFailed(detail).WithContext(check);
  }
  // RecordFailure, then OK: verification ran; its report says what failed.
  Status Fail(const std::string& check, const std::string& detail) {
    RecordFailure(check, detail);
    return Status::Ok();
  }
  // The certificate material of the bundle, or a bundle failure.
  Status LoadCertificate(const Bundle& bundle);
  // Verifies signature `index`; fills its report entry or a rejection.
  void VerifySignature(size_t index, const DsseSignature& sig, const std::string& pae,
                       SignerReport* signer);
  // Reports every timestamp of the bundle; with TSA roots, fails
  // "timestamp" unless there is one and each verifies, covers a signature and
  // is not earlier than the stated signing time allows. Sets the signers'
  // trusted times.
  bool CheckTimestamps(const Bundle& bundle, int64_t signed_at);
  // Fails "threshold" (or the first rejection's check when nothing verified)
  // when fewer than options_.threshold distinct keys verified.
  bool ThresholdMet();

  const VerifyOptions& options_;
  VerificationReport* report_;
  std::optional<CertificateSigner> cert_;
  std::vector<Rejection> rejections_;  // in signature order
};

Status Verifier::LoadCertificate(const Bundle& bundle) {
  if (bundle.certificates.empty()) return Status::Ok();
  std::vector<Certificate> certs;
  for (size_t i = 0; i < bundle.certificates.size(); ++i) {
    auto c = Certificate::FromDer(bundle.certificates[i]);
    if (!c.ok()) {
      return Fail("bundle", "certificate " + std::to_string(i + 1) + ": " + c.status().message());
    }
    certs.push_back(std::move(c).value());
  }
  CertificateSigner signer{certs.front(), {}, std::nullopt, {}};
  signer.intermediates.assign(certs.begin() + 1, certs.end());
  signer.intermediates.insert(signer.intermediates.end(), options_.intermediates.begin(),
                              options_.intermediates.end());
  auto key = signer.leaf.public_key();
  if (key.ok()) {
    signer.key = std::move(key).value();
  } else {
    signer.key_problem = key.status().message();
  }
  cert_ = std::move(signer);
  return Status::Ok();
}

void Verifier::VerifySignature(size_t index, const DsseSignature& sig, const std::string& pae,
                               SignerReport* signer) {
  signer->index = index;
  signer->keyid_hint = sig.keyid;
  // A keyid is a hint, but a signature labelled with another key's id does
  // not count: the label was changed, or the signer mislabels.
  auto mislabelled = [&](const PublicKey& key) {
    if (sig.keyid.empty() || sig.keyid == key.key_id()) return false;
    rejections_.push_back({"signature", "signature " + std::to_string(index + 1) + " has keyid " +
                                            QuoteForMessage(sig.keyid) + " but key " +
                                            key.key_id() + " verified it"});
    signer->problem = "keyid names another key";
    return true;
  };
  for (const PublicKey& key : options_.keys) {
    if (key.Verify(sig.sig, pae).ok()) {
      if (mislabelled(key)) return;
      signer->verified = true;
      signer->key_id = key.key_id();
      signer->algorithm = key.algorithm();
      return;
    }
  }
  // The bundle's certificate counts only through a trust root the caller gave.
  if (cert_.has_value() && !options_.trust_roots.empty()) {
    if (!cert_->key.has_value()) {
      rejections_.push_back({"certificate-chain", cert_->key_problem});
    } else if (cert_->key->Verify(sig.sig, pae).ok()) {
      if (mislabelled(*cert_->key)) return;
      signer->key_id = cert_->key->key_id();
      signer->algorithm = cert_->key->algorithm();
      signer->subject = cert_->leaf.subject();
      signer->subject_alt_names = cert_->leaf.subject_alt_names();
      // Time is checked once the statement gives the signing time.
      CertificateProblem problem;
      Status chain = VerifyCertificateChain(cert_->leaf, cert_->intermediates, options_.trust_roots,
                                            std::nullopt, &problem);
      if (!chain.ok()) {
        const bool usage = problem.kind == CertificateProblem::kKeyUsage;
        rejections_.push_back(
            {usage ? "certificate-key-usage" : "certificate-chain", chain.message()});
      } else if (!options_.identity.empty() && !cert_->leaf.MatchesIdentity(options_.identity)) {
        rejections_.push_back({"identity", "the certificate \"" + cert_->leaf.subject() +
                                               "\" does not name \"" + options_.identity + "\""});
      } else {
        signer->verified = true;
        signer->by_certificate = true;
        return;
      }
      signer->problem = rejections_.back().check + ": " + rejections_.back().detail;
      return;
    }
  }
  rejections_.push_back({"signature", "signature " + std::to_string(index + 1) + " (keyid \"" +
                                          sig.keyid + "\") is not valid under any given key" +
                                          (cert_.has_value() && !options_.trust_roots.empty()
                                               ? " or the bundle's certificate"
                                               : "")});
  signer->problem = "invalid signature or unknown key";
}

bool Verifier::ThresholdMet() {
  size_t count = 0;
  for (const SignerReport& s : report_->signers) count += s.verified ? 1 : 0;
  report_->distinct_keys = count;
  if (count >= static_cast<size_t>(options_.threshold)) return true;
  if (count == 0 && !rejections_.empty()) {
    RecordFailure(rejections_.front().check, rejections_.front().detail);
  } else {
    RecordFailure("threshold", std::to_string(options_.threshold) + " distinct keys must sign; " +
                                   std::to_string(count) + " did");
  }
  return false;
}

bool Verifier::CheckTimestamps(const Bundle& bundle, int64_t signed_at) {
  for (size_t i = 0; i < bundle.timestamps.size(); ++i) {
    TimestampReport t;
    t.index = i;
    if (auto info = ParseTimestamp(bundle.timestamps[i]); info.ok()) {
      t.gen_time = info->gen_time;
      t.tsa_subject = info->tsa_subject;
    }
    for (size_t s = 0; s < bundle.envelope.signatures.size(); ++s) {
      if (TimestampCovers(bundle.timestamps[i], bundle.envelope.signatures[s].sig)) {
        t.signatures.push_back(s);
      }
    }
    report_->timestamps.push_back(std::move(t));
  }
  if (options_.tsa_roots.empty()) return true;
  if (bundle.timestamps.empty()) {
    RecordFailure("timestamp", "the bundle has no timestamp, and TSA certificates were given");
    return false;
  }
  for (TimestampReport& t : report_->timestamps) {
    const std::string name = "timestamp " + std::to_string(t.index + 1);
    if (t.signatures.empty()) {
      RecordFailure("timestamp", name + " covers none of the bundle's signatures");
      return false;
    }
    auto verified =
        VerifyTimestamp(bundle.timestamps[t.index], bundle.envelope.signatures[t.signatures[0]].sig,
                        options_.tsa_roots, options_.intermediates);
    if (!verified.ok()) {
      RecordFailure("timestamp", name + ": " + verified.status().message());
      return false;
    }
    if (signed_at > t.gen_time + kTimestampToleranceSeconds) {
      RecordFailure("timestamp", name + ": the statement says it was signed at " +
                                     internal::FormatUtc(signed_at) +
                                     ", after the TSA saw the signature (" +
                                     internal::FormatUtc(t.gen_time) + ")");
      return false;
    }
    t.verified = true;
    for (size_t s : t.signatures) {
      int64_t& trusted = report_->signers[s].trusted_time;
      if (trusted == 0 || t.gen_time < trusted) trusted = t.gen_time;
    }
  }
  return true;
}

Status Verifier::Run(const std::string* manifest_path, std::string_view bundle_json) {
  // 1. The bundle and its envelope parse; the payload type is the in-toto one.
  auto parsed = internal::ParseBundle(bundle_json);
  if (!parsed.ok()) return Fail("bundle", parsed.status().message());
  const Bundle& bundle = *parsed;
  report_->media_type = bundle.media_type;
  if (bundle.envelope.payload_type != kInTotoPayloadType) {
    return Fail("payload-type", "'" + bundle.envelope.payload_type + "', want '" +
                                    std::string(kInTotoPayloadType) + "'");
  }
  DTM_RETURN_IF_ERROR(LoadCertificate(bundle));
  if (!report_->failed_check.empty()) return Status::Ok();

  // 2. Each signature over PAE(payloadType, payload), bytes as they are.
  const std::string pae = DssePae(bundle.envelope.payload_type, bundle.envelope.payload);
  std::set<std::string> keys_seen;
  for (size_t i = 0; i < bundle.envelope.signatures.size(); ++i) {
    SignerReport signer;
    VerifySignature(i, bundle.envelope.signatures[i], pae, &signer);
    report_->signers.push_back(signer);
    if (signer.verified && !keys_seen.insert(signer.key_id).second) {
      return Fail("duplicate-signature", "key " + signer.key_id +
                                             " signed more than once (signature " +
                                             std::to_string(i + 1) + " repeats an earlier one)");
    }
  }
  if (!ThresholdMet()) return Status::Ok();

  // 3. Only now is the payload parsed.
  auto statement = internal::ParseStatement(bundle.envelope.payload);
  if (!statement.ok()) return Fail("statement", statement.status().message());
  report_->signed_at = statement->signed_at;
  report_->subject_name = statement->subject_name;
  report_->merkle_root = statement->merkle_root;
  report_->manifest_sha256 = statement->manifest_sha256;

  // 4. Timestamps give trusted times.
  if (!CheckTimestamps(bundle, statement->signed_at)) return Status::Ok();

  // 5. Certificates were valid when the signature was made: at the TSA's time
  // when a verified timestamp covers it, else when the statement says.
  for (SignerReport& signer : report_->signers) {
    if (!signer.by_certificate) continue;
    const bool trusted = signer.trusted_time != 0;
    const int64_t at = trusted ? signer.trusted_time : statement->signed_at;
    CertificateProblem problem;
    Status valid = VerifyCertificateChain(cert_->leaf, cert_->intermediates, options_.trust_roots,
                                          at, &problem);
    if (!valid.ok()) {
      const std::string detail = valid.message() +
                                 (trusted ? " at the timestamp's time " : " at the signing time ") +
                                 internal::FormatUtc(at);
      signer.verified = false;
      signer.problem = "certificate-validity: " + detail;
      rejections_.insert(rejections_.begin(), {"certificate-validity", detail});
    }
  }
  if (!ThresholdMet()) return Status::Ok();
  if (manifest_path == nullptr) {
    report_->status = Status::Ok();
    return Status::Ok();
  }

  // 6. The manifest is intact; 7. the statement describes it.
  auto manifest = CheckManifest(*manifest_path, options_.limits);
  if (!manifest.ok()) {
    const StatusCode code = manifest.status().code();
    if (code == StatusCode::kNotFound || code == StatusCode::kIOError ||
        code == StatusCode::kInvalidArgument) {
      return manifest.status();
    }
    return Fail("manifest-integrity", manifest.status().message());
  }
  report_->public_view = manifest->public_view;
  report_->withheld_records = manifest->header.record_count() - manifest->header.totals().sources();
  if (auto failure = internal::CompareStatement(*statement, *manifest)) {
    return Fail(failure->check, failure->status.message());
  }
  report_->status = Status::Ok();
  return Status::Ok();
}

// VerifyAttestation, or with no manifest (nullptr) VerifyBundleSignatures.
StatusOr<VerificationReport> RunVerifier(const std::string* manifest_path,
                                         std::string_view bundle_json,
                                         const VerifyOptions& options) {
  if (options.keys.empty() && options.trust_roots.empty()) {
    return Status::InvalidArgument(
        "no key and no trust root given: nothing to verify the signatures against");
  }
  if (options.threshold < 1) {
    return Status::InvalidArgument("threshold " + std::to_string(options.threshold) +
                                   " is less than 1");
  }
  VerificationReport report;
  report.status = Status::VerificationFailed("not verified");
  Verifier verifier(options, &report);
  DTM_RETURN_IF_ERROR(verifier.Run(manifest_path, bundle_json));
  return report;
}

}  // namespace

StatusOr<VerificationReport> VerifyAttestation(const std::string& manifest_path,
                                               std::string_view bundle_json,
                                               const VerifyOptions& options) {
  return RunVerifier(&manifest_path, bundle_json, options);
}

namespace internal {

StatusOr<VerificationReport> VerifyBundleSignatures(std::string_view bundle_json,
                                                    const VerifyOptions& options) {
  return RunVerifier(nullptr, bundle_json, options);
}

}  // namespace internal

}  // namespace dtm
