// Signing keys: the algorithms DTM signs with, key generation, PEM files, and
// signing and verifying bytes (spec/attestation.md, "Keys and algorithms").
//
// Every key fixes its algorithm: an Ed25519 key signs Ed25519, a P-256 key
// ECDSA with SHA-256, a P-384 key ECDSA with SHA-384, an RSA key (3072 bits or
// more) RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt. There is no
// way to name a hash or a padding separately, so no mismatched pair exists.
//
// Keys are immutable after construction and may be shared between threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "dtm/status.h"

namespace dtm {

// The valid (key type, signature scheme) combinations. Nothing else is
// accepted.
enum class SignatureAlgorithm {
  kEd25519,           // RFC 8032 Ed25519 (pure, no pre-hash)
  kEcdsaP256Sha256,   // ECDSA over NIST P-256 with SHA-256, DER signatures
  kEcdsaP384Sha384,   // ECDSA over NIST P-384 with SHA-384, DER signatures
  kRsaPss3072Sha256,  // RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32 bytes; RSA >=
                      // 3072 bits
};

// Smallest and largest accepted RSA modulus, in bits.
inline constexpr int kMinRsaBits = 3072;
inline constexpr int kMaxRsaBits = 16384;

// "ed25519", "ecdsa-p256-sha256", "ecdsa-p384-sha384", "rsa-pss-3072-sha256"
// (the last names RSASSA-PSS with SHA-256 for any accepted RSA size).
std::string_view AlgorithmName(SignatureAlgorithm algorithm);
// Parses the names above; anything else is kInvalidArgument listing them.
StatusOr<SignatureAlgorithm> ParseAlgorithmName(std::string_view name);

// A public key. Made only by the factories, which reject keys of any other
// type, EC keys on other curves, and RSA keys outside [kMinRsaBits,
// kMaxRsaBits].
class PublicKey {
 public:
  // SubjectPublicKeyInfo in PEM ("-----BEGIN PUBLIC KEY-----").
  static StatusOr<PublicKey> FromPem(std::string_view pem);
  // SubjectPublicKeyInfo in DER.
  static StatusOr<PublicKey> FromSpkiDer(std::string_view der);

  SignatureAlgorithm algorithm() const;
  // The key id: lower-case hex SHA-256 of the DER SubjectPublicKeyInfo. Only a
  // hint for choosing a key; never a reason to trust one.
  const std::string& key_id() const;
  // The DER SubjectPublicKeyInfo.
  const std::string& spki_der() const;
  // SubjectPublicKeyInfo in PEM.
  std::string ToPem() const;

  // OK when `signature` is a valid signature of `data` by this key under its
  // algorithm (ECDSA signatures must be DER). Any other outcome, whatever the
  // cause, is kVerificationFailed with the message "invalid signature".
  Status Verify(std::string_view signature, std::string_view data) const;

  bool operator==(const PublicKey& other) const { return spki_der() == other.spki_der(); }

 private:
  friend class PrivateKey;
  struct Impl;
  explicit PublicKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// A private key. The secret is held by OpenSSL, which wipes it when the last
// copy of this object is destroyed.
class PrivateKey {
 public:
  // A fresh key from the operating system's random source. RSA keys get
  // kMinRsaBits bits and take about a second.
  static StatusOr<PrivateKey> Generate(SignatureAlgorithm algorithm);
  // PKCS#8 in PEM: "PRIVATE KEY", or "ENCRYPTED PRIVATE KEY" decrypted with
  // `passphrase` (PBES2 with scrypt or PBKDF2, as OpenSSL reads it). Errors:
  // kInvalidArgument for another PEM type, a missing or wrong passphrase, or a
  // key that is unsupported or fails its consistency check.
  static StatusOr<PrivateKey> FromPem(std::string_view pem, std::string_view passphrase = {});

  // A key held elsewhere (a hardware token, a KMS) that signs through
  // `sign_raw`. `sign_raw` receives what the algorithm's primitive signs:
  // the whole message for Ed25519, the SHA-256 or SHA-384 digest for ECDSA,
  // and returns the raw signature (64 bytes for Ed25519, r||s for ECDSA,
  // which Sign re-encodes as DER). Sign checks every signature it returns
  // against `public_key`, so a token with another key fails there.
  // kInvalidArgument for RSA (not supported outside files). `sign_raw` must be
  // safe to call from the threads that share the key.
  using RawSigner = std::function<StatusOr<std::string>(std::string_view input)>;
  static StatusOr<PrivateKey> External(PublicKey public_key, RawSigner sign_raw);

  SignatureAlgorithm algorithm() const;
  const PublicKey& public_key() const;
  // True for keys made by External: their secret is not here to write.
  bool is_external() const;

  // PKCS#8 PEM. kInvalidArgument for an external key. With a non-empty passphrase the key is
  // encrypted: PBES2 with scrypt (N = 2^14, r = 8, p = 1, 16-byte random salt) and AES-256-CBC. The
  // result holds the secret: wipe it with WipeString when done.
  StatusOr<std::string> ToPem(std::string_view passphrase = {}) const;

  // Signs `data` (the whole message; hashing is part of the algorithm).
  // ECDSA signatures are DER. Ed25519 and RSA-PSS signatures are their usual
  // fixed-size byte strings.
  StatusOr<std::string> Sign(std::string_view data) const;

 private:
  struct Impl;
  explicit PrivateKey(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

// Re-encodes an ECDSA signature given as raw r||s (IEEE P1363: two big-endian
// integers of the curve's size, 64 bytes for P-256, 96 for P-384) as DER, for
// callers that receive that form. kInvalidArgument for another length or a
// non-ECDSA algorithm.
StatusOr<std::string> EcdsaRawToDer(std::string_view raw, SignatureAlgorithm algorithm);

// Overwrites the bytes of `secret` (in a way the compiler does not remove) and
// clears it.
void WipeString(std::string* secret);

}  // namespace dtm
