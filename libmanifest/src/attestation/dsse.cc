// DSSE v1: the pre-authentication encoding and the JSON envelope.
#include <string>

#include "attestation/format.h"
#include "base/base64.h"
#include "base/strict_json.h"

namespace dtm {

using internal::Base64Decode;
using internal::Base64Encode;
using internal::ParseStrictJson;

std::string DssePae(std::string_view payload_type, std::string_view payload) {
  std::string out = "DSSEv1 ";
  out += std::to_string(payload_type.size());
  out += ' ';
  out += payload_type;
  out += ' ';
  out += std::to_string(payload.size());
  out += ' ';
  out += payload;
  return out;
}

namespace internal {
namespace {

using Json = nlohmann::json;

// The string member `name` of `object`, or kCorruption naming it.
StatusOr<std::string> StringMember(const Json& object, const char* name, std::string_view where,
                                   bool required) {
  auto it = object.find(name);
  if (it == object.end()) {
    if (!required) return std::string();
    return Status::Corruption(std::string(where), std::string("no \"") + name + "\"");
  }
  if (!it->is_string()) {
    return Status::Corruption(std::string(where) + "." + name, "not a string");
  }
  return it->get<std::string>();
}

StatusOr<std::string> Base64Member(const Json& object, const char* name, std::string_view where) {
  DTM_ASSIGN_OR_RETURN(std::string text, StringMember(object, name, where, true));
  auto bytes = Base64Decode(text);
  if (!bytes.ok())
    return Status::Corruption(std::string(where) + "." + name, bytes.status().message());
  return bytes;
}

}  // namespace

StatusOr<DsseEnvelope> EnvelopeFromJson(const Json& value, std::string_view where) {
  if (!value.is_object()) return Status::Corruption(where, "not a JSON object");
  DsseEnvelope envelope;
  DTM_ASSIGN_OR_RETURN(envelope.payload, Base64Member(value, "payload", where));
  DTM_ASSIGN_OR_RETURN(envelope.payload_type, StringMember(value, "payloadType", where, true));
  auto sigs = value.find("signatures");
  if (sigs == value.end() || !sigs->is_array()) {
    return Status::Corruption(where, "no \"signatures\" array");
  }
  if (sigs->empty()) return Status::Corruption(std::string(where) + ".signatures", "empty");
  if (sigs->size() > kMaxSignatures) {
    return Status::Corruption(
        std::string(where) + ".signatures",
        std::to_string(sigs->size()) + " signatures, more than " + std::to_string(kMaxSignatures));
  }
  for (size_t i = 0; i < sigs->size(); ++i) {
    const std::string at = std::string(where) + ".signatures[" + std::to_string(i) + "]";
    const Json& sig = (*sigs)[i];
    if (!sig.is_object()) return Status::Corruption(at, "not a JSON object");
    DsseSignature s;
    DTM_ASSIGN_OR_RETURN(s.sig, Base64Member(sig, "sig", at));
    if (s.sig.empty()) return Status::Corruption(at + ".sig", "empty");
    DTM_ASSIGN_OR_RETURN(s.keyid, StringMember(sig, "keyid", at, false));
    envelope.signatures.push_back(std::move(s));
  }
  return envelope;
}

StatusOr<DsseEnvelope> ParseEnvelope(std::string_view json) {
  if (json.size() > kMaxBundleBytes) {
    return Status::LimitExceeded("envelope",
                                 "larger than " + std::to_string(kMaxBundleBytes) + " bytes");
  }
  DTM_ASSIGN_OR_RETURN(Json value, ParseStrictJson(json, "envelope"));
  return EnvelopeFromJson(value, "envelope");
}

nlohmann::ordered_json EnvelopeToJson(const DsseEnvelope& envelope) {
  nlohmann::ordered_json out;
  out["payload"] = Base64Encode(envelope.payload);
  out["payloadType"] = envelope.payload_type;
  out["signatures"] = nlohmann::ordered_json::array();
  for (const DsseSignature& s : envelope.signatures) {
    nlohmann::ordered_json sig;
    sig["sig"] = Base64Encode(s.sig);
    sig["keyid"] = s.keyid;
    out["signatures"].push_back(std::move(sig));
  }
  return out;
}

}  // namespace internal
}  // namespace dtm
