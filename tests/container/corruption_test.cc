// Every corruption is caught (issue 7): a small signed manifest, and for every
// byte of the manifest and of its bundle a copy with that byte flipped, is
// verified the way `dtm verify` verifies (cli/cmd_verify.cc: the bundle read
// with ReadSmallFile, then VerifyAttestation, which runs CheckManifest). No
// case may verify and none may crash. A sample also goes through the dtm
// binary, which must exit 1 (a check failed) or 2 (a damaged input).
#include <fcntl.h>
#include <gtest/gtest.h>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "attestation/signing_test_manifest.h"
#include "attestation/signing_test_util.h"
#include "dtm/attestation.h"
#include "dtm/file_io.h"

extern char** environ;

namespace dtm {
namespace {

using signing_test::ReadFileOrDie;
using signing_test::ScratchDir;
using signing_test::WriteFileOrDie;

constexpr int64_t kSignedAt = 1767312000;  // 2026-01-02T00:00:00Z

// The outcome of one verification: "verified", the failed check's name, or
// the error of an input that could not be read ("error: <code>"). `dtm
// verify` reads the bundle file with ReadSmallFile(path, kMaxBundleBytes) and
// calls VerifyAttestation (which runs CheckManifest on the manifest file);
// the bundle's bytes are passed here directly.
std::string VerifyLikeTheCli(const std::string& manifest, std::string_view bundle,
                             const VerifyOptions& options) {
  auto report = VerifyAttestation(manifest, bundle, options);
  if (!report.ok()) return "error: " + report.status().ToString();
  return report->verified() ? "verified" : report->failed_check;
}

// Runs `argv` with stdout and stderr to `log`; returns the exit status, or
// -1 when it did not exit normally (a crash).
int RunProgram(const std::vector<std::string>& argv, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int err = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return -2;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -2;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class CorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    manifest_ = dir_ / "data.dtm";
    bundle_path_ = manifest_ + std::string(kBundleSuffix);
    signing_test::WriteTestManifest(manifest_, "2026.01", /*files=*/2);
    ASSERT_FALSE(HasFatalFailure());
    auto key = PrivateKey::Generate(SignatureAlgorithm::kEd25519);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    auto bundle = SignManifest(manifest_, Signer{&*key, {}}, kSignedAt);
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    WriteFileOrDie(bundle_path_, *bundle);
    WriteFileOrDie(dir_ / "signer.pub", key->public_key().ToPem());
    options_.keys.push_back(key->public_key());
    manifest_bytes_ = ReadFileOrDie(manifest_);
    auto read = ReadSmallFile(bundle_path_, kMaxBundleBytes);  // as dtm verify reads it
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    bundle_bytes_ = *read;
    ASSERT_EQ(VerifyLikeTheCli(manifest_, bundle_bytes_, options_), "verified");
  }

  // Flips `mask` into every byte of the manifest (written to its file) or of
  // the bundle, verifying each; returns the failed checks by name.
  std::map<std::string, int> FlipEveryByte(bool in_manifest, uint8_t mask) {
    std::map<std::string, int> outcomes;
    const std::string& original = in_manifest ? manifest_bytes_ : bundle_bytes_;
    std::string bytes = original;
    for (size_t i = 0; i < bytes.size(); ++i) {
      bytes[i] = static_cast<char>(bytes[i] ^ mask);
      if (in_manifest) WriteFileOrDie(manifest_, bytes);
      const std::string outcome =
          VerifyLikeTheCli(manifest_, in_manifest ? bundle_bytes_ : bytes, options_);
      EXPECT_NE(outcome, "verified") << (in_manifest ? "manifest" : "bundle") << ": byte " << i
                                     << " ^ 0x" << std::hex << int{mask} << " verifies";
      ++outcomes[outcome.substr(0, outcome.find(':'))];
      bytes[i] = original[i];
    }
    if (in_manifest) WriteFileOrDie(manifest_, original);
    return outcomes;
  }

  static void Print(const std::string& what, const std::map<std::string, int>& outcomes) {
    std::string line;
    for (const auto& [check, n] : outcomes) line += " " + check + "=" + std::to_string(n);
    std::printf("  %s:%s\n", what.c_str(), line.c_str());
  }

  ScratchDir dir_;
  std::string manifest_;
  std::string bundle_path_;
  std::string manifest_bytes_;
  std::string bundle_bytes_;
  VerifyOptions options_;
};

// (container/container_test flips every byte of a manifest with 0x80 through
// CheckManifest.)
TEST_F(CorruptionTest, EveryManifestByteFlipFailsVerification) {
  Print("manifest ^ 0x01", FlipEveryByte(true, 0x01));
}

TEST_F(CorruptionTest, EveryBundleByteFlipFailsVerification) {
  for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}}) {
    char name[32];
    std::snprintf(name, sizeof name, "bundle ^ 0x%02x", mask);
    Print(name, FlipEveryByte(false, mask));
  }
}

// A bundle signed by two keys, verified with both required (threshold 2):
// no flip of any byte of it verifies either, including the second keyid.
TEST_F(CorruptionTest, EveryCoSignedBundleByteFlipFailsWithThresholdTwo) {
  auto second = PrivateKey::Generate(SignatureAlgorithm::kEcdsaP256Sha256);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  auto cosigned = AppendSignature(manifest_, bundle_bytes_, *second);
  ASSERT_TRUE(cosigned.ok()) << cosigned.status().ToString();
  bundle_bytes_ = *cosigned;
  options_.keys.push_back(second->public_key());
  options_.threshold = 2;
  ASSERT_EQ(VerifyLikeTheCli(manifest_, bundle_bytes_, options_), "verified");
  Print("co-signed bundle ^ 0x01", FlipEveryByte(false, 0x01));
}

// What the flips found: no member of a bundle is ignored, and the key hint
// and the first keyid must agree, so renaming or editing either fails.
TEST_F(CorruptionTest, NoBundleMemberIsIgnored) {
  using Json = nlohmann::json;
  const std::vector<std::pair<std::function<void(Json&)>, std::string>> cases = {
      {[](Json& b) { b["extra"] = 1; }, "bundle: unknown member 'extra'"},
      {[](Json& b) { b["verificationMaterial"]["tlogEntriez"] = Json::array(); },
       "bundle: verificationMaterial: unknown member 'tlogEntriez'"},
      {[](Json& b) {
         Json& key = b["verificationMaterial"]["publicKey"];
         key["hinu"] = key["hint"];
         key.erase("hint");
       },
       "bundle: verificationMaterial.publicKey: unknown member 'hinu'"},
      {[](Json& b) { b["dsseEnvelope"]["payloadTypes"] = "x"; },
       "bundle: dsseEnvelope: unknown member 'payloadTypes'"},
      {[](Json& b) {
         Json& sig = b["dsseEnvelope"]["signatures"][0];
         sig["keyie"] = sig["keyid"];
         sig.erase("keyid");
       },
       "bundle: dsseEnvelope.signatures[0]: unknown member 'keyie'"},
      {[](Json& b) { b["verificationMaterial"]["publicKey"]["hint"] = "00"; },
       "bundle: verificationMaterial.publicKey.hint: '00' is not the keyid "
       "of signature 1"},
      {[](Json& b) { b["dsseEnvelope"]["signatures"][0]["keyid"] = "00"; },
       "is not the keyid of signature 1 ('00')"},
  };
  for (const auto& [edit, message] : cases) {
    const std::string bundle = signing_test::EditBundle(bundle_bytes_, edit);
    auto report = VerifyAttestation(manifest_, bundle, options_);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->failed_check, "bundle") << message;
    EXPECT_NE(report->status.message().find(message), std::string::npos)
        << report->status.message();
  }
  // Both are optional: without either, the bundle verifies.
  for (const char* erase : {"hint", "keyid"}) {
    const std::string bundle = signing_test::EditBundle(bundle_bytes_, [erase](Json& b) {
      if (std::string(erase) == "hint") {
        b["verificationMaterial"]["publicKey"].erase("hint");
      } else {
        b["dsseEnvelope"]["signatures"][0].erase("keyid");
      }
    });
    auto report = VerifyAttestation(manifest_, bundle, options_);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->verified()) << erase << ": " << report->status.message();
  }
  // Without a hint, a keyid naming another key makes the signature not count.
  const std::string bundle = signing_test::EditBundle(bundle_bytes_, [](Json& b) {
    b["verificationMaterial"]["publicKey"].erase("hint");
    b["dsseEnvelope"]["signatures"][0]["keyid"] = "anything";
  });
  auto report = VerifyAttestation(manifest_, bundle, options_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->failed_check, "signature");
  EXPECT_NE(report->status.message().find("signature 1 has keyid 'anything' but key " +
                                          options_.keys[0].key_id() + " verified it"),
            std::string::npos)
      << report->status.message();
}

// Every 7th byte of each file, flipped, through `dtm verify`: exit 1 or 2,
// with one "dtm verify: " error line.
TEST_F(CorruptionTest, CliSampleExitsWithFailure) {
  const std::string log = dir_ / "verify.log";
  const std::vector<std::string> argv = {DTM_BINARY, "verify", manifest_, "--key",
                                         dir_ / "signer.pub"};
  ASSERT_EQ(RunProgram(argv, log), 0) << ReadFileOrDie(log);
  std::map<int, int> exits;
  for (const auto& [path, original] :
       {std::pair{manifest_, manifest_bytes_}, std::pair{bundle_path_, bundle_bytes_}}) {
    std::string bytes = original;
    // About 400 positions a file, spread over all of it: each is one process,
    // which takes a second under the sanitizers.
    const size_t step = std::max<size_t>(7, bytes.size() / 400);
    for (size_t i = 0; i < bytes.size(); i += step) {
      bytes[i] ^= 0x01;
      WriteFileOrDie(path, bytes);
      const int rc = RunProgram(argv, log);
      const std::string output = ReadFileOrDie(log);
      EXPECT_TRUE(rc == 1 || rc == 2) << path << ": byte " << i << ": exit " << rc << "\n"
                                      << output;
      EXPECT_NE(output.find("dtm verify: "), std::string::npos) << output;
      ++exits[rc];
      bytes[i] = original[i];
    }
    WriteFileOrDie(path, original);
  }
  std::printf("  dtm verify exits: 1 x %d, 2 x %d\n", exits[1], exits[2]);
}

}  // namespace
}  // namespace dtm
