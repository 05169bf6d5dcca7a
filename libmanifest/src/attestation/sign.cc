// Signing a manifest, and adding a co-signature to an existing bundle.
#include <string>

#include "attestation/format.h"
#include "dtm/attestation.h"

namespace dtm {
namespace {

// Checks that `signer`'s certificate, if any, fits its key and `signed_at`.
Status CheckSignerCertificate(const Signer& signer, int64_t signed_at) {
  if (signer.certificates.empty()) return Status::Ok();
  if (signer.certificates.size() > kMaxCertificates) {
    return Status::InvalidArgument("more than " + std::to_string(kMaxCertificates) +
                                   " certificates");
  }
  const Certificate& leaf = signer.certificates.front();
  DTM_ASSIGN_OR_RETURN(PublicKey cert_key, leaf.public_key());
  if (!(cert_key == signer.key->public_key())) {
    return Status::InvalidArgument("the certificate \"" + leaf.subject() +
                                   "\" is not for the signing key " +
                                   signer.key->public_key().key_id());
  }
  if (signed_at < leaf.not_before() || signed_at >= leaf.not_after()) {
    return Status::InvalidArgument(
        "the certificate \"" + leaf.subject() + "\" is not valid at the signing time " +
        internal::FormatUtc(signed_at) + " (valid " + internal::FormatUtc(leaf.not_before()) +
        " to " + internal::FormatUtc(leaf.not_after()) + ")");
  }
  Status usage = leaf.CheckSigningUsage();
  if (!usage.ok()) return Status::InvalidArgument(usage.message());
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> SignManifest(const std::string& manifest_path, const Signer& signer,
                                   int64_t signed_at) {
  if (signer.key == nullptr) return Status::InvalidArgument("no signing key");
  DTM_RETURN_IF_ERROR(CheckSignerCertificate(signer, signed_at));
  DTM_ASSIGN_OR_RETURN(ManifestIntegrity manifest, CheckManifest(manifest_path));
  DTM_ASSIGN_OR_RETURN(std::string payload, internal::MakeStatement(manifest, signed_at));
  DTM_ASSIGN_OR_RETURN(std::string sig, signer.key->Sign(DssePae(kInTotoPayloadType, payload)));

  internal::Bundle bundle;
  // v0.3 carries one certificate only; a chain needs the v0.2 form.
  bundle.media_type = signer.certificates.size() > 1 ? kBundleMediaTypeV02 : kBundleMediaType;
  const std::string& key_id = signer.key->public_key().key_id();
  if (signer.certificates.empty()) bundle.public_key_hint = key_id;
  for (const Certificate& c : signer.certificates) bundle.certificates.push_back(c.der());
  bundle.envelope.payload = std::move(payload);
  bundle.envelope.payload_type = kInTotoPayloadType;
  bundle.envelope.signatures.push_back({std::move(sig), key_id});
  return internal::SerializeBundle(bundle);
}

StatusOr<std::string> AppendSignature(const std::string& manifest_path,
                                      std::string_view bundle_json, const PrivateKey& key) {
  DTM_ASSIGN_OR_RETURN(internal::Bundle bundle, internal::ParseBundle(bundle_json));
  DsseEnvelope& envelope = bundle.envelope;
  if (envelope.payload_type != kInTotoPayloadType) {
    return Status::Corruption("bundle: payloadType '" + envelope.payload_type + "'",
                              "want " + std::string(kInTotoPayloadType));
  }
  if (envelope.signatures.size() >= kMaxSignatures) {
    return Status::LimitExceeded("bundle",
                                 "already has " + std::to_string(kMaxSignatures) + " signatures");
  }
  // The co-signer vouches for the content: it must describe this manifest.
  DTM_ASSIGN_OR_RETURN(internal::Statement statement, internal::ParseStatement(envelope.payload));
  DTM_ASSIGN_OR_RETURN(ManifestIntegrity manifest, CheckManifest(manifest_path));
  if (auto failure = internal::CompareStatement(statement, manifest)) {
    return Status::InvalidArgument("the bundle does not describe " + manifest_path,
                                   failure->check + ": " + failure->status.message());
  }
  const std::string pae = DssePae(envelope.payload_type, envelope.payload);
  for (size_t i = 0; i < envelope.signatures.size(); ++i) {
    if (key.public_key().Verify(envelope.signatures[i].sig, pae).ok()) {
      return Status::InvalidArgument("key " + key.public_key().key_id() +
                                     " already signed this bundle (signature " +
                                     std::to_string(i + 1) + ")");
    }
  }
  DTM_ASSIGN_OR_RETURN(std::string sig, key.Sign(pae));
  envelope.signatures.push_back({std::move(sig), key.public_key().key_id()});
  return internal::SerializeBundle(bundle);
}

}  // namespace dtm
