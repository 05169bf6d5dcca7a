// The Sigstore bundle (protobuf-specs Bundle, JSON encoding) around a DSSE
// envelope: media type, verification material, envelope.
#include <string>

#include "attestation/format.h"
#include "base/base64.h"
#include "base/strict_json.h"
#include "base/text.h"
#include "dtm/timestamp.h"

namespace dtm::internal {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// The spelling the v0.3 media type had before the dotted form.
constexpr std::string_view kBundleMediaTypeV03Legacy =
    "application/vnd.dev.sigstore.bundle+json;version=0.3";

bool IsV03(std::string_view media_type) {
  return media_type == kBundleMediaType || media_type == kBundleMediaTypeV03Legacy;
}

Status Malformed(std::string_view where, std::string_view problem) {
  return Status::Corruption("bundle: " + std::string(where), problem);
}

// Bundles are read as Sigstore's protobuf JSON, whose parsers reject unknown
// fields: a member that is not a field of the message at `where` is an error
// (so that no byte of a bundle is ignored).
Status RejectUnknown(const Json& object, std::initializer_list<std::string_view> known,
                     std::string_view where) {
  auto name = FirstUnknownMember(object, known);
  if (!name.has_value()) return Status::Ok();
  const std::string problem = "unknown member " + QuoteForMessage(*name);
  return where.empty() ? Status::Corruption("bundle", problem) : Malformed(where, problem);
}

// The members of the envelope and its signatures (the DSSE envelope of a
// Sigstore bundle is the protobuf message io.intoto.Envelope).
Status RejectUnknownInEnvelope(const Json& envelope) {
  DTM_RETURN_IF_ERROR(
      RejectUnknown(envelope, {"payload", "payloadType", "signatures"}, "dsseEnvelope"));
  auto sigs = envelope.is_object() ? envelope.find("signatures") : envelope.end();
  if (sigs == envelope.end() || !sigs->is_array()) return Status::Ok();
  for (size_t i = 0; i < sigs->size() && i < kMaxSignatures; ++i) {
    DTM_RETURN_IF_ERROR(RejectUnknown((*sigs)[i], {"sig", "keyid"},
                                      "dsseEnvelope.signatures[" + std::to_string(i) + "]"));
  }
  return Status::Ok();
}

// The DER bytes of {"rawBytes": "<base64>"}.
StatusOr<std::string> RawBytes(const Json& value, const std::string& where) {
  if (!value.is_object()) return Malformed(where, "not a JSON object");
  DTM_RETURN_IF_ERROR(RejectUnknown(value, {"rawBytes"}, where));
  auto it = value.find("rawBytes");
  if (it == value.end() || !it->is_string()) return Malformed(where, "no \"rawBytes\" string");
  auto der = Base64Decode(it->get<std::string>());
  if (!der.ok()) return Malformed(where + ".rawBytes", der.status().message());
  if (der->empty()) return Malformed(where + ".rawBytes", "empty");
  return der;
}

// timestampVerificationData: {"rfc3161Timestamps": [{"signedTimestamp":
// base64}, ...]}, each a TimeStampResp that parses (dtm/timestamp.h).
StatusOr<std::vector<std::string>> ParseTimestamps(const Json& data) {
  const std::string where = "verificationMaterial.timestampVerificationData";
  if (!data.is_object()) return Malformed(where, "not a JSON object");
  DTM_RETURN_IF_ERROR(RejectUnknown(data, {"rfc3161Timestamps"}, where));
  std::vector<std::string> out;
  auto list = data.find("rfc3161Timestamps");
  if (list == data.end()) return out;
  if (!list->is_array()) return Malformed(where + ".rfc3161Timestamps", "not an array");
  if (list->size() > kMaxTimestamps) {
    return Malformed(where + ".rfc3161Timestamps",
                     "more than " + std::to_string(kMaxTimestamps) + " timestamps");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string at = where + ".rfc3161Timestamps[" + std::to_string(i) + "]";
    const Json& item = (*list)[i];
    if (!item.is_object()) return Malformed(at, "not a JSON object");
    DTM_RETURN_IF_ERROR(RejectUnknown(item, {"signedTimestamp"}, at));
    auto value = item.find("signedTimestamp");
    if (value == item.end() || !value->is_string()) {
      return Malformed(at, "no \"signedTimestamp\" string");
    }
    auto der = Base64Decode(value->get<std::string>());
    if (!der.ok()) return Malformed(at + ".signedTimestamp", der.status().message());
    auto parsed = ParseTimestamp(*der);
    if (!parsed.ok()) return Malformed(at + ".signedTimestamp", parsed.status().message());
    out.push_back(std::move(der).value());
  }
  return out;
}

Status ParseMaterial(const Json& material, Bundle* bundle) {
  if (!material.is_object()) return Malformed("verificationMaterial", "not a JSON object");
  DTM_RETURN_IF_ERROR(RejectUnknown(material,
                                    {"publicKey", "certificate", "x509CertificateChain",
                                     "tlogEntries", "timestampVerificationData"},
                                    "verificationMaterial"));
  const int forms = static_cast<int>(material.contains("publicKey")) +
                    static_cast<int>(material.contains("certificate")) +
                    static_cast<int>(material.contains("x509CertificateChain"));
  if (forms != 1) {
    return Malformed("verificationMaterial",
                     "want exactly one of publicKey, certificate, x509CertificateChain");
  }
  if (auto it = material.find("publicKey"); it != material.end()) {
    if (!it->is_object()) return Malformed("verificationMaterial.publicKey", "not a JSON object");
    DTM_RETURN_IF_ERROR(RejectUnknown(*it, {"hint"}, "verificationMaterial.publicKey"));
    auto hint = it->find("hint");
    if (hint != it->end()) {
      if (!hint->is_string()) {
        return Malformed("verificationMaterial.publicKey.hint", "not a string");
      }
      bundle->public_key_hint = hint->get<std::string>();
    }
  } else if (auto cert = material.find("certificate"); cert != material.end()) {
    DTM_ASSIGN_OR_RETURN(std::string der, RawBytes(*cert, "verificationMaterial.certificate"));
    bundle->certificates.push_back(std::move(der));
  } else {
    if (IsV03(bundle->media_type)) {
      return Malformed("verificationMaterial.x509CertificateChain",
                       "not allowed in a v0.3 bundle (use certificate)");
    }
    const Json& chain = material["x509CertificateChain"];
    const std::string where = "verificationMaterial.x509CertificateChain.certificates";
    auto certs = chain.is_object() ? chain.find("certificates") : chain.end();
    if (!chain.is_object() || certs == chain.end() || !certs->is_array() || certs->empty()) {
      return Malformed(where, "want a non-empty array");
    }
    DTM_RETURN_IF_ERROR(
        RejectUnknown(chain, {"certificates"}, "verificationMaterial.x509CertificateChain"));
    if (certs->size() > kMaxCertificates) {
      return Malformed(where, "more than " + std::to_string(kMaxCertificates) + " certificates");
    }
    for (size_t i = 0; i < certs->size(); ++i) {
      DTM_ASSIGN_OR_RETURN(std::string der,
                           RawBytes((*certs)[i], where + "[" + std::to_string(i) + "]"));
      bundle->certificates.push_back(std::move(der));
    }
  }
  // DTM does not use transparency-log entries; only their shape is checked.
  if (auto it = material.find("tlogEntries"); it != material.end() && !it->is_array()) {
    return Malformed("verificationMaterial.tlogEntries", "not an array");
  }
  if (auto it = material.find("timestampVerificationData"); it != material.end()) {
    DTM_ASSIGN_OR_RETURN(bundle->timestamps, ParseTimestamps(*it));
  }
  return Status::Ok();
}

}  // namespace

std::string SerializeBundle(const Bundle& bundle) {
  OrderedJson material;
  if (bundle.certificates.empty()) {
    material["publicKey"]["hint"] = bundle.public_key_hint;
  } else if (bundle.certificates.size() == 1) {
    material["certificate"]["rawBytes"] = Base64Encode(bundle.certificates[0]);
  } else {
    OrderedJson certs = OrderedJson::array();
    for (const std::string& der : bundle.certificates) {
      OrderedJson c;
      c["rawBytes"] = Base64Encode(der);
      certs.push_back(std::move(c));
    }
    material["x509CertificateChain"]["certificates"] = std::move(certs);
  }
  material["tlogEntries"] = OrderedJson::array();
  if (!bundle.timestamps.empty()) {
    OrderedJson list = OrderedJson::array();
    for (const std::string& der : bundle.timestamps) {
      OrderedJson t;
      t["signedTimestamp"] = Base64Encode(der);
      list.push_back(std::move(t));
    }
    material["timestampVerificationData"]["rfc3161Timestamps"] = std::move(list);
  }
  OrderedJson out;
  out["mediaType"] = bundle.media_type;
  out["verificationMaterial"] = std::move(material);
  out["dsseEnvelope"] = EnvelopeToJson(bundle.envelope);
  return out.dump(2) + "\n";
}

StatusOr<Bundle> ParseBundle(std::string_view json) {
  if (json.size() > kMaxBundleBytes) {
    return Status::LimitExceeded("bundle",
                                 "larger than " + std::to_string(kMaxBundleBytes) + " bytes");
  }
  DTM_ASSIGN_OR_RETURN(Json value, ParseStrictJson(json, "bundle"));
  if (!value.is_object()) return Status::Corruption("bundle", "not a JSON object");
  DTM_RETURN_IF_ERROR(RejectUnknown(
      value, {"mediaType", "verificationMaterial", "dsseEnvelope", "messageSignature"}, ""));
  Bundle bundle;
  auto media = value.find("mediaType");
  if (media == value.end() || !media->is_string()) return Malformed("mediaType", "missing");
  bundle.media_type = media->get<std::string>();
  if (!IsV03(bundle.media_type) && bundle.media_type != kBundleMediaTypeV02) {
    return Malformed("mediaType", "unsupported '" + bundle.media_type + "'; want " +
                                      std::string(kBundleMediaType) + " or " +
                                      std::string(kBundleMediaTypeV02));
  }
  auto material = value.find("verificationMaterial");
  if (material == value.end()) return Malformed("verificationMaterial", "missing");
  DTM_RETURN_IF_ERROR(ParseMaterial(*material, &bundle));
  if (value.contains("messageSignature")) {
    return Malformed("messageSignature", "a message signature, not a DSSE envelope");
  }
  auto envelope = value.find("dsseEnvelope");
  if (envelope == value.end()) return Malformed("dsseEnvelope", "missing");
  DTM_RETURN_IF_ERROR(RejectUnknownInEnvelope(*envelope));
  auto parsed = EnvelopeFromJson(*envelope, "dsseEnvelope");
  if (!parsed.ok()) return parsed.status().WithContext("bundle");
  bundle.envelope = std::move(parsed).value();
  // The key hint names the first signer (Sigstore: the hint and the keyid of
  // DSSE content agree), so when both are given neither can change alone.
  const std::string& keyid = bundle.envelope.signatures.front().keyid;
  if (!bundle.public_key_hint.empty() && !keyid.empty() && keyid != bundle.public_key_hint) {
    return Malformed("verificationMaterial.publicKey.hint",
                     QuoteForMessage(bundle.public_key_hint) +
                         " is not the keyid of signature 1 (" + QuoteForMessage(keyid) + ")");
  }
  return bundle;
}

}  // namespace dtm::internal
