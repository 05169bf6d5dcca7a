// Text from a hostile input must not reach an auditor's terminal raw
// (spec/errors.md): every message that quotes input shows control
// characters, direction marks and bytes that are not UTF-8 escaped. Each case
// feeds one input field carrying ESC, VT and a bad byte through the function
// that quotes it.
#include <functional>
#include <string>
#include <vector>

#include "container/container_test_util.h"
#include "dtm/attestation.h"
#include "dtm/buildspec.h"
#include "dtm/container.h"
#include "dtm/policy.h"
#include "dtm/proof.h"
#include "dtm/spdx.h"
#include "gtest/gtest.h"
#include "testing/spec_text.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

// A terminal colour change, a vertical tab and a byte that is not UTF-8.
constexpr std::string_view kHostile = "x\x1b[31mRED\x0b\xff";
// The same without the bad byte, for protobuf strings (which must be UTF-8).
constexpr std::string_view kControls = "x\x1b[31mRED\x0b";

// True when no byte of `text` could act on a terminal: no C0 control (tab
// included), no DEL, no C1 control, no byte outside valid UTF-8.
bool SafeToPrint(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c == 0xc2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f) return false;  // U+0080..U+009F
    }
    if (c >= 0xf5 || c == 0xc0 || c == 0xc1) return false;
  }
  return true;
}

struct Case {
  const char* what;
  std::function<Status(testing::TempDir&)> run;
};

std::string JsonEscaped(std::string_view text) {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else if (c >= 0x80) {
      out += "\\u00ff";  // JSON cannot carry a raw bad byte; U+00FF stands in
    } else {
      out += ch;
    }
  }
  return out;
}

std::string BundleWith(std::string_view media_type, std::string_view payload_type,
                       std::string_view keyid) {
  return std::string(R"({"mediaType":")") + JsonEscaped(media_type) +
         R"(","verificationMaterial":{"publicKey":{},"tlogEntries":[]},)" +
         R"("dsseEnvelope":{"payload":"e30=","payloadType":")" + JsonEscaped(payload_type) +
         R"(","signatures":[{"sig":"AAAA","keyid":")" + JsonEscaped(keyid) + R"("}]}})";
}

Status VerifyBundleText(testing::TempDir& dir, const std::string& bundle) {
  auto key = PrivateKey::Generate(SignatureAlgorithm::kEd25519);
  if (!key.ok()) return key.status();
  VerifyOptions options;
  options.keys.push_back(key->public_key());
  dir.Write("m.dtm", "not read before the bundle fails");
  auto report = VerifyAttestation(dir.Path("m.dtm"), bundle, options);
  if (!report.ok()) return report.status();
  return report->status;
}

std::vector<Case> Cases() {
  return {
      {"header.schema",
       [](testing::TempDir& dir) {
         test::CraftedManifest m = test::CraftedOf(test::MinimalRecords());
         v1::Header header = test::HeaderFor(test::MinimalRecords(), test::MinimalHeader());
         header.set_schema("dtm/v" + std::string(kControls));
         m.header = test::SerializeDeterministic(header);
         dir.Write("schema.dtm", m.Build());
         return CheckManifest(dir.Path("schema.dtm")).status();
       }},
      {"bundle mediaType",
       [](testing::TempDir& dir) {
         return VerifyBundleText(dir, BundleWith(kHostile, kInTotoPayloadType, ""));
       }},
      {"envelope payloadType",
       [](testing::TempDir& dir) {
         return VerifyBundleText(dir, BundleWith(kBundleMediaType, kHostile, ""));
       }},
      {"signature keyid",
       [](testing::TempDir& dir) {
         return VerifyBundleText(dir, BundleWith(kBundleMediaType, kInTotoPayloadType, kHostile));
       }},
      {"license custom entry",
       [](testing::TempDir&) {
         v1::License license;
         license.set_expression("MIT");
         license.add_custom()->set_license_ref("LicenseRef-" + std::string(kControls));
         v1::UseClass use;
         return CheckLicense(license, &use);
       }},
      {"build spec source id",
       [](testing::TempDir& dir) {
         const std::string yaml =
             testing::OneSourceSpec("d", "*") + "\"" + JsonEscaped(kHostile) + "\": 1\n";
         return ParseBuildSpec(yaml, dir.Path("dtm.yaml"), dir.path()).status();
       }},
      {"policy field name",
       [](testing::TempDir&) { return ValidateRequiredField("license." + std::string(kHostile)); }},
      {"proof member",
       [](testing::TempDir&) {
         return ParseProof(R"({"proofType":")" + JsonEscaped(kHostile) + R"("})").status();
       }},
      {"a message built by hand",
       [](testing::TempDir&) {
         return Status::Corruption(std::string(kHostile), std::string(kHostile))
             .WithContext(std::string(kHostile));
       }},
  };
}

TEST(ControlCharactersTest, EveryMessageQuotingInputShowsControlsEscaped) {
  for (const Case& c : Cases()) {
    testing::TempDir dir;
    const Status status = c.run(dir);
    ASSERT_FALSE(status.ok()) << c.what;
    EXPECT_TRUE(SafeToPrint(status.message())) << c.what << ": " << status.message();
    EXPECT_NE(status.message().find("RED"), std::string::npos)
        << c.what << ": the message should still quote the input: " << status.message();
  }
}

TEST(ControlCharactersTest, EscapingShowsWhatWasThereAndIsIdempotent) {
  const Status once = Status::InvalidArgument(
      "id 'a\x1b"
      "b'");
  EXPECT_EQ(once.message(), "id 'a\\u001bb'");
  EXPECT_EQ(Status::InvalidArgument(once.message()).message(), once.message());
  EXPECT_EQ(Status::InvalidArgument("caf\xe9").message(), "caf\\xe9");
}

}  // namespace
}  // namespace dtm
