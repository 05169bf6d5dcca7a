// Keys: generation, PEM round trips (plain and encrypted), sign/verify for
// every algorithm, rejection of unsupported keys, and interoperability with
// keys made by the openssl command line.
#include "dtm/keys.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "attestation/signing_test_util.h"
#include "dtm/digest.h"

namespace dtm {
namespace {

using signing_test::Quote;
using signing_test::ReadFileOrDie;
using signing_test::RunCommand;
using signing_test::ScratchDir;
using signing_test::WriteFileOrDie;

constexpr SignatureAlgorithm kAllAlgorithms[] = {
    SignatureAlgorithm::kEd25519, SignatureAlgorithm::kEcdsaP256Sha256,
    SignatureAlgorithm::kEcdsaP384Sha384, SignatureAlgorithm::kRsaPss3072Sha256};

// One generated key per algorithm for the whole test binary (RSA takes a
// second).
const PrivateKey& KeyFor(SignatureAlgorithm algorithm) {
  static auto* keys = new std::map<SignatureAlgorithm, PrivateKey>();
  auto it = keys->find(algorithm);
  if (it == keys->end()) {
    auto key = PrivateKey::Generate(algorithm);
    EXPECT_TRUE(key.ok()) << key.status().ToString();
    it = keys->emplace(algorithm, std::move(key).value()).first;
  }
  return it->second;
}

class KeysAlgorithmTest : public ::testing::TestWithParam<SignatureAlgorithm> {};

TEST_P(KeysAlgorithmTest, SignVerifyRoundTripThroughPem) {
  const PrivateKey& key = KeyFor(GetParam());
  EXPECT_EQ(key.algorithm(), GetParam());
  auto sig = key.Sign("the data");
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();

  auto pub = PublicKey::FromPem(key.public_key().ToPem());
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_EQ(pub->algorithm(), GetParam());
  EXPECT_EQ(pub->key_id(), key.public_key().key_id());
  EXPECT_TRUE(pub->Verify(*sig, "the data").ok());

  // Altered data, altered signature, truncated signature: all one message.
  // (A flipped bit: PSS and ECDSA signatures are random, so replacing a byte
  // by a constant would sometimes change nothing.)
  std::string altered = *sig;
  altered[altered.size() / 2] ^= 0x01;
  for (const Status& s :
       {pub->Verify(*sig, "the datA"), pub->Verify(altered, "the data"),
        pub->Verify(sig->substr(0, sig->size() - 1), "the data"), pub->Verify("", "the data")}) {
    EXPECT_EQ(s.code(), StatusCode::kVerificationFailed);
    EXPECT_EQ(s.message(), "invalid signature");
  }
}

TEST_P(KeysAlgorithmTest, PlainAndEncryptedPrivatePemRoundTrip) {
  const PrivateKey& key = KeyFor(GetParam());
  for (const std::string passphrase : {"", "correct horse"}) {
    auto pem = key.ToPem(passphrase);
    ASSERT_TRUE(pem.ok()) << pem.status().ToString();
    EXPECT_NE(pem->find(passphrase.empty() ? "-----BEGIN PRIVATE KEY-----"
                                           : "-----BEGIN ENCRYPTED PRIVATE KEY-----"),
              std::string::npos);
    auto loaded = PrivateKey::FromPem(*pem, passphrase);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_EQ(loaded->public_key(), key.public_key());
    auto sig = loaded->Sign("x");
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(key.public_key().Verify(*sig, "x").ok());
  }
}

TEST_P(KeysAlgorithmTest, SignatureOfAnotherAlgorithmIsRejected) {
  auto sig = KeyFor(GetParam()).Sign("data");
  ASSERT_TRUE(sig.ok());
  for (SignatureAlgorithm other : kAllAlgorithms) {
    if (other == GetParam()) continue;
    Status s = KeyFor(other).public_key().Verify(*sig, "data");
    EXPECT_EQ(s.code(), StatusCode::kVerificationFailed) << AlgorithmName(other);
  }
}

INSTANTIATE_TEST_SUITE_P(Keys, KeysAlgorithmTest, ::testing::ValuesIn(kAllAlgorithms),
                         [](const auto& info) {
                           std::string name(AlgorithmName(info.param));
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(KeysTest, AlgorithmNamesRoundTrip) {
  for (SignatureAlgorithm a : kAllAlgorithms) {
    auto parsed = ParseAlgorithmName(AlgorithmName(a));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, a);
  }
  auto bad = ParseAlgorithmName("rsa");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("unknown algorithm 'rsa'"), std::string::npos);
}

TEST(KeysTest, EncryptedKeyNeedsTheRightPassphrase) {
  auto pem = KeyFor(SignatureAlgorithm::kEd25519).ToPem("right");
  ASSERT_TRUE(pem.ok());
  auto missing = PrivateKey::FromPem(*pem);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), "the private key is encrypted; give its passphrase");
  auto wrong = PrivateKey::FromPem(*pem, "wrong");
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.status().message(), "wrong passphrase or damaged private key");
}

TEST(KeysTest, EncryptedKeyUsesScryptAndAes256Cbc) {
  ScratchDir dir;
  auto pem = KeyFor(SignatureAlgorithm::kEcdsaP256Sha256).ToPem("pw");
  ASSERT_TRUE(pem.ok());
  WriteFileOrDie(dir / "k.pem", *pem);
  std::string out;
  ASSERT_EQ(RunCommand("openssl asn1parse -in " + Quote(dir / "k.pem"), &out), 0) << out;
  EXPECT_NE(out.find("OBJECT            :scrypt"), std::string::npos) << out;
  EXPECT_NE(out.find(":aes-256-cbc"), std::string::npos) << out;
  // And the openssl command line decrypts it.
  out.clear();
  EXPECT_EQ(
      RunCommand("openssl pkey -noout -in " + Quote(dir / "k.pem") + " -passin pass:pw", &out), 0)
      << out;
}

TEST(KeysTest, KeyIdIsSha256OfDerSpki) {
  ScratchDir dir;
  const PublicKey& pub = KeyFor(SignatureAlgorithm::kEd25519).public_key();
  WriteFileOrDie(dir / "p.pem", pub.ToPem());
  std::string out;
  ASSERT_EQ(RunCommand("openssl pkey -pubin -in " + Quote(dir / "p.pem") + " -outform DER -out " +
                           Quote(dir / "p.der"),
                       &out),
            0)
      << out;
  EXPECT_EQ(pub.key_id(), ToHex(Sha256Of(ReadFileOrDie(dir / "p.der"))));
  EXPECT_EQ(pub.key_id().size(), 64u);
}

// Keys made by the openssl command line, some of which must be refused.
TEST(KeysTest, OpensslMadeKeys) {
  ScratchDir dir;
  struct Case {
    const char* genpkey_args;
    bool accepted;
    const char* message_part;
  };
  const Case cases[] = {
      {"-algorithm ed25519", true, ""},
      {"-algorithm EC -pkeyopt ec_paramgen_curve:P-256", true, ""},
      {"-algorithm EC -pkeyopt ec_paramgen_curve:P-384", true, ""},
      {"-algorithm EC -pkeyopt ec_paramgen_curve:secp256k1", false, "unsupported EC curve"},
      {"-algorithm RSA -pkeyopt rsa_keygen_bits:2048", false, "RSA key of 2048 bits"},
      {"-algorithm ed448", false, "unsupported key type"},
      {"-algorithm RSA-PSS -pkeyopt rsa_keygen_bits:3072", false, "RSA-PSS-restricted"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.genpkey_args);
    const std::string key = dir / "k.pem";
    const std::string pub = dir / "p.pem";
    std::string out;
    ASSERT_EQ(RunCommand("openssl genpkey " + std::string(c.genpkey_args) + " -out " + Quote(key) +
                             " && openssl pkey -in " + Quote(key) + " -pubout -out " + Quote(pub),
                         &out),
              0)
        << out;
    auto priv = PrivateKey::FromPem(ReadFileOrDie(key));
    auto pubkey = PublicKey::FromPem(ReadFileOrDie(pub));
    EXPECT_EQ(priv.ok(), c.accepted) << priv.status().ToString();
    EXPECT_EQ(pubkey.ok(), c.accepted) << pubkey.status().ToString();
    if (!c.accepted) {
      EXPECT_EQ(priv.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(priv.status().message().find(c.message_part), std::string::npos)
          << priv.status().message();
      EXPECT_NE(pubkey.status().message().find(c.message_part), std::string::npos)
          << pubkey.status().message();
    }
  }
}

TEST(KeysTest, ReadsPbkdf2EncryptedKeysFromOpenssl) {
  ScratchDir dir;
  std::string out;
  ASSERT_EQ(RunCommand("openssl genpkey -algorithm ed25519 -aes-256-cbc -pass pass:pw -out " +
                           Quote(dir / "k.pem"),
                       &out),
            0)
      << out;
  auto key = PrivateKey::FromPem(ReadFileOrDie(dir / "k.pem"), "pw");
  EXPECT_TRUE(key.ok()) << key.status().ToString();
}

TEST(KeysTest, RefusesNonPkcs8Pem) {
  ScratchDir dir;
  std::string out;
  ASSERT_EQ(
      RunCommand("openssl ecparam -name prime256v1 -genkey -noout -out " + Quote(dir / "k.pem"),
                 &out),
      0)
      << out;
  const std::string traditional = ReadFileOrDie(dir / "k.pem");
  ASSERT_NE(traditional.find("BEGIN EC PRIVATE KEY"), std::string::npos);
  auto key = PrivateKey::FromPem(traditional);
  EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(key.status().message().find("not a PKCS#8 PEM private key"), std::string::npos);
  // A public key where a private one is expected, and the reverse.
  EXPECT_FALSE(PrivateKey::FromPem(KeyFor(SignatureAlgorithm::kEd25519).public_key().ToPem()).ok());
  auto priv_pem = KeyFor(SignatureAlgorithm::kEd25519).ToPem();
  ASSERT_TRUE(priv_pem.ok());
  EXPECT_FALSE(PublicKey::FromPem(*priv_pem).ok());
  EXPECT_FALSE(PublicKey::FromPem("").ok());
  EXPECT_FALSE(PublicKey::FromSpkiDer("\x30\x03\x02\x01\x00").ok());
}

TEST(KeysTest, SpkiDerRoundTripAndTrailingBytes) {
  const PublicKey& pub = KeyFor(SignatureAlgorithm::kEcdsaP384Sha384).public_key();
  auto again = PublicKey::FromSpkiDer(pub.spki_der());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, pub);
  auto trailing = PublicKey::FromSpkiDer(pub.spki_der() + "x");
  EXPECT_EQ(trailing.status().code(), StatusCode::kInvalidArgument);
}

TEST(KeysTest, EcdsaRawToDer) {
  const PrivateKey& key = KeyFor(SignatureAlgorithm::kEcdsaP256Sha256);
  auto raw_len_wrong = EcdsaRawToDer(std::string(63, '\1'), SignatureAlgorithm::kEcdsaP256Sha256);
  EXPECT_EQ(raw_len_wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(EcdsaRawToDer(std::string(64, '\1'), SignatureAlgorithm::kEd25519).ok());
  // r = 1, s = 2 encodes to SEQUENCE { INTEGER 1, INTEGER 2 }.
  std::string raw(64, '\0');
  raw[31] = 1;
  raw[63] = 2;
  auto der = EcdsaRawToDer(raw, SignatureAlgorithm::kEcdsaP256Sha256);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(*der, std::string("\x30\x06\x02\x01\x01\x02\x01\x02", 8));
  // A raw signature is not accepted as is.
  auto sig = key.Sign("m");
  ASSERT_TRUE(sig.ok());
  EXPECT_FALSE(key.public_key().Verify(std::string(64, '\1'), "m").ok());
}

TEST(KeysTest, WipeStringClears) {
  std::string secret = "hunter2";
  WipeString(&secret);
  EXPECT_TRUE(secret.empty());
}

}  // namespace
}  // namespace dtm

namespace dtm {
namespace {

// The key id is computed on one encoding (spec/attestation.md, "Key id"): a
// P-256 or P-384 key given with its point compressed has the id of the same
// key uncompressed, and verifies its signatures.
TEST(KeysTest, CompressedEcPointGivesTheSameKeyId) {
  signing_test::ScratchDir dir;
  for (SignatureAlgorithm algorithm :
       {SignatureAlgorithm::kEcdsaP256Sha256, SignatureAlgorithm::kEcdsaP384Sha384}) {
    const PrivateKey key = PrivateKey::Generate(algorithm).value();
    signing_test::WriteFileOrDie(dir / "k.pub", key.public_key().ToPem());
    std::string out;
    ASSERT_EQ(signing_test::RunCommand("openssl pkey -pubin -in " + (dir / "k.pub") +
                                           " -ec_conv_form compressed -out " + (dir / "c.pub"),
                                       &out),
              0)
        << out;
    const std::string compressed_pem = signing_test::ReadFileOrDie(dir / "c.pub");
    ASSERT_NE(compressed_pem, key.public_key().ToPem()) << "openssl wrote another form";
    auto compressed = PublicKey::FromPem(compressed_pem);
    ASSERT_TRUE(compressed.ok()) << compressed.status().ToString();
    EXPECT_EQ(compressed->key_id(), key.public_key().key_id());
    EXPECT_EQ(compressed->spki_der(), key.public_key().spki_der());
    EXPECT_TRUE(compressed->Verify(key.Sign("data").value(), "data").ok());
  }
}

}  // namespace
}  // namespace dtm
