// X.509 certificates over OpenSSL 3: parsing, names, and chain verification
// at a given time with the key usage a signing certificate needs.
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <climits>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include "base/text.h"
#include "crypto/cert_store.h"
#include "crypto/openssl_ptr.h"
#include "crypto/openssl_util.h"
#include "dtm/x509.h"

namespace dtm {

namespace {

using internal::BioPtr;
using internal::GeneralNamesPtr;
using internal::StoreCtxPtr;
using internal::StorePtr;
using internal::X509Ptr;
using internal::X509StackPtr;

using internal::OpenSslFailure;

constexpr std::string_view kPemBegin = "-----BEGIN ";

StatusOr<X509Ptr> DecodeDer(std::string_view der) {
  if (der.size() > static_cast<size_t>(LONG_MAX)) return Status::InvalidArgument("too large");
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert == nullptr) return internal::OpenSslRejected("not a DER X.509 certificate");
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return Status::InvalidArgument("DER certificate followed by extra bytes");
  }
  return cert;
}

std::string NameToString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253) < 0) {
    internal::DrainOpenSslErrors();
    return {};
  }
  return internal::MemoryBioContents(bio.get());
}

std::vector<std::string> AltNames(X509* cert) {
  std::vector<std::string> out;
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_DNS && name->type != GEN_EMAIL && name->type != GEN_URI) continue;
    const ASN1_IA5STRING* s = name->d.ia5;
    out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
  }
  return out;
}

int64_t ToUnix(const ASN1_TIME* t) {
  struct tm tm;
  std::memset(&tm, 0, sizeof(tm));
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

Status Fail(CertificateProblem* problem, CertificateProblem::Kind kind, std::string message) {
  if (problem != nullptr) problem->kind = kind;
  return Status::VerificationFailed(message);
}

// RFC 5280 4.1.2.5: UTCTime "YYMMDDHHMMSSZ", GeneralizedTime
// "YYYYMMDDHHMMSSZ": seconds present, no fraction, no offset.
bool IsRfc5280Time(const ASN1_TIME* t) {
  if (t == nullptr || ASN1_TIME_check(t) != 1) return false;
  const size_t want = ASN1_STRING_type(t) == V_ASN1_UTCTIME ? 13 : 15;
  if (static_cast<size_t>(ASN1_STRING_length(t)) != want) return false;
  const auto* d = ASN1_STRING_get0_data(t);
  for (size_t i = 0; i + 1 < want; ++i) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return d[want - 1] == 'Z';
}

// The strings of a name are what their type says: UTF8String valid UTF-8,
// PrintableString and IA5String ASCII of their sets (RFC 5280 4.1.2.4).
bool HasValidStrings(const X509_NAME* name) {
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    const std::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                static_cast<size_t>(ASN1_STRING_length(value)));
    switch (ASN1_STRING_type(value)) {
      case V_ASN1_UTF8STRING:
        if (!internal::IsValidUtf8(text)) return false;
        break;
      case V_ASN1_PRINTABLESTRING:
      case V_ASN1_IA5STRING:
        for (char c : text) {
          if (static_cast<unsigned char>(c) >= 0x80 || c == '\0') return false;
        }
        break;
      default:
        break;
    }
  }
  return true;
}

// Checks the parts of a certificate that OpenSSL parses without judging.
Status CheckWellFormed(X509* cert) {
  if (!IsRfc5280Time(X509_get0_notBefore(cert)) || !IsRfc5280Time(X509_get0_notAfter(cert))) {
    return Status::InvalidArgument(
        "validity time is not RFC 5280 UTCTime or GeneralizedTime (YYMMDDHHMMSSZ, "
        "YYYYMMDDHHMMSSZ)");
  }
  if (!HasValidStrings(X509_get_subject_name(cert)) ||
      !HasValidStrings(X509_get_issuer_name(cert))) {
    return Status::InvalidArgument(
        "a name holds a string that is not valid for its type (UTF8String not UTF-8, "
        "PrintableString or IA5String not ASCII)");
  }
  for (const std::string& alt : AltNames(cert)) {
    for (char c : alt) {
      if (static_cast<unsigned char>(c) >= 0x80 || c == '\0') {
        return Status::InvalidArgument("a subject alternative name is not an ASCII IA5String");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

struct Certificate::Impl {
  X509Ptr cert;
  std::string der;
  std::string subject;
  std::vector<std::string> alt_names;
  int64_t not_before = 0;
  int64_t not_after = 0;
};

StatusOr<Certificate> Certificate::FromDer(std::string_view der) {
  DTM_ASSIGN_OR_RETURN(X509Ptr cert, DecodeDer(der));
  DTM_RETURN_IF_ERROR(CheckWellFormed(cert.get()));
  auto impl = std::make_shared<Impl>();
  impl->der = std::string(der);
  impl->subject = NameToString(X509_get_subject_name(cert.get()));
  impl->alt_names = AltNames(cert.get());
  impl->not_before = ToUnix(X509_get0_notBefore(cert.get()));
  impl->not_after = ToUnix(X509_get0_notAfter(cert.get()));
  impl->cert = std::move(cert);
  return Certificate(std::move(impl));
}

StatusOr<std::vector<Certificate>> Certificate::ParsePem(std::string_view pem) {
  if (pem.size() > static_cast<size_t>(INT_MAX)) return Status::InvalidArgument("PEM too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return OpenSslFailure("BIO_new_mem_buf");
  std::vector<Certificate> out;
  for (;;) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (cert == nullptr) {
      const unsigned long err = ERR_peek_last_error();
      // Running out of PEM blocks after at least one certificate is the clean
      // end.
      if (!out.empty() && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
        break;
      }
      return internal::OpenSslRejected("certificate " + std::to_string(out.size() + 1) +
                                       ": not a PEM certificate");
    }
    DTM_ASSIGN_OR_RETURN(Certificate c, FromDer(internal::ToDer(i2d_X509, cert.get())));
    out.push_back(std::move(c));
  }
  // PEM_read_bio_X509 skips blocks of other types silently; count every block.
  size_t blocks = 0;
  for (size_t at = pem.find(kPemBegin); at != std::string_view::npos;
       at = pem.find(kPemBegin, at + 1)) {
    ++blocks;
  }
  if (blocks != out.size()) {
    return Status::InvalidArgument("PEM holds something other than certificates");
  }
  return out;
}

const std::string& Certificate::der() const { return impl_->der; }
const std::string& Certificate::subject() const { return impl_->subject; }
const std::vector<std::string>& Certificate::subject_alt_names() const { return impl_->alt_names; }
int64_t Certificate::not_before() const { return impl_->not_before; }
int64_t Certificate::not_after() const { return impl_->not_after; }

std::string Certificate::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), impl_->cert.get()) != 1) {
    internal::DrainOpenSslErrors();
    return {};
  }
  return internal::MemoryBioContents(bio.get());
}

StatusOr<PublicKey> Certificate::public_key() const {
  const std::string spki = internal::ToDer(i2d_PUBKEY, X509_get0_pubkey(impl_->cert.get()));
  if (spki.empty()) return internal::OpenSslRejected("certificate without a readable public key");
  auto key = PublicKey::FromSpkiDer(spki);
  if (!key.ok()) return key.status().WithContext("certificate key");
  return key;
}

bool Certificate::MatchesIdentity(std::string_view identity) const {
  if (identity == impl_->subject) return true;
  for (const std::string& name : impl_->alt_names) {
    if (identity == name) return true;
  }
  return false;
}

Status Certificate::CheckSigningUsage() const {
  X509* cert = impl_->cert.get();
  const uint32_t flags = X509_get_extension_flags(cert);
  if ((flags & EXFLAG_KUSAGE) == 0 || (X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE) == 0) {
    return Status::VerificationFailed(
        "the signing certificate's key usage does not include digitalSignature");
  }
  if ((flags & EXFLAG_XKUSAGE) != 0 && (X509_get_extended_key_usage(cert) & XKU_CODE_SIGN) == 0) {
    return Status::VerificationFailed(
        "the signing certificate's extended key usage does not include codeSigning");
  }
  return Status::Ok();
}

Status VerifyCertificateChain(const Certificate& leaf,
                              const std::vector<Certificate>& intermediates,
                              const std::vector<Certificate>& roots, std::optional<int64_t> at_time,
                              CertificateProblem* problem) {
  if (problem != nullptr) problem->kind = CertificateProblem::kNone;
  if (roots.empty()) return Status::InvalidArgument("no trust root given");
  DTM_ASSIGN_OR_RETURN(StorePtr store, internal::TrustStoreOf(roots));
  DTM_ASSIGN_OR_RETURN(X509StackPtr untrusted, internal::CertificateStackOf(intermediates));
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (ctx == nullptr) return OpenSslFailure("X509 store");
  DTM_ASSIGN_OR_RETURN(X509Ptr leaf_cert, DecodeDer(leaf.der()));
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf_cert.get(), untrusted.get()) != 1) {
    return OpenSslFailure("X509_STORE_CTX_init");
  }
  if (at_time.has_value()) {
    X509_STORE_CTX_set_time(ctx.get(), 0, static_cast<time_t>(*at_time));
  } else {
    X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_NO_CHECK_TIME);
  }
  const int ok = X509_verify_cert(ctx.get());
  internal::DrainOpenSslErrors();
  if (ok != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    X509* at = X509_STORE_CTX_get_current_cert(ctx.get());
    std::string message = std::string(X509_verify_cert_error_string(err)) + " (certificate " +
                          std::to_string(depth) + " of the path";
    if (at != nullptr) message += ", \"" + NameToString(X509_get_subject_name(at)) + "\"";
    message += ")";
    const bool time_error = err == X509_V_ERR_CERT_HAS_EXPIRED ||
                            err == X509_V_ERR_CERT_NOT_YET_VALID ||
                            err == X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD ||
                            err == X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD;
    return Fail(problem, time_error ? CertificateProblem::kValidity : CertificateProblem::kChain,
                message);
  }
  Status usage = leaf.CheckSigningUsage();
  if (!usage.ok()) return Fail(problem, CertificateProblem::kKeyUsage, usage.message());
  return Status::Ok();
}

namespace internal {

StatusOr<StorePtr> TrustStoreOf(const std::vector<Certificate>& roots) {
  StorePtr store(X509_STORE_new());
  if (store == nullptr) return OpenSslFailure("X509 store");
  for (const Certificate& root : roots) {
    DTM_ASSIGN_OR_RETURN(X509Ptr cert, DecodeDer(root.der()));
    if (X509_STORE_add_cert(store.get(), cert.get()) != 1) return OpenSslFailure("trust root");
  }
  return store;
}

StatusOr<X509StackPtr> CertificateStackOf(const std::vector<Certificate>& certificates) {
  X509StackPtr stack(sk_X509_new_null());
  if (stack == nullptr) return OpenSslFailure("certificate stack");
  for (const Certificate& c : certificates) {
    DTM_ASSIGN_OR_RETURN(X509Ptr cert, DecodeDer(c.der()));
    if (sk_X509_push(stack.get(), cert.get()) <= 0) return OpenSslFailure("certificate stack");
    cert.release();  // owned by the stack
  }
  return stack;
}

}  // namespace internal

}  // namespace dtm
