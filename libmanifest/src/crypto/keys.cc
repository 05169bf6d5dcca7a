// Signing keys over OpenSSL 3 EVP: generation, PKCS#8/SPKI PEM, sign, verify.
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <climits>
#include <cstring>
#include <memory>
#include <string>

#include "crypto/openssl_ptr.h"
#include "crypto/openssl_util.h"
#include "dtm/digest.h"
#include "dtm/keys.h"

namespace dtm {

namespace {

using internal::AlgorPtr;
using internal::BignumPtr;
using internal::BioPtr;
using internal::EcdsaSigPtr;
using internal::MdCtxPtr;
using internal::P8InfoPtr;
using internal::PkeyCtxPtr;
using internal::PkeyPtr;
using internal::X509SigPtr;

using internal::OpenSslFailure;
using internal::OpenSslRejected;

// scrypt parameters for encrypted private keys. N = 2^14 keeps the memory use
// (16 MiB) under OpenSSL's default limit, so every OpenSSL can read the file.
constexpr uint64_t kScryptN = 1u << 14;
constexpr uint64_t kScryptR = 8;
constexpr uint64_t kScryptP = 1;
constexpr int kSaltBytes = 16;

constexpr std::string_view kPemPrivate = "-----BEGIN PRIVATE KEY-----";
constexpr std::string_view kPemEncryptedPrivate = "-----BEGIN ENCRYPTED PRIVATE KEY-----";

// The digest an algorithm hashes with; nullptr for Ed25519 (no pre-hash).
const char* DigestName(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kEd25519:
      return nullptr;
    case SignatureAlgorithm::kEcdsaP384Sha384:
      return "SHA384";
    case SignatureAlgorithm::kEcdsaP256Sha256:
    case SignatureAlgorithm::kRsaPss3072Sha256:
      return "SHA256";
  }
  return nullptr;
}

BioPtr MemoryBio(std::string_view bytes) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) return nullptr;
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

// The algorithm a key fixes, or kInvalidArgument saying why it is not accepted.
StatusOr<SignatureAlgorithm> AlgorithmOf(EVP_PKEY* pkey) {
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_ED25519:
      return SignatureAlgorithm::kEd25519;
    case EVP_PKEY_EC: {
      char group[64] = {0};
      size_t len = 0;
      if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                         &len) != 1) {
        return OpenSslRejected("EC key without a named curve");
      }
      const int nid = OBJ_sn2nid(group);
      if (nid == NID_X9_62_prime256v1) return SignatureAlgorithm::kEcdsaP256Sha256;
      if (nid == NID_secp384r1) return SignatureAlgorithm::kEcdsaP384Sha384;
      return Status::InvalidArgument("unsupported EC curve '" + std::string(group) +
                                     "'; want P-256 or P-384");
    }
    case EVP_PKEY_RSA: {
      const int bits = EVP_PKEY_get_bits(pkey);
      if (bits < kMinRsaBits || bits > kMaxRsaBits) {
        return Status::InvalidArgument("RSA key of " + std::to_string(bits) + " bits; want " +
                                       std::to_string(kMinRsaBits) + " to " +
                                       std::to_string(kMaxRsaBits));
      }
      return SignatureAlgorithm::kRsaPss3072Sha256;
    }
    case EVP_PKEY_RSA_PSS:
      return Status::InvalidArgument(
          "RSA-PSS-restricted keys (id-RSASSA-PSS) are not accepted; use a plain RSA key");
    default:
      return Status::InvalidArgument(std::string("unsupported key type '") +
                                     EVP_PKEY_get0_type_name(pkey) +
                                     "'; want Ed25519, EC P-256/P-384 or RSA");
  }
}

// Sets up `ctx` to sign or verify with `pkey` under `algorithm`.
Status InitContext(EVP_MD_CTX* ctx, EVP_PKEY* pkey, SignatureAlgorithm algorithm, bool sign) {
  EVP_PKEY_CTX* pctx = nullptr;
  const char* md = DigestName(algorithm);
  const int ok = sign ? EVP_DigestSignInit_ex(ctx, &pctx, md, nullptr, nullptr, pkey, nullptr)
                      : EVP_DigestVerifyInit_ex(ctx, &pctx, md, nullptr, nullptr, pkey, nullptr);
  if (ok != 1) return OpenSslFailure("signature context");
  if (algorithm == SignatureAlgorithm::kRsaPss3072Sha256) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, "SHA256", nullptr) != 1) {
      return OpenSslFailure("RSA-PSS parameters");
    }
  }
  return Status::Ok();
}

// What the PEM password callback needs and reports back.
struct PassphraseRequest {
  std::string_view passphrase;
  bool asked = false;
};

int PassphraseCallback(char* buf, int size, int /*rwflag*/, void* user) {
  auto* request = static_cast<PassphraseRequest*>(user);
  request->asked = true;
  if (request->passphrase.empty() || request->passphrase.size() > static_cast<size_t>(size)) {
    return -1;
  }
  std::memcpy(buf, request->passphrase.data(), request->passphrase.size());
  return static_cast<int>(request->passphrase.size());
}

}  // namespace

// ---------------------------------------------------------------------------
// Algorithm names

std::string_view AlgorithmName(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::kEd25519:
      return "ed25519";
    case SignatureAlgorithm::kEcdsaP256Sha256:
      return "ecdsa-p256-sha256";
    case SignatureAlgorithm::kEcdsaP384Sha384:
      return "ecdsa-p384-sha384";
    case SignatureAlgorithm::kRsaPss3072Sha256:
      return "rsa-pss-3072-sha256";
  }
  return "unknown";
}

StatusOr<SignatureAlgorithm> ParseAlgorithmName(std::string_view name) {
  for (SignatureAlgorithm a :
       {SignatureAlgorithm::kEd25519, SignatureAlgorithm::kEcdsaP256Sha256,
        SignatureAlgorithm::kEcdsaP384Sha384, SignatureAlgorithm::kRsaPss3072Sha256}) {
    if (name == AlgorithmName(a)) return a;
  }
  return Status::InvalidArgument(
      "unknown algorithm '" + std::string(name) + "'",
      "want ed25519, ecdsa-p256-sha256, ecdsa-p384-sha384 or rsa-pss-3072-sha256");
}

// ---------------------------------------------------------------------------
// PublicKey

struct PublicKey::Impl {
  PkeyPtr pkey;
  SignatureAlgorithm algorithm;
  std::string spki_der;
  std::string key_id;

  // Takes `key` (public or private; only the public half is kept), in the
  // canonical SubjectPublicKeyInfo the key id is computed on: an EC point is
  // encoded uncompressed, however it was given (spec/attestation.md, "Key id").
  static StatusOr<std::shared_ptr<const Impl>> Make(EVP_PKEY* key) {
    auto impl = std::make_shared<Impl>();
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
        EVP_PKEY_set_utf8_string_param(key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                       OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) != 1) {
      return OpenSslFailure("EC point format");
    }
    impl->spki_der = internal::ToDer(i2d_PUBKEY, key);
    if (impl->spki_der.empty()) return OpenSslFailure("encoding the public key");
    const auto* p = reinterpret_cast<const unsigned char*>(impl->spki_der.data());
    impl->pkey.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(impl->spki_der.size())));
    if (impl->pkey == nullptr) return OpenSslFailure("decoding the public key");
    DTM_ASSIGN_OR_RETURN(impl->algorithm, AlgorithmOf(impl->pkey.get()));
    impl->key_id = ToHex(Sha256Of(impl->spki_der));
    return std::shared_ptr<const Impl>(std::move(impl));
  }
};

StatusOr<PublicKey> PublicKey::FromPem(std::string_view pem) {
  BioPtr bio = MemoryBio(pem);
  if (bio == nullptr) return Status::InvalidArgument("public key PEM too large");
  PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr) {
    return OpenSslRejected("not a PEM public key (want \"-----BEGIN PUBLIC KEY-----\")");
  }
  DTM_ASSIGN_OR_RETURN(auto impl, Impl::Make(pkey.get()));
  return PublicKey(std::move(impl));
}

StatusOr<PublicKey> PublicKey::FromSpkiDer(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  PkeyPtr pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (pkey == nullptr) return OpenSslRejected("not a DER SubjectPublicKeyInfo");
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return Status::InvalidArgument("DER SubjectPublicKeyInfo followed by extra bytes");
  }
  DTM_ASSIGN_OR_RETURN(auto impl, Impl::Make(pkey.get()));
  return PublicKey(std::move(impl));
}

SignatureAlgorithm PublicKey::algorithm() const { return impl_->algorithm; }
const std::string& PublicKey::key_id() const { return impl_->key_id; }
const std::string& PublicKey::spki_der() const { return impl_->spki_der; }

std::string PublicKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), impl_->pkey.get()) != 1) {
    internal::DrainOpenSslErrors();
    return {};
  }
  return internal::MemoryBioContents(bio.get());
}

Status PublicKey::Verify(std::string_view signature, std::string_view data) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) return OpenSslFailure("EVP_MD_CTX_new");
  DTM_RETURN_IF_ERROR(InitContext(ctx.get(), impl_->pkey.get(), impl_->algorithm, false));
  const int rc = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(data.data()), data.size());
  // Whatever went wrong (bad encoding, wrong key, altered data), say only this.
  internal::DrainOpenSslErrors();
  if (rc != 1) return Status::VerificationFailed("invalid signature");
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// PrivateKey

struct PrivateKey::Impl {
  PkeyPtr pkey;  // null for an external key
  PublicKey public_key;
  RawSigner external;

  // Wraps a loaded or generated private key, rejecting unsupported ones.
  static StatusOr<PrivateKey> Wrap(PkeyPtr pkey) {
    DTM_ASSIGN_OR_RETURN(auto pub, PublicKey::Impl::Make(pkey.get()));
    return PrivateKey(
        std::make_shared<Impl>(Impl{std::move(pkey), PublicKey(std::move(pub)), nullptr}));
  }
};

PrivateKey::PrivateKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

StatusOr<PrivateKey> PrivateKey::Generate(SignatureAlgorithm algorithm) {
  EVP_PKEY* raw = nullptr;
  switch (algorithm) {
    case SignatureAlgorithm::kEd25519:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case SignatureAlgorithm::kEcdsaP256Sha256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case SignatureAlgorithm::kEcdsaP384Sha384:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case SignatureAlgorithm::kRsaPss3072Sha256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(kMinRsaBits));
      break;
  }
  if (raw == nullptr) return OpenSslFailure("key generation");
  return Impl::Wrap(PkeyPtr(raw));
}

StatusOr<PrivateKey> PrivateKey::FromPem(std::string_view pem, std::string_view passphrase) {
  const bool encrypted = pem.find(kPemEncryptedPrivate) != std::string_view::npos;
  if (!encrypted && pem.find(kPemPrivate) == std::string_view::npos) {
    return Status::InvalidArgument(
        "not a PKCS#8 PEM private key (want \"-----BEGIN PRIVATE KEY-----\" or \"-----BEGIN "
        "ENCRYPTED PRIVATE KEY-----\")");
  }
  if (encrypted && passphrase.empty()) {
    return Status::InvalidArgument("the private key is encrypted; give its passphrase");
  }
  BioPtr bio = MemoryBio(pem);
  if (bio == nullptr) return Status::InvalidArgument("private key PEM too large");
  PassphraseRequest request{passphrase};
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, PassphraseCallback, &request));
  if (pkey == nullptr) {
    internal::DrainOpenSslErrors();  // the details could help guess; say only this
    return Status::InvalidArgument(encrypted ? "wrong passphrase or damaged private key"
                                             : "damaged private key");
  }
  // The consistency check catches a private half that does not match the public
  // one.
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (check == nullptr || EVP_PKEY_pairwise_check(check.get()) != 1) {
    return OpenSslRejected("private key fails its consistency check");
  }
  return Impl::Wrap(std::move(pkey));
}

StatusOr<PrivateKey> PrivateKey::External(PublicKey public_key, RawSigner sign_raw) {
  if (public_key.algorithm() == SignatureAlgorithm::kRsaPss3072Sha256) {
    return Status::InvalidArgument("RSA keys are supported only in key files");
  }
  if (!sign_raw) return Status::InvalidArgument("no signing function");
  return PrivateKey(
      std::make_shared<Impl>(Impl{nullptr, std::move(public_key), std::move(sign_raw)}));
}

SignatureAlgorithm PrivateKey::algorithm() const { return impl_->public_key.algorithm(); }
const PublicKey& PrivateKey::public_key() const { return impl_->public_key; }
bool PrivateKey::is_external() const { return impl_->pkey == nullptr; }

namespace {

// What an external key's primitive signs: the message (Ed25519) or its digest.
StatusOr<std::string> ExternalInput(SignatureAlgorithm algorithm, std::string_view data) {
  if (algorithm == SignatureAlgorithm::kEd25519) return std::string(data);
  const EVP_MD* md =
      algorithm == SignatureAlgorithm::kEcdsaP384Sha384 ? EVP_sha384() : EVP_sha256();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, md, nullptr) != 1) {
    return OpenSslFailure("digest");
  }
  return std::string(reinterpret_cast<char*>(digest), len);
}

}  // namespace

StatusOr<std::string> PrivateKey::ToPem(std::string_view passphrase) const {
  if (is_external()) {
    return Status::InvalidArgument("the key is held by a token; it cannot be written out");
  }
  // Secure-heap memory BIO: its buffer is wiped when freed.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (bio == nullptr) return OpenSslFailure("BIO_new");
  if (passphrase.empty()) {
    if (PEM_write_bio_PKCS8PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0, nullptr,
                                      nullptr) != 1) {
      return OpenSslFailure("writing the private key");
    }
  } else {
    if (passphrase.size() > static_cast<size_t>(INT_MAX)) {
      return Status::InvalidArgument("passphrase too long");
    }
    P8InfoPtr p8(EVP_PKEY2PKCS8(impl_->pkey.get()));
    if (p8 == nullptr) return OpenSslFailure("EVP_PKEY2PKCS8");
    unsigned char salt[kSaltBytes];
    if (RAND_bytes(salt, sizeof(salt)) != 1) return OpenSslFailure("RAND_bytes");
    AlgorPtr pbe(PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), salt, sizeof(salt), nullptr, kScryptN,
                                       kScryptR, kScryptP));
    if (pbe == nullptr) return OpenSslFailure("PKCS5_pbe2_set_scrypt");
    X509SigPtr sealed(PKCS8_set0_pbe(passphrase.data(), static_cast<int>(passphrase.size()),
                                     p8.get(), pbe.get()));
    if (sealed == nullptr) return OpenSslFailure("encrypting the private key");
    pbe.release();  // now owned by `sealed`
    if (PEM_write_bio_PKCS8(bio.get(), sealed.get()) != 1) {
      return OpenSslFailure("writing the private key");
    }
  }
  return internal::MemoryBioContents(bio.get());
}

StatusOr<std::string> PrivateKey::Sign(std::string_view data) const {
  if (is_external()) {
    DTM_ASSIGN_OR_RETURN(std::string input, ExternalInput(algorithm(), data));
    DTM_ASSIGN_OR_RETURN(std::string raw, impl_->external(input));
    std::string sig = std::move(raw);
    if (algorithm() != SignatureAlgorithm::kEd25519) {
      DTM_ASSIGN_OR_RETURN(sig, EcdsaRawToDer(sig, algorithm()));
    }
    if (!impl_->public_key.Verify(sig, data).ok()) {
      return Status::VerificationFailed(
          "the token's signature does not verify under its public key " +
          impl_->public_key.key_id());
    }
    return sig;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) return OpenSslFailure("EVP_MD_CTX_new");
  DTM_RETURN_IF_ERROR(InitContext(ctx.get(), impl_->pkey.get(), algorithm(), true));
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1) {
    return OpenSslFailure("signing");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                     data.size()) != 1) {
    return OpenSslFailure("signing");
  }
  sig.resize(len);
  return sig;
}

// ---------------------------------------------------------------------------
// Helpers

StatusOr<std::string> EcdsaRawToDer(std::string_view raw, SignatureAlgorithm algorithm) {
  size_t half = 0;
  if (algorithm == SignatureAlgorithm::kEcdsaP256Sha256) half = 32;
  if (algorithm == SignatureAlgorithm::kEcdsaP384Sha384) half = 48;
  if (half == 0) {
    return Status::InvalidArgument("raw r||s signatures exist only for ECDSA, not " +
                                   std::string(AlgorithmName(algorithm)));
  }
  if (raw.size() != 2 * half) {
    return Status::InvalidArgument("raw ECDSA signature of " + std::to_string(raw.size()) +
                                   " bytes; want " + std::to_string(2 * half));
  }
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  BignumPtr r(BN_bin2bn(p, static_cast<int>(half), nullptr));
  BignumPtr s(BN_bin2bn(p + half, static_cast<int>(half), nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (r == nullptr || s == nullptr || sig == nullptr ||
      ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return OpenSslFailure("ECDSA_SIG_set0");
  }
  r.release();  // owned by `sig` now
  s.release();
  std::string der = internal::ToDer(i2d_ECDSA_SIG, sig.get());
  if (der.empty()) return OpenSslFailure("i2d_ECDSA_SIG");
  return der;
}

void WipeString(std::string* secret) {
  if (secret == nullptr) return;
  OPENSSL_cleanse(secret->data(), secret->size());
  secret->clear();
}

}  // namespace dtm
