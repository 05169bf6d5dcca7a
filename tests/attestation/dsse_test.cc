// DSSE: the pre-authentication encoding against the protocol's vector, the
// JSON envelope parser, base64, and our signatures checked by the openssl
// command line over the PAE bytes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "attestation/format.h"
#include "attestation/signing_test_util.h"
#include "base/base64.h"
#include "dtm/attestation.h"
#include "dtm/keys.h"

namespace dtm {

using internal::Base64Decode;
using internal::Base64Encode;
namespace {

using signing_test::Quote;
using signing_test::ReadFileOrDie;
using signing_test::RunCommand;
using signing_test::ScratchDir;
using signing_test::WriteFileOrDie;

const std::string kVectorDir = std::string(DTM_SOURCE_DIR) + "/spec/vectors/dsse/";

nlohmann::json Vector() { return nlohmann::json::parse(ReadFileOrDie(kVectorDir + "vector.json")); }

TEST(DssePaeTest, MatchesTheProtocolVector) {
  const nlohmann::json v = Vector();
  EXPECT_EQ(DssePae(v["payloadType"].get<std::string>(), v["payload_utf8"].get<std::string>()),
            v["pae_utf8"].get<std::string>());
  EXPECT_EQ(DssePae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
}

TEST(DssePaeTest, LengthsAreByteCountsInDecimal) {
  EXPECT_EQ(DssePae("", ""), "DSSEv1 0  0 ");
  EXPECT_EQ(DssePae("t", std::string(10, 'x')), "DSSEv1 1 t 10 xxxxxxxxxx");
  // "é" is two bytes of UTF-8; a NUL byte is one byte like any other.
  EXPECT_EQ(DssePae("\xc3\xa9", std::string("a\0b", 3)),
            std::string("DSSEv1 2 \xc3\xa9 3 a\0b", 17));
}

TEST(DsseEnvelopeTest, ProtocolVectorVerifiesOnceConvertedToDer) {
  const nlohmann::json v = Vector();
  auto envelope = internal::ParseEnvelope(v["envelope"].dump());
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  EXPECT_EQ(envelope->payload, "hello world");
  EXPECT_EQ(envelope->payload_type, "http://example.com/HelloWorld");
  ASSERT_EQ(envelope->signatures.size(), 1u);
  EXPECT_EQ(envelope->signatures[0].keyid, "");

  auto key = PublicKey::FromPem(ReadFileOrDie(kVectorDir + "p256-public.pem"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->algorithm(), SignatureAlgorithm::kEcdsaP256Sha256);
  const std::string pae = DssePae(envelope->payload_type, envelope->payload);
  const std::string& raw = envelope->signatures[0].sig;
  ASSERT_EQ(raw.size(), 64u);
  auto der = EcdsaRawToDer(raw, key->algorithm());
  ASSERT_TRUE(der.ok());
  EXPECT_TRUE(key->Verify(*der, pae).ok());
  // Not as raw bytes (we expect DER), not over other bytes.
  EXPECT_EQ(key->Verify(raw, pae).code(), StatusCode::kVerificationFailed);
  EXPECT_FALSE(key->Verify(*der, DssePae(envelope->payload_type, "hello world!")).ok());
  EXPECT_FALSE(key->Verify(*der, DssePae("http://example.com/HelloWorlD", "hello world")).ok());
  EXPECT_FALSE(key->Verify(*der, envelope->payload).ok());  // the payload alone is not signed
}

TEST(DsseEnvelopeTest, AcceptsUrlSafeBase64AndIgnoresUnknownMembers) {
  auto envelope = internal::ParseEnvelope(
      R"({"payload":"_-8","payloadType":"t","signatures":[{"sig":"AQ","keyid":"k","x":1}],"y":2})");
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  EXPECT_EQ(envelope->payload, "\xff\xef");
  EXPECT_EQ(envelope->signatures[0].sig, "\x01");
  EXPECT_EQ(envelope->signatures[0].keyid, "k");
}

TEST(DsseEnvelopeTest, RejectsMalformedEnvelopesNamingTheMember) {
  struct Case {
    std::string json;
    std::string message_part;
  };
  const std::string many_sigs = [] {
    std::string sigs;
    for (size_t i = 0; i <= kMaxSignatures; ++i)
      sigs += std::string(i ? "," : "") + R"({"sig":"AQ=="})";
    return R"({"payload":"","payloadType":"t","signatures":[)" + sigs + "]}";
  }();
  const Case cases[] = {
      {"", "envelope: not valid JSON"},
      {R"({"payload":"aGk=","payloadType":"t","signatures":[{"sig":"AQ=="}])", "not valid JSON"},
      {"[]", "envelope: not a JSON object"},
      {R"({"payloadType":"t","signatures":[{"sig":"AQ=="}]})", "envelope: no \"payload\""},
      {R"({"payload":"aGk=","signatures":[{"sig":"AQ=="}]})", "envelope: no \"payloadType\""},
      {R"({"payload":"aGk=","payloadType":7,"signatures":[{"sig":"AQ=="}]})",
       "envelope.payloadType: not a string"},
      {R"({"payload":"aGk=","payloadType":"t"})", "no \"signatures\" array"},
      {R"({"payload":"aGk=","payloadType":"t","signatures":[]})", "envelope.signatures: empty"},
      {R"({"payload":"aGk","payloadType":"t","signatures":[{"sig":""}]})",
       "envelope.signatures[0].sig: empty"},
      {R"({"payload":"aG k","payloadType":"t","signatures":[{"sig":"AQ=="}]})",
       "envelope.payload: bad base64: unexpected character at offset 2"},
      {R"({"payload":"aGk=","payloadType":"t","signatures":[{"sig":"AQ=="},{"keyid":"k"}]})",
       "envelope.signatures[1]: no \"sig\""},
      {R"({"payload":"aGk=","payloadType":"t","signatures":[{"sig":"AQ==","keyid":3}]})",
       "envelope.signatures[0].keyid: not a string"},
      {R"({"payload":"aGk=","payload":"aGk=","payloadType":"t","signatures":[{"sig":"AQ=="}]})",
       "duplicate member \"payload\""},
      {many_sigs, "more than 64"},
      {std::string(40, '[') + std::string(40, ']'), "nested deeper than 32 levels"},
  };
  for (const Case& c : cases) {
    auto envelope = internal::ParseEnvelope(c.json);
    ASSERT_FALSE(envelope.ok()) << c.json;
    EXPECT_EQ(envelope.status().code(), StatusCode::kCorruption) << c.json;
    EXPECT_NE(envelope.status().message().find(c.message_part), std::string::npos)
        << envelope.status().message();
  }
}

TEST(DsseBase64Test, RoundTripsAndAlphabets) {
  std::string bytes;
  for (int n = 0; n < 12; ++n) {
    auto back = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(back.ok()) << n;
    EXPECT_EQ(*back, bytes);
    bytes += static_cast<char>(0xf0 + n);
  }
  EXPECT_EQ(Base64Encode("hello world"), "aGVsbG8gd29ybGQ=");
  EXPECT_EQ(*Base64Decode("aGVsbG8gd29ybGQ"), "hello world");  // unpadded
  EXPECT_EQ(*Base64Decode("-_-_"), "\xfb\xff\xbf");            // URL-safe
  EXPECT_EQ(*Base64Decode("+/+/"), "\xfb\xff\xbf");            // standard
  for (const char* bad :
       {"+_", "a", "aGk=\n", "aG k", "aGk==", "aR==", "aGl=", "====", "aGk=aGk="}) {
    auto s = Base64Decode(bad);
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

// A signature we make over PAE bytes verifies with the openssl command line.
TEST(DsseOpensslTest, OurSignaturesVerifyWithTheOpensslCommandLine) {
  ScratchDir dir;
  const std::string pae = DssePae(kInTotoPayloadType, R"({"_type":"x"})");
  WriteFileOrDie(dir / "pae", pae);
  struct Case {
    SignatureAlgorithm algorithm;
    std::string command;  // %K public key, %S signature, %D data
  };
  const Case cases[] = {
      {SignatureAlgorithm::kEd25519,
       "openssl pkeyutl -verify -pubin -inkey %K -rawin -in %D -sigfile %S"},
      {SignatureAlgorithm::kEcdsaP256Sha256, "openssl dgst -sha256 -verify %K -signature %S %D"},
      {SignatureAlgorithm::kEcdsaP384Sha384, "openssl dgst -sha384 -verify %K -signature %S %D"},
      {SignatureAlgorithm::kRsaPss3072Sha256,
       "openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sigopt "
       "rsa_mgf1_md:sha256 -verify %K -signature %S %D"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(AlgorithmName(c.algorithm));
    auto key = PrivateKey::Generate(c.algorithm);
    ASSERT_TRUE(key.ok());
    auto sig = key->Sign(pae);
    ASSERT_TRUE(sig.ok());
    WriteFileOrDie(dir / "key.pub", key->public_key().ToPem());
    WriteFileOrDie(dir / "sig", *sig);
    auto expand = [&](std::string cmd) {
      for (auto [from, to] : {std::pair<std::string, std::string>{"%K", dir / "key.pub"},
                              {"%S", dir / "sig"},
                              {"%D", dir / "pae"}}) {
        for (size_t at = cmd.find(from); at != std::string::npos; at = cmd.find(from)) {
          cmd.replace(at, from.size(), Quote(to));
        }
      }
      return cmd;
    };
    std::string out;
    EXPECT_EQ(RunCommand(expand(c.command), &out), 0) << out;
    // And openssl rejects it over other bytes.
    WriteFileOrDie(dir / "pae", pae + " ");
    out.clear();
    EXPECT_NE(RunCommand(expand(c.command), &out), 0) << out;
    WriteFileOrDie(dir / "pae", pae);
  }
}

}  // namespace
}  // namespace dtm
