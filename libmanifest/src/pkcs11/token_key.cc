// Signing keys in PKCS#11 tokens: opening one, generating one, and their
// public keys as SubjectPublicKeyInfo.
#include <cstring>
#include <vector>

#include "dtm/digest.h"
#include "dtm/pkcs11.h"
#include "pkcs11/session.h"

namespace dtm {
namespace {

using internal::KeyName;
using internal::Pkcs11Session;

using namespace std::string_view_literals;

// DER of the curve parameters (CKA_EC_PARAMS) and of the SPKI algorithm
// (string_view literals: some hold a zero byte).
constexpr std::string_view kP256Oid = "\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07"sv;
constexpr std::string_view kP384Oid = "\x06\x05\x2b\x81\x04\x00\x22"sv;
constexpr std::string_view kEd25519Oid = "\x06\x03\x2b\x65\x70"sv;
// PKCS#11 3.0 also names the Edwards curve by a PrintableString.
constexpr std::string_view kEd25519Name =
    "\x13\x0c"
    "edwards25519"sv;
constexpr std::string_view kEcPublicKeyOid = "\x06\x07\x2a\x86\x48\xce\x3d\x02\x01"sv;

std::string Tlv(char tag, std::string_view body) {
  std::string out(1, tag);
  if (body.size() < 0x80) {
    out += static_cast<char>(body.size());
  } else if (body.size() < 0x100) {
    out += '\x81';
    out += static_cast<char>(body.size());
  } else {
    out += '\x82';
    out += static_cast<char>(body.size() >> 8);
    out += static_cast<char>(body.size() & 0xff);
  }
  return out + std::string(body);
}

// The algorithm a key of `key_type` on `params` signs with.
StatusOr<SignatureAlgorithm> AlgorithmOf(CK_KEY_TYPE key_type, std::string_view params) {
  if (key_type == CKK_EC_EDWARDS && (params == kEd25519Oid || params == kEd25519Name)) {
    return SignatureAlgorithm::kEd25519;
  }
  if (key_type == CKK_EC && params == kP256Oid) return SignatureAlgorithm::kEcdsaP256Sha256;
  if (key_type == CKK_EC && params == kP384Oid) return SignatureAlgorithm::kEcdsaP384Sha384;
  return Status::InvalidArgument(
      "the token key is not Ed25519, ECDSA P-256 or ECDSA P-384, the types DTM signs with");
}

// The public key from CKA_EC_POINT, which tokens give DER-wrapped (an OCTET
// STRING) or raw.
StatusOr<PublicKey> PublicKeyOf(SignatureAlgorithm algorithm, std::string point) {
  const size_t raw = algorithm == SignatureAlgorithm::kEd25519           ? 32
                     : algorithm == SignatureAlgorithm::kEcdsaP256Sha256 ? 65
                                                                         : 97;
  if (point.size() == raw + 2 && point[0] == '\x04' && static_cast<size_t>(point[1]) == raw) {
    point = point.substr(2);
  }
  if (point.size() != raw) {
    return Status::Corruption("the token's public key point has " + std::to_string(point.size()) +
                              " bytes; want " + std::to_string(raw));
  }
  const std::string bits = Tlv('\x03', std::string(1, '\0') + point);
  std::string algorithm_id;
  if (algorithm == SignatureAlgorithm::kEd25519) {
    algorithm_id = Tlv('\x30', kEd25519Oid);
  } else {
    algorithm_id = Tlv(
        '\x30',
        std::string(kEcPublicKeyOid) +
            std::string(algorithm == SignatureAlgorithm::kEcdsaP256Sha256 ? kP256Oid : kP384Oid));
  }
  return PublicKey::FromSpkiDer(Tlv('\x30', algorithm_id + bits));
}

template <typename T>
StatusOr<T> ScalarAttribute(Pkcs11Session& s, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
  DTM_ASSIGN_OR_RETURN(std::string value, s.Attribute(object, type));
  if (value.size() != sizeof(T)) return Status::Corruption(s.Where(), "malformed attribute");
  T out;
  std::memcpy(&out, value.data(), sizeof(T));
  return out;
}

// The public key object paired with `priv`: the same CKA_ID, else the same label.
StatusOr<PublicKey> PairedPublicKey(Pkcs11Session& s, CK_OBJECT_HANDLE priv,
                                    SignatureAlgorithm algorithm) {
  KeyName pair;
  if (auto id = s.Attribute(priv, CKA_ID); id.ok() && !id->empty()) {
    pair.id = *id;
    pair.has_id = true;
  } else if (auto label = s.Attribute(priv, CKA_LABEL); label.ok()) {
    pair.label = *label;
    pair.has_label = true;
  }
  DTM_ASSIGN_OR_RETURN(auto found, s.Find(CKO_PUBLIC_KEY, pair, 2));
  if (found.size() != 1) {
    return Status::NotFound(s.Where(), found.empty()
                                           ? "no public key object pairs with the private key"
                                           : "several public key objects pair with the key");
  }
  DTM_ASSIGN_OR_RETURN(std::string point, s.Attribute(found[0], CKA_EC_POINT));
  return PublicKeyOf(algorithm, std::move(point));
}

std::string Describe(const KeyName& name) {
  std::string out;
  if (name.has_label) out += "object=" + name.label;
  if (name.has_id)
    out +=
        std::string(out.empty() ? "" : ";") + "id=(" + std::to_string(name.id.size()) + " bytes)";
  return out.empty() ? "any" : out;
}

}  // namespace

bool IsPkcs11Uri(std::string_view text) { return text.starts_with("pkcs11:"); }

StatusOr<PrivateKey> OpenPkcs11Key(std::string_view uri, const Pkcs11Options& options) {
  KeyName name;
  DTM_ASSIGN_OR_RETURN(std::shared_ptr<Pkcs11Session> session,
                       Pkcs11Session::Open(uri, options, /*read_write=*/false, &name));
  Pkcs11Session& s = *session;
  DTM_ASSIGN_OR_RETURN(auto found, s.Find(CKO_PRIVATE_KEY, name, 2));
  if (found.empty()) {
    return Status::NotFound(s.Where(), "no private key matches " + Describe(name));
  }
  if (found.size() > 1) {
    return Status::InvalidArgument(s.Where(), "several private keys match " + Describe(name) +
                                                  "; name one with object= or id=");
  }
  const CK_OBJECT_HANDLE key = found[0];
  DTM_ASSIGN_OR_RETURN(CK_KEY_TYPE key_type, ScalarAttribute<CK_KEY_TYPE>(s, key, CKA_KEY_TYPE));
  DTM_ASSIGN_OR_RETURN(std::string params, s.Attribute(key, CKA_EC_PARAMS));
  auto algorithm = AlgorithmOf(key_type, params);
  if (!algorithm.ok()) return algorithm.status().WithContext(s.Where());
  DTM_ASSIGN_OR_RETURN(PublicKey pub, PairedPublicKey(s, key, *algorithm));
  const CK_MECHANISM_TYPE mechanism =
      *algorithm == SignatureAlgorithm::kEd25519 ? CKM_EDDSA : CKM_ECDSA;
  return PrivateKey::External(
      std::move(pub), [session, key, mechanism](std::string_view input) -> StatusOr<std::string> {
        std::lock_guard<std::mutex> lock(session->mutex());
        return session->Sign(key, mechanism, input);
      });
}

StatusOr<PublicKey> GeneratePkcs11Key(std::string_view uri, SignatureAlgorithm algorithm,
                                      const Pkcs11Options& options) {
  if (algorithm == SignatureAlgorithm::kRsaPss3072Sha256) {
    return Status::InvalidArgument("keys in tokens are Ed25519, ECDSA P-256 or ECDSA P-384");
  }
  KeyName name;
  DTM_ASSIGN_OR_RETURN(std::shared_ptr<Pkcs11Session> session,
                       Pkcs11Session::Open(uri, options, /*read_write=*/true, &name));
  Pkcs11Session& s = *session;
  if (!name.has_label || name.label.empty()) {
    return Status::InvalidArgument("PKCS#11 URI", "give the new key's label with object=");
  }
  KeyName by_label{name.label, {}, true, false};
  DTM_ASSIGN_OR_RETURN(auto existing, s.Find(CKO_PRIVATE_KEY, by_label, 1));
  if (!existing.empty()) {
    return Status::InvalidArgument(s.Where(), "a key labelled '" + name.label + "' exists");
  }
  if (!name.has_id) {
    name.id.resize(16);
    DTM_RETURN_IF_ERROR(RandomBytes(name.id.data(), name.id.size()));
  }
  const bool ed = algorithm == SignatureAlgorithm::kEd25519;
  CK_BBOOL yes = CK_TRUE;
  CK_BBOOL no = CK_FALSE;
  // Ed25519: the OID first, then the PrintableString some tokens want.
  std::vector<std::string> params;
  if (ed) {
    params = {std::string(kEd25519Oid), std::string(kEd25519Name)};
  } else {
    params = {std::string(algorithm == SignatureAlgorithm::kEcdsaP256Sha256 ? kP256Oid : kP384Oid)};
  }
  CK_RV rv = CKR_GENERAL_ERROR;
  CK_OBJECT_HANDLE pub = 0, priv = 0;
  for (std::string& p : params) {
    CK_ATTRIBUTE pub_t[] = {
        {CKA_TOKEN, &yes, sizeof(yes)},           {CKA_VERIFY, &yes, sizeof(yes)},
        {CKA_EC_PARAMS, p.data(), p.size()},      {CKA_LABEL, name.label.data(), name.label.size()},
        {CKA_ID, name.id.data(), name.id.size()},
    };
    CK_ATTRIBUTE priv_t[] = {
        {CKA_TOKEN, &yes, sizeof(yes)},
        {CKA_PRIVATE, &yes, sizeof(yes)},
        {CKA_SENSITIVE, &yes, sizeof(yes)},
        {CKA_EXTRACTABLE, &no, sizeof(no)},
        {CKA_SIGN, &yes, sizeof(yes)},
        {CKA_DECRYPT, &no, sizeof(no)},
        {CKA_LABEL, name.label.data(), name.label.size()},
        {CKA_ID, name.id.data(), name.id.size()},
    };
    std::lock_guard<std::mutex> lock(s.mutex());
    rv = s.GenerateKeyPair(ed ? CKM_EC_EDWARDS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN, pub_t,
                           sizeof(pub_t) / sizeof(pub_t[0]), priv_t,
                           sizeof(priv_t) / sizeof(priv_t[0]), &pub, &priv);
    if (rv == CKR_OK) break;
  }
  if (rv == CKR_MECHANISM_INVALID || rv == CKR_ATTRIBUTE_VALUE_INVALID ||
      rv == CKR_CURVE_NOT_SUPPORTED || rv == CKR_DOMAIN_PARAMS_INVALID) {
    return Status::InvalidArgument(s.Where(), "cannot make " +
                                                  std::string(AlgorithmName(algorithm)) +
                                                  " keys (" + Pkcs11Session::ErrorName(rv) + ")");
  }
  if (rv != CKR_OK) {
    return Status::IOError(s.Where(), "C_GenerateKeyPair: " + Pkcs11Session::ErrorName(rv));
  }
  DTM_ASSIGN_OR_RETURN(std::string point, s.Attribute(pub, CKA_EC_POINT));
  return PublicKeyOf(algorithm, std::move(point));
}

}  // namespace dtm
