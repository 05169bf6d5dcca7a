// Test certificates made with the OpenSSL API at test time: a root, an
// intermediate and leaves with chosen validity, key usage and names. Nothing
// secret is committed; every key is generated per test run.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dtm/keys.h"
#include "dtm/x509.h"

namespace dtm::signing_test {

struct CertSpec {
  std::string common_name;
  int64_t not_before = 0;  // Unix seconds
  int64_t not_after = 0;
  bool ca = false;
  std::string key_usage;           // e.g. "critical,digitalSignature"; empty: no extension
  std::string extended_key_usage;  // e.g. "codeSigning"; empty: no extension
  std::string alt_names;           // e.g. "email:a@b.example,URI:https://b.example"
};

// A certificate and the private key of its subject.
struct Issued {
  Certificate cert;
  PrivateKey key;
};

namespace internal {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free_all(p); }
};

inline std::unique_ptr<EVP_PKEY, PkeyFree> ToEvp(const PrivateKey& key) {
  std::string pem = key.ToPem().value();
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return std::unique_ptr<EVP_PKEY, PkeyFree>(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

inline void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  if (value.empty()) return;
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  ASSERT_NE(ext, nullptr) << value;
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

}  // namespace internal

// Issues a certificate for `subject_key` per `spec`, signed by `issuer` (or
// self-signed when issuer is null). CA keys should be ECDSA (signed with SHA-256).
inline Certificate IssueCertificate(const CertSpec& spec, const PrivateKey& subject_key,
                                    const Issued* issuer) {
  static long serial = 1;
  std::unique_ptr<X509, internal::X509Free> cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ++serial);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(spec.not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(spec.not_after));
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("DTM Tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  auto subject_evp = internal::ToEvp(subject_key);
  X509_set_pubkey(cert.get(), subject_evp.get());

  std::unique_ptr<X509, internal::X509Free> issuer_cert;
  std::unique_ptr<EVP_PKEY, internal::PkeyFree> issuer_evp;
  if (issuer != nullptr) {
    const std::string& der = issuer->cert.der();
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    issuer_cert.reset(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    issuer_evp = internal::ToEvp(issuer->key);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert.get()));
  } else {
    X509_set_issuer_name(cert.get(), name);
  }
  X509* signer_cert = issuer != nullptr ? issuer_cert.get() : cert.get();
  EVP_PKEY* signer_key = issuer != nullptr ? issuer_evp.get() : subject_evp.get();
  internal::AddExtension(cert.get(), signer_cert, NID_basic_constraints,
                         spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  internal::AddExtension(cert.get(), signer_cert, NID_subject_key_identifier, "hash");
  if (issuer != nullptr) {
    internal::AddExtension(cert.get(), signer_cert, NID_authority_key_identifier, "keyid:always");
  }
  internal::AddExtension(cert.get(), signer_cert, NID_key_usage, spec.key_usage);
  internal::AddExtension(cert.get(), signer_cert, NID_ext_key_usage, spec.extended_key_usage);
  internal::AddExtension(cert.get(), signer_cert, NID_subject_alt_name, spec.alt_names);
  EXPECT_GT(X509_sign(cert.get(), signer_key, EVP_sha256()), 0);

  unsigned char* der = nullptr;
  const int len = i2d_X509(cert.get(), &der);
  std::string bytes(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return Certificate::FromDer(bytes).value();
}

// A CA (root when issuer is null) with a fresh P-256 key.
inline Issued MakeCa(const std::string& name, int64_t not_before, int64_t not_after,
                     const Issued* issuer = nullptr) {
  PrivateKey key = PrivateKey::Generate(SignatureAlgorithm::kEcdsaP256Sha256).value();
  CertSpec spec{name, not_before, not_after, true, "critical,keyCertSign,cRLSign", "", ""};
  Certificate cert = IssueCertificate(spec, key, issuer);
  return Issued{std::move(cert), std::move(key)};
}

}  // namespace dtm::signing_test
