// dtm sign MANIFEST --key KEY: sign a manifest, or add a co-signature.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli_util.h"
#include "command.h"
#include "dtm/attestation.h"
#include "dtm/file_io.h"
#include "signing_files.h"

namespace dtm::cli {
namespace {

struct SignArgs {
  std::string manifest;
  std::string key;
  PassphraseSource passphrase;
  std::string cert;
  std::string chain;
  std::string output;
  bool append = false;
  bool force = false;
  TimestampOptions timestamps;  // --tsa, --tsa-timeout
  TokenArgs token;              // for a pkcs11: key
};

int RunSign(const SignArgs& args) {
  const std::string out =
      args.output.empty() ? args.manifest + std::string(kBundleSuffix) : args.output;
  if (!args.chain.empty() && args.cert.empty()) {
    return ReportError("sign", Status::InvalidArgument("--chain needs --cert"));
  }
  if (args.append && !args.cert.empty()) {
    return ReportError("sign", Status::InvalidArgument(
                                   "--append takes a key only: a co-signer is named by its key "
                                   "id, and verifiers give its public key (--key)"));
  }
  std::error_code ec;
  const bool exists =
      std::filesystem::symlink_status(out, ec).type() != std::filesystem::file_type::not_found;
  if (!args.append && exists && !args.force) {
    return ReportError("sign",
                       Status::InvalidArgument(out,
                                               "already exists (--append adds a signature to it, "
                                               "--force replaces it)"));
  }
  // A co-signature reads the bundle and writes it back: through a link it
  // would read one file and replace another (the link). Name the file itself.
  if (args.append &&
      std::filesystem::symlink_status(out, ec).type() == std::filesystem::file_type::symlink) {
    return ReportError(
        "sign", Status::InvalidArgument(out,
                                        "is a symbolic link; --append rewrites the bundle in "
                                        "place, so give the bundle's own path"));
  }
  auto key = LoadPrivateKey(args.key, args.passphrase, args.token);
  if (!key.ok()) return ReportError("sign", key.status());

  StatusOr<std::string> bundle = Status::Internal("not signed");
  if (args.append) {
    auto existing = ReadSmallFile(out, kMaxBundleBytes);
    if (!existing.ok()) return ReportError("sign", existing.status());
    bundle = AppendSignature(args.manifest, *existing, *key);
  } else {
    Signer signer{&*key, {}};
    if (!args.cert.empty()) {
      auto certs = LoadCertificates(args.cert);
      if (!certs.ok()) return ReportError("sign", certs.status());
      signer.certificates = *certs;  // the leaf first; the file may hold intermediates too
      if (!args.chain.empty()) {
        auto chain = LoadCertificates(args.chain);
        if (!chain.ok()) return ReportError("sign", chain.status());
        signer.certificates.insert(signer.certificates.end(), chain->begin(), chain->end());
      }
    }
    auto signed_at = SigningTime();
    if (!signed_at.ok()) return ReportError("sign", signed_at.status());
    bundle = SignManifest(args.manifest, signer, *signed_at);
  }
  if (!bundle.ok()) return ReportError("sign", bundle.status().WithContext(args.manifest));
  if (!args.timestamps.tsa_urls.empty()) {
    bundle = AddTimestamps(*bundle, args.timestamps);
    if (!bundle.ok()) return ReportError("sign", bundle.status());
  }
  Status written = WriteFileAtomically(out, *bundle, 0644, /*overwrite=*/true);
  if (!written.ok()) return ReportOutputError("sign", written);
  Print("%s %s with key %s (%s)\nwrote %s\n", args.append ? "co-signed" : "signed",
        args.manifest.c_str(), key->public_key().key_id().c_str(),
        std::string(AlgorithmName(key->algorithm())).c_str(), out.c_str());
  for (const std::string& url : args.timestamps.tsa_urls) Print("timestamped by %s\n", url.c_str());
  return kExitOk;
}

DTM_REGISTER_COMMAND(
    sign,
    CommandSpec{"sign", "Sign a manifest: write MANIFEST.sigstore.json", 61, [](CLI::App* app) {
                  auto args = std::make_shared<SignArgs>();
                  app->add_option("manifest", args->manifest, "The manifest to sign")->required();
                  app->add_option("--key,-k", args->key,
                                  "Private key: a PKCS#8 PEM file, or a pkcs11: URI (RFC 7512) "
                                  "of a key in a token")
                      ->required();
                  AddPassphraseOptions(app, &args->passphrase, "of the private key");
                  app->add_option("--cert", args->cert,
                                  "Certificate of the key (PEM): recorded in the bundle");
                  app->add_option("--chain", args->chain,
                                  "Intermediate certificates (PEM), without the root");
                  app->add_option("-o,--output", args->output,
                                  "Bundle to write (default: MANIFEST.sigstore.json)");
                  app->add_flag("--append", args->append,
                                "Add this key's signature to the existing bundle");
                  app->add_flag("--force", args->force, "Replace an existing bundle");
                  AddTsaOptions(app, &args->timestamps);
                  AddTokenOptions(app, &args->token);
                  return [args] { return RunSign(*args); };
                }});

}  // namespace
}  // namespace dtm::cli
