#include "signing_files.h"

#include <cstdlib>
#include <ctime>

#include "dtm/file_io.h"

namespace dtm::cli {
namespace {

constexpr size_t kMaxKeyFileBytes = 1u << 20;

}  // namespace

void AddPassphraseOptions(CLI::App* app, PassphraseSource* source, const char* purpose) {
  auto* file = app->add_option("--passphrase-file", source->file,
                               std::string("Read the passphrase ") + purpose +
                                   " from this file (one final newline is ignored)");
  auto* env = app->add_option(
      "--passphrase-env", source->env_name,
      std::string("Read the passphrase ") + purpose + " from this environment variable");
  file->excludes(env);
}

void AddTsaOptions(CLI::App* app, TimestampOptions* options, bool required) {
  auto* tsa = app->add_option("--tsa", options->tsa_urls,
                              "Ask this RFC 3161 time-stamping authority (http:// or https://) "
                              "for a timestamp over each signature; repeatable");
  if (required) tsa->required();
  app->add_option("--tsa-timeout", options->timeout_seconds,
                  "Seconds to wait for each TSA answer (default 30)")
      ->check(CLI::Range(1, 600));
}

StatusOr<std::string> ReadPassphrase(const PassphraseSource& source) {
  std::string passphrase;
  if (!source.file.empty()) {
    auto text = ReadSmallFile(source.file, 64u << 10);
    if (!text.ok()) return text.status();
    passphrase = std::move(text).value();
    if (!passphrase.empty() && passphrase.back() == '\n') passphrase.pop_back();
    if (!passphrase.empty() && passphrase.back() == '\r') passphrase.pop_back();
    if (passphrase.empty()) {
      return Status::InvalidArgument(source.file, "the passphrase file is empty");
    }
  } else if (!source.env_name.empty()) {
    const char* value = std::getenv(source.env_name.c_str());
    if (value == nullptr || *value == '\0') {
      return Status::InvalidArgument("environment variable " + source.env_name, "unset or empty");
    }
    passphrase = value;
  }
  return passphrase;
}

void AddTokenOptions(CLI::App* app, TokenArgs* args) {
  app->add_option("--pkcs11-module", args->module,
                  "The PKCS#11 library of the token a pkcs11: key URI names");
  auto* file =
      app->add_option("--pin-file", args->pin.file,
                      "Read the token's PIN from this file (one final newline is ignored)");
  auto* env =
      app->add_option("--pin-env", args->pin.env_name, "Read the token's PIN from this variable");
  file->excludes(env);
}

StatusOr<Pkcs11Options> TokenOptions(const TokenArgs& args) {
  Pkcs11Options options;
  options.module_path = args.module;
  auto pin = ReadPassphrase(args.pin);
  if (!pin.ok()) return pin.status().WithContext("PIN");
  options.pin = std::move(pin).value();
  return options;
}

StatusOr<PrivateKey> LoadPrivateKey(const std::string& path, const PassphraseSource& source,
                                    const TokenArgs& token) {
  if (IsPkcs11Uri(path)) {
    DTM_ASSIGN_OR_RETURN(Pkcs11Options options, TokenOptions(token));
    auto key = OpenPkcs11Key(path, options);
    WipeString(&options.pin);
    return key;
  }
  auto pem = ReadSmallFile(path, kMaxKeyFileBytes);
  if (!pem.ok()) return pem.status();
  auto passphrase = ReadPassphrase(source);
  if (!passphrase.ok()) {
    WipeString(&pem.value());
    return passphrase.status();
  }
  auto key = PrivateKey::FromPem(*pem, *passphrase);
  WipeString(&pem.value());
  WipeString(&passphrase.value());
  if (!key.ok()) {
    Status s = key.status().WithContext(path);
    if (s.message().find("give its passphrase") != std::string::npos) {
      return Status::InvalidArgument(s.message() + " (--passphrase-file or --passphrase-env)");
    }
    return s;
  }
  return key;
}

StatusOr<PublicKey> LoadPublicKey(const std::string& path) {
  auto pem = ReadSmallFile(path, kMaxKeyFileBytes);
  if (!pem.ok()) return pem.status();
  auto key = PublicKey::FromPem(*pem);
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

StatusOr<std::vector<Certificate>> LoadCertificates(const std::string& path) {
  auto pem = ReadSmallFile(path, kMaxKeyFileBytes);
  if (!pem.ok()) return pem.status();
  auto certs = Certificate::ParsePem(*pem);
  if (!certs.ok()) return certs.status().WithContext(path);
  return certs;
}

StatusOr<int64_t> SigningTime() {
  const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
  if (epoch == nullptr || *epoch == '\0') return static_cast<int64_t>(std::time(nullptr));
  char* end = nullptr;
  const long long value = std::strtoll(epoch, &end, 10);
  if (*end != '\0' || value < 0) {
    return Status::InvalidArgument("SOURCE_DATE_EPOCH '" + std::string(epoch) + "'",
                                   "not a number of seconds");
  }
  return static_cast<int64_t>(value);
}

}  // namespace dtm::cli
