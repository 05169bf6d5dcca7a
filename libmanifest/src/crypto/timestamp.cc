// RFC 3161 time-stamp requests and tokens over OpenSSL 3's TS API.
#include "dtm/timestamp.h"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <climits>
#include <cstring>
#include <ctime>

#include "crypto/cert_store.h"
#include "crypto/openssl_ptr.h"
#include "crypto/openssl_util.h"
#include "dtm/digest.h"

namespace dtm {
namespace {

using internal::BignumPtr;
using internal::DrainOpenSslErrors;
using internal::Free;
using internal::OpenSslFailure;
using internal::StorePtr;
using internal::X509StackPtr;

using TsRespPtr = std::unique_ptr<TS_RESP, Free<TS_RESP_free>>;
using TsReqPtr = std::unique_ptr<TS_REQ, Free<TS_REQ_free>>;
using TsImprintPtr = std::unique_ptr<TS_MSG_IMPRINT, Free<TS_MSG_IMPRINT_free>>;
using TsVerifyCtxPtr = std::unique_ptr<TS_VERIFY_CTX, Free<TS_VERIFY_CTX_free>>;
using AsnIntegerPtr = std::unique_ptr<ASN1_INTEGER, Free<ASN1_INTEGER_free>>;

Status Malformed(std::string_view problem) {
  DrainOpenSslErrors();
  return Status::Corruption("timestamp", problem);
}

// A parsed response whose token and TSTInfo passed ParseTimestamp's checks.
struct ParsedResponse {
  TsRespPtr response;
  TS_TST_INFO* tst = nullptr;  // owned by response
  const EVP_MD* md = nullptr;  // the imprint's hash
  std::string imprint;         // the hashed message
  TimestampInfo info;
};

std::string StatusText(TS_STATUS_INFO* status) {
  std::string text;
  const STACK_OF(ASN1_UTF8STRING)* strings = TS_STATUS_INFO_get0_text(status);
  for (int i = 0; strings != nullptr && i < sk_ASN1_UTF8STRING_num(strings); ++i) {
    const ASN1_UTF8STRING* s = sk_ASN1_UTF8STRING_value(strings, i);
    if (!text.empty()) text += "; ";
    text.append(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                static_cast<size_t>(ASN1_STRING_length(s)));
  }
  return text;
}

std::string LowerHex(const ASN1_INTEGER* value) {
  BignumPtr bn(ASN1_INTEGER_to_BN(value, nullptr));
  if (bn == nullptr) return {};
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return {};
  std::string out(hex);
  internal::FreeOpenSslMemory(hex);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The subject in RFC 2253 form, as Certificate::subject() gives it.
std::string Subject(X509* cert) {
  auto parsed = Certificate::FromDer(internal::ToDer(i2d_X509, cert));
  return parsed.ok() ? parsed->subject() : "";
}

// The certificate the token's one SignerInfo names, among the token's own
// certificates; nullptr when the token does not carry it.
X509* SignerCertificate(PKCS7* token) {
  STACK_OF(X509)* signers = PKCS7_get0_signers(token, nullptr, 0);
  X509* cert = nullptr;
  if (signers != nullptr && sk_X509_num(signers) == 1) cert = sk_X509_value(signers, 0);
  sk_X509_free(signers);  // the certificates stay owned by the token
  DrainOpenSslErrors();
  return cert;
}

StatusOr<ParsedResponse> Parse(std::string_view der) {
  if (der.empty() || der.size() > static_cast<size_t>(LONG_MAX)) return Malformed("empty");
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ParsedResponse out;
  out.response.reset(d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size())));
  if (out.response == nullptr) return Malformed("not a DER TimeStampResp (RFC 3161 2.4.2)");
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return Malformed("TimeStampResp followed by extra bytes");
  }
  TS_STATUS_INFO* status = TS_RESP_get_status_info(out.response.get());
  const long code = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(status));
  if (code == 1) {
    return Malformed("granted with modifications (status 1), which DTM does not accept");
  }
  if (code != 0) {
    const std::string text = StatusText(status);
    return Malformed("the TSA refused (status " + std::to_string(code) + ")" +
                     (text.empty() ? "" : ": " + text));
  }
  PKCS7* token = TS_RESP_get_token(out.response.get());
  out.tst = TS_RESP_get_tst_info(out.response.get());
  if (token == nullptr || out.tst == nullptr) return Malformed("granted, but no token");
  if (TS_TST_INFO_get_version(out.tst) != 1) {
    return Malformed("TSTInfo version is not 1");
  }
  TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(out.tst);
  const ASN1_OBJECT* algorithm = nullptr;
  X509_ALGOR_get0(&algorithm, nullptr, nullptr, TS_MSG_IMPRINT_get_algo(imprint));
  switch (OBJ_obj2nid(algorithm)) {
    case NID_sha256:
      out.info.hash_algorithm = "sha256";
      break;
    case NID_sha384:
      out.info.hash_algorithm = "sha384";
      break;
    case NID_sha512:
      out.info.hash_algorithm = "sha512";
      break;
    default:
      return Malformed("message imprint hash is not SHA-256, SHA-384 or SHA-512");
  }
  out.md = EVP_get_digestbyname(out.info.hash_algorithm.c_str());
  const ASN1_OCTET_STRING* digest = TS_MSG_IMPRINT_get_msg(imprint);
  out.imprint.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(digest)),
                     static_cast<size_t>(ASN1_STRING_length(digest)));
  if (out.md == nullptr || out.imprint.size() != static_cast<size_t>(EVP_MD_get_size(out.md))) {
    return Malformed("message imprint has the wrong length for " + out.info.hash_algorithm);
  }
  struct tm tm;
  std::memset(&tm, 0, sizeof(tm));
  const ASN1_GENERALIZEDTIME* gen_time = TS_TST_INFO_get_time(out.tst);
  if (gen_time == nullptr || ASN1_TIME_to_tm(gen_time, &tm) != 1) {
    return Malformed("genTime is not a valid GeneralizedTime");
  }
  out.info.gen_time = static_cast<int64_t>(timegm(&tm));
  out.info.serial_hex = LowerHex(TS_TST_INFO_get_serial(out.tst));
  char policy[128] = {0};
  const ASN1_OBJECT* policy_id = TS_TST_INFO_get_policy_id(out.tst);
  if (policy_id != nullptr) OBJ_obj2txt(policy, sizeof(policy), policy_id, 1);
  out.info.policy = policy;
  if (X509* signer = SignerCertificate(token)) out.info.tsa_subject = Subject(signer);
  DrainOpenSslErrors();
  return out;
}

std::string DigestOf(const EVP_MD* md, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(message.data(), message.size(), out, &len, md, nullptr) != 1) {
    DrainOpenSslErrors();
    return {};
  }
  return std::string(reinterpret_cast<char*>(out), len);
}

// RFC 3161 2.3: the TSA's certificate has exactly one extendedKeyUsage,
// id-kp-timeStamping, and the extension is critical.
Status CheckTimestampingUsage(X509* cert) {
  const int at = X509_get_ext_by_NID(cert, NID_ext_key_usage, -1);
  if (at < 0 || (X509_get_extension_flags(cert) & EXFLAG_XKUSAGE) == 0) {
    return Status::VerificationFailed("the TSA certificate has no extended key usage");
  }
  if (X509_get_extended_key_usage(cert) != XKU_TIMESTAMP) {
    return Status::VerificationFailed(
        "the TSA certificate's extended key usage is not exactly timeStamping");
  }
  if (X509_EXTENSION_get_critical(X509_get_ext(cert, at)) != 1) {
    return Status::VerificationFailed(
        "the TSA certificate's extended key usage is not marked critical");
  }
  return Status::Ok();
}

// RFC 5652 5.3 / RFC 5753 2.1.1: the signatureAlgorithm is a known
// signature algorithm or key type, and one that names a digest
// (ecdsa-with-SHA256, sha256WithRSAEncryption) names the digestAlgorithm of
// the SignerInfo. OpenSSL takes only the key type from it, so without this
// check the field could be changed without the token failing.
Status CheckSignerAlgorithms(PKCS7* token) {
  STACK_OF(PKCS7_SIGNER_INFO)* infos = PKCS7_get_signer_info(token);
  if (infos == nullptr || sk_PKCS7_SIGNER_INFO_num(infos) != 1) {
    return Status::VerificationFailed("the token does not have exactly one signer");
  }
  PKCS7_SIGNER_INFO* info = sk_PKCS7_SIGNER_INFO_value(infos, 0);
  // RFC 5652 5.1 and 5.3: SignedData version 3 (the content is not id-data),
  // SignerInfo version 1 (issuerAndSerialNumber) or 3 (subjectKeyIdentifier).
  const long signed_data_version = ASN1_INTEGER_get(token->d.sign->version);
  const long signer_version = ASN1_INTEGER_get(info->version);
  if (signed_data_version != 3 || (signer_version != 1 && signer_version != 3)) {
    return Status::VerificationFailed("the token's SignedData or SignerInfo version is wrong");
  }
  const auto plain = [](int type) { return type == V_ASN1_UNDEF || type == V_ASN1_NULL; };
  STACK_OF(X509_ALGOR)* listed = token->d.sign->md_algs;
  for (int i = 0; listed != nullptr && i < sk_X509_ALGOR_num(listed); ++i) {
    int type = V_ASN1_UNDEF;
    X509_ALGOR_get0(nullptr, &type, nullptr, sk_X509_ALGOR_value(listed, i));
    if (!plain(type)) {
      return Status::VerificationFailed(
          "the token's digestAlgorithms have parameters other than absent or NULL");
    }
  }
  X509_ALGOR* digest = nullptr;
  X509_ALGOR* signature = nullptr;
  PKCS7_SIGNER_INFO_get0_algs(info, nullptr, &digest, &signature);
  const ASN1_OBJECT* digest_oid = nullptr;
  const ASN1_OBJECT* signature_oid = nullptr;
  int digest_params = V_ASN1_UNDEF;
  int signature_params = V_ASN1_UNDEF;
  X509_ALGOR_get0(&digest_oid, &digest_params, nullptr, digest);
  X509_ALGOR_get0(&signature_oid, &signature_params, nullptr, signature);
  int md_nid = NID_undef;
  int key_nid = NID_undef;
  const int sig_nid = OBJ_obj2nid(signature_oid);
  // Parameters OpenSSL would ignore: only absent or NULL (RSASSA-PSS has its own).
  if (!plain(digest_params) || (!plain(signature_params) && sig_nid != NID_rsassaPss)) {
    return Status::VerificationFailed(
        "the token's SignerInfo has algorithm parameters other than absent or NULL");
  }
  if (OBJ_find_sigid_algs(sig_nid, &md_nid, &key_nid) == 1) {
    if (md_nid != NID_undef && md_nid != OBJ_obj2nid(digest_oid)) {
      return Status::VerificationFailed(
          "the token's signatureAlgorithm names another digest than its digestAlgorithm");
    }
    return Status::Ok();
  }
  // A key type alone, as CMS allows for RSA and EC.
  if (sig_nid == NID_rsaEncryption || sig_nid == NID_X9_62_id_ecPublicKey ||
      sig_nid == NID_ED25519) {
    return Status::Ok();
  }
  return Status::VerificationFailed(
      "the token's signatureAlgorithm is not a known signature "
      "algorithm");
}

// A path from the TSA's certificate through the token's certificates and
// `untrusted` to `store`, valid at `at`, for time stamping.
Status CheckTsaChain(X509_STORE* store, X509* signer, PKCS7* token, STACK_OF(X509) * untrusted,
                     int64_t at) {
  STACK_OF(X509)* carried = token->d.sign->cert;
  for (int i = 0; carried != nullptr && i < sk_X509_num(carried); ++i) {
    X509* c = sk_X509_value(carried, i);
    if (X509_up_ref(c) != 1 || sk_X509_push(untrusted, c) <= 0) {
      return OpenSslFailure("certificate stack");
    }
  }
  internal::StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (ctx == nullptr || X509_STORE_CTX_init(ctx.get(), store, signer, untrusted) != 1) {
    return OpenSslFailure("X509_STORE_CTX_init");
  }
  X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(at));
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_TIMESTAMP_SIGN);
  const int ok = X509_verify_cert(ctx.get());
  DrainOpenSslErrors();
  if (ok == 1) return Status::Ok();
  const int err = X509_STORE_CTX_get_error(ctx.get());
  X509* where = X509_STORE_CTX_get_current_cert(ctx.get());
  return Status::VerificationFailed(
      "the TSA's certificate does not verify under the TSA certificates given",
      std::string(X509_verify_cert_error_string(err)) + " (certificate " +
          std::to_string(X509_STORE_CTX_get_error_depth(ctx.get())) + " of the path" +
          (where != nullptr ? ", \"" + Subject(where) + "\")" : ")") +
          ", judged at the token's genTime");
}

}  // namespace

StatusOr<TimestampRequest> MakeTimestampRequest(std::string_view message) {
  TimestampRequest out;
  Sha256Digest digest = Sha256Of(message);
  out.message_sha256.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
  out.nonce.resize(8);
  DTM_RETURN_IF_ERROR(RandomBytes(out.nonce.data(), out.nonce.size()));
  out.nonce[0] = static_cast<char>(out.nonce[0] & 0x7f);  // a positive INTEGER
  TsReqPtr req(TS_REQ_new());
  TsImprintPtr imprint(TS_MSG_IMPRINT_new());
  internal::AlgorPtr algorithm(X509_ALGOR_new());
  BignumPtr nonce_bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(out.nonce.data()),
                               static_cast<int>(out.nonce.size()), nullptr));
  if (req == nullptr || imprint == nullptr || algorithm == nullptr || nonce_bn == nullptr) {
    return OpenSslFailure("time-stamp request");
  }
  AsnIntegerPtr nonce(BN_to_ASN1_INTEGER(nonce_bn.get(), nullptr));
  if (nonce == nullptr ||
      X509_ALGOR_set0(algorithm.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr) != 1 ||
      TS_MSG_IMPRINT_set_algo(imprint.get(), algorithm.get()) != 1 ||
      TS_MSG_IMPRINT_set_msg(imprint.get(), reinterpret_cast<unsigned char*>(digest.data()),
                             static_cast<int>(digest.size())) != 1 ||
      TS_REQ_set_version(req.get(), 1) != 1 ||
      TS_REQ_set_msg_imprint(req.get(), imprint.get()) != 1 ||
      TS_REQ_set_nonce(req.get(), nonce.get()) != 1 || TS_REQ_set_cert_req(req.get(), 1) != 1) {
    return OpenSslFailure("time-stamp request");
  }
  out.der = internal::ToDer(i2d_TS_REQ, req.get());
  if (out.der.empty()) return OpenSslFailure("time-stamp request encoding");
  return out;
}

StatusOr<TimestampInfo> ParseTimestamp(std::string_view response_der) {
  DTM_ASSIGN_OR_RETURN(ParsedResponse parsed, Parse(response_der));
  return parsed.info;
}

StatusOr<TimestampInfo> CheckTimestampResponse(std::string_view response_der,
                                               const TimestampRequest& request) {
  DTM_ASSIGN_OR_RETURN(ParsedResponse parsed, Parse(response_der));
  if (parsed.info.hash_algorithm != "sha256" || parsed.imprint != request.message_sha256) {
    return Status::VerificationFailed("timestamp", "the token's imprint is not the request's");
  }
  const ASN1_INTEGER* nonce = TS_TST_INFO_get_nonce(parsed.tst);
  BignumPtr want(BN_bin2bn(reinterpret_cast<const unsigned char*>(request.nonce.data()),
                           static_cast<int>(request.nonce.size()), nullptr));
  BignumPtr got(nonce == nullptr ? nullptr : ASN1_INTEGER_to_BN(nonce, nullptr));
  if (want == nullptr || got == nullptr || BN_cmp(want.get(), got.get()) != 0) {
    DrainOpenSslErrors();
    return Status::VerificationFailed("timestamp", "the token's nonce is not the request's");
  }
  return parsed.info;
}

bool TimestampCovers(std::string_view response_der, std::string_view message) {
  auto parsed = Parse(response_der);
  return parsed.ok() && DigestOf(parsed->md, message) == parsed->imprint;
}

StatusOr<TimestampInfo> VerifyTimestamp(std::string_view response_der, std::string_view message,
                                        const std::vector<Certificate>& roots,
                                        const std::vector<Certificate>& intermediates) {
  if (roots.empty()) return Status::InvalidArgument("no TSA certificate given");
  DTM_ASSIGN_OR_RETURN(ParsedResponse parsed, Parse(response_der));
  if (DigestOf(parsed.md, message) != parsed.imprint) {
    return Status::VerificationFailed(
        "the token's message imprint is not the digest of the "
        "signature it should cover");
  }
  PKCS7* token = TS_RESP_get_token(parsed.response.get());
  X509* signer = SignerCertificate(token);
  if (signer == nullptr) {
    return Status::VerificationFailed("the token does not carry its TSA's certificate");
  }
  DTM_RETURN_IF_ERROR(CheckSignerAlgorithms(token));
  DTM_RETURN_IF_ERROR(CheckTimestampingUsage(signer));
  DTM_ASSIGN_OR_RETURN(StorePtr store, internal::TrustStoreOf(roots));
  DTM_ASSIGN_OR_RETURN(X509StackPtr untrusted, internal::CertificateStackOf(intermediates));
  // The TSA's chain is judged when it stamped, not now.
  DTM_RETURN_IF_ERROR(
      CheckTsaChain(store.get(), signer, token, untrusted.get(), parsed.info.gen_time));
  X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()),
                             static_cast<time_t>(parsed.info.gen_time));
  TsVerifyCtxPtr ctx(TS_VERIFY_CTX_new());
  if (ctx == nullptr) return OpenSslFailure("time-stamp verification");
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_SIGNATURE | TS_VFY_VERSION);
  TS_VERIFY_CTX_set_store(ctx.get(), store.release());      // owned by ctx
  TS_VERIFY_CTX_set_certs(ctx.get(), untrusted.release());  // owned by ctx
  const int ok = TS_RESP_verify_token(ctx.get(), token);
  const std::string errors = DrainOpenSslErrors();
  if (ok != 1) {
    return Status::VerificationFailed("the token's signature does not verify", errors);
  }
  return parsed.info;
}

}  // namespace dtm
