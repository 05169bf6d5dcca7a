// Keys in PKCS#11 tokens (hardware security modules, cloud KMS through their
// PKCS#11 libraries), named by RFC 7512 URIs (spec/attestation.md, "Keys in
// tokens"). The private key never leaves the token: it signs there.
#pragma once

#include <string>
#include <string_view>

#include "dtm/keys.h"
#include "dtm/status.h"

namespace dtm {

// True when `text` is a PKCS#11 URI ("pkcs11:...").
bool IsPkcs11Uri(std::string_view text);

struct Pkcs11Options {
  // The token's PKCS#11 library. The URI's module-path attribute wins; one
  // of the two is required.
  std::string module_path;
  // The user PIN, when the URI has neither pin-value nor pin-source.
  std::string pin;
};

// The private key the URI names: its token attributes (token, manufacturer,
// model, serial) must match exactly one token, and its object attributes
// (object, id, type=private) exactly one private key, of type EC on P-256 or
// P-384 (ECDSA) or Ed25519 (EdDSA). Its public key is read from the public key
// object with the same id (or label). The returned key keeps a logged-in
// session until its last copy is destroyed; signing is serialised on it.
// Errors: kInvalidArgument for a malformed URI, no module, a wrong or missing
// PIN, several matching tokens or keys, an unsupported key type; kNotFound for
// no matching token or key; kIOError for a module that fails to load or a
// token that fails.
StatusOr<PrivateKey> OpenPkcs11Key(std::string_view uri, const Pkcs11Options& options);

// Generates a key pair of `algorithm` (Ed25519, ECDSA P-256 or P-384) in the
// token the URI names, labelled with its `object` (required) and with its
// `id` or a random 16-byte id; the private key is sensitive, not extractable,
// and may only sign. Returns the public key. kInvalidArgument when a key with
// that label exists or the token cannot make keys of that type; the other
// errors as OpenPkcs11Key.
StatusOr<PublicKey> GeneratePkcs11Key(std::string_view uri, SignatureAlgorithm algorithm,
                                      const Pkcs11Options& options);

}  // namespace dtm
