// dtm keygen: make a signing key pair, PREFIX.key (private) and PREFIX.pub.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli_util.h"
#include "command.h"
#include "dtm/file_io.h"
#include "dtm/keys.h"
#include "dtm/pkcs11.h"
#include "signing_files.h"

namespace dtm::cli {
namespace {

struct KeygenArgs {
  std::string algorithm = "ed25519";
  std::string prefix;
  PassphraseSource passphrase;
  bool force = false;
  std::string pkcs11;  // --pkcs11 URI: make the key in this token
  TokenArgs token;
};

// keygen --pkcs11: the private key is made in the token; only PREFIX.pub is
// written.
int RunTokenKeygen(const KeygenArgs& args, SignatureAlgorithm algorithm) {
  const std::string pub_path = args.prefix + ".pub";
  std::error_code ec;
  if (!args.force && std::filesystem::symlink_status(pub_path, ec).type() !=
                         std::filesystem::file_type::not_found) {
    return ReportError(
        "keygen", Status::InvalidArgument(pub_path, "already exists (use --force to replace it)"));
  }
  if (!args.passphrase.file.empty() || !args.passphrase.env_name.empty()) {
    return ReportError("keygen", Status::InvalidArgument(
                                     "a key in a token is not encrypted with a passphrase; its "
                                     "token's PIN guards it (--pin-file, --pin-env)"));
  }
  auto options = TokenOptions(args.token);
  if (!options.ok()) return ReportError("keygen", options.status());
  auto pub = GeneratePkcs11Key(args.pkcs11, algorithm, *options);
  WipeString(&options->pin);
  if (!pub.ok()) return ReportError("keygen", pub.status());
  Status written = WriteFileAtomically(pub_path, pub->ToPem(), 0644, args.force);
  if (!written.ok()) return ReportOutputError("keygen", written);
  Print("made the key in the token; wrote %s\n", pub_path.c_str());
  Print("algorithm %s, key id %s\n", std::string(AlgorithmName(algorithm)).c_str(),
        pub->key_id().c_str());
  return kExitOk;
}

int RunKeygen(const KeygenArgs& args) {
  auto algorithm = ParseAlgorithmName(args.algorithm);
  if (!algorithm.ok()) return ReportError("keygen", algorithm.status());
  if (!args.pkcs11.empty()) return RunTokenKeygen(args, *algorithm);
  auto passphrase = ReadPassphrase(args.passphrase);
  if (!passphrase.ok()) return ReportError("keygen", passphrase.status());
  const std::string key_path = args.prefix + ".key";
  const std::string pub_path = args.prefix + ".pub";
  if (!args.force) {
    for (const std::string& path : {key_path, pub_path}) {
      std::error_code ec;
      if (std::filesystem::symlink_status(path, ec).type() !=
          std::filesystem::file_type::not_found) {
        return ReportError(
            "keygen", Status::InvalidArgument(path, "already exists (use --force to replace it)"));
      }
    }
  }
  auto key = PrivateKey::Generate(*algorithm);
  if (!key.ok()) return ReportError("keygen", key.status());
  auto pem = key->ToPem(*passphrase);
  WipeString(&passphrase.value());
  if (!pem.ok()) return ReportError("keygen", pem.status());
  Status written = WriteFileAtomically(key_path, *pem, 0600, args.force);
  WipeString(&pem.value());
  if (!written.ok()) return ReportOutputError("keygen", written);
  written = WriteFileAtomically(pub_path, key->public_key().ToPem(), 0644, args.force);
  if (!written.ok()) return ReportOutputError("keygen", written);
  Print("wrote %s (private, %s) and %s\n", key_path.c_str(),
        args.passphrase.file.empty() && args.passphrase.env_name.empty() ? "not encrypted"
                                                                         : "encrypted",
        pub_path.c_str());
  Print("algorithm %s, key id %s\n", std::string(AlgorithmName(*algorithm)).c_str(),
        key->public_key().key_id().c_str());
  return kExitOk;
}

DTM_REGISTER_COMMAND(
    keygen,
    CommandSpec{"keygen", "Make a signing key pair: PREFIX.key (private) and PREFIX.pub", 60,
                [](CLI::App* app) {
                  auto args = std::make_shared<KeygenArgs>();
                  app->add_option("--algorithm,-a", args->algorithm,
                                  "ed25519 (default), ecdsa-p256-sha256, ecdsa-p384-sha384 or "
                                  "rsa-pss-3072-sha256");
                  app->add_option("-o,--output", args->prefix,
                                  "Prefix of the files to write: PREFIX.key and PREFIX.pub")
                      ->required();
                  AddPassphraseOptions(app, &args->passphrase, "to encrypt the private key with");
                  app->add_flag("--force", args->force, "Replace existing key files");
                  app->add_option("--pkcs11", args->pkcs11,
                                  "Make the key in the PKCS#11 token this URI names (RFC 7512, "
                                  "with object=LABEL); write only PREFIX.pub");
                  AddTokenOptions(app, &args->token);
                  return [args] { return RunKeygen(*args); };
                }});

}  // namespace
}  // namespace dtm::cli
