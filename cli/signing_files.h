// Reading what the signing commands (keygen, sign, verify) take from files and
// the environment: keys, certificates and passphrases.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "dtm/attestation.h"
#include "dtm/keys.h"
#include "dtm/pkcs11.h"
#include "dtm/status.h"
#include "dtm/x509.h"

namespace dtm::cli {

// Where a passphrase comes from. Never the command line: it would show in the
// process list and the shell history.
struct PassphraseSource {
  std::string file;      // --passphrase-file: the file's content, one final newline removed
  std::string env_name;  // --passphrase-env: the value of this environment variable
};

// Adds --passphrase-file and --passphrase-env (mutually exclusive) to `app`.
void AddPassphraseOptions(CLI::App* app, PassphraseSource* source, const char* purpose);

// Adds --tsa URL (repeatable) and --tsa-timeout SECONDS; `required` makes
// --tsa mandatory (dtm timestamp).
void AddTsaOptions(CLI::App* app, TimestampOptions* options, bool required = false);

// The passphrase, or "" when no source was given. kInvalidArgument when the
// file is unreadable or empty or the variable unset or empty.
StatusOr<std::string> ReadPassphrase(const PassphraseSource& source);

// How to reach a key in a PKCS#11 token: the module and where the PIN comes
// from (never the command line; a URI may carry pin-source= instead).
struct TokenArgs {
  std::string module;    // --pkcs11-module: the token's PKCS#11 library
  PassphraseSource pin;  // --pin-file, --pin-env
};

// Adds --pkcs11-module, --pin-file and --pin-env.
void AddTokenOptions(CLI::App* app, TokenArgs* args);

// The options for dtm/pkcs11.h: the module and the PIN read from its source.
StatusOr<Pkcs11Options> TokenOptions(const TokenArgs& args);

// A private key: a PKCS#8 PEM file decrypted with the passphrase from
// `source`, or, for a "pkcs11:" URI, the key in the token `token` reaches.
StatusOr<PrivateKey> LoadPrivateKey(const std::string& path, const PassphraseSource& source,
                                    const TokenArgs& token);
// A public key file (SPKI PEM).
StatusOr<PublicKey> LoadPublicKey(const std::string& path);
// Every certificate of a PEM file.
StatusOr<std::vector<Certificate>> LoadCertificates(const std::string& path);

// The signing time: $SOURCE_DATE_EPOCH (Unix seconds) when set, else now.
StatusOr<int64_t> SigningTime();

}  // namespace dtm::cli
