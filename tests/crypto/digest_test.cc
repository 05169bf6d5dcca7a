#include "dtm/digest.h"

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace dtm {
namespace {

namespace fs = std::filesystem;

std::string HexOf(std::string_view text) { return ToHex(Sha256Of(text)); }

TEST(Sha256Test, KnownAnswers) {
  EXPECT_EQ(HexOf(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexOf("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(HexOf(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, IncrementalEqualsOneShotAndFinishResets) {
  const std::string million(1000000, 'a');
  Sha256 sha;
  for (size_t i = 0; i < million.size(); i += 999) {
    sha.Update(std::string_view(million).substr(i, 999));
  }
  EXPECT_EQ(ToHex(sha.Finish()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // The object is reset: the next digest covers only what follows.
  sha.Update("a");
  sha.Update("bc", 2);
  EXPECT_EQ(sha.Finish(), Sha256Of("abc"));
  EXPECT_EQ(sha.Finish(), Sha256Of(""));
}

TEST(Sha256Test, PeekGivesThePrefixDigestAndHashingGoesOn) {
  Sha256 sha;
  EXPECT_EQ(sha.Peek(), Sha256Of(""));
  sha.Update("ab");
  EXPECT_EQ(sha.Peek(), Sha256Of("ab"));
  EXPECT_EQ(sha.Peek(), Sha256Of("ab"));
  sha.Update("c");
  EXPECT_EQ(sha.Finish(), Sha256Of("abc"));
}

TEST(Sha256Test, HexRoundTrip) {
  const Sha256Digest d = Sha256Of("abc");
  const std::string hex = ToHex(d);
  ASSERT_EQ(hex.size(), 64u);
  for (const std::string& text :
       {hex, "sha256:" + hex, "SHA256:" + hex, std::string("Sha256:") + hex}) {
    StatusOr<Sha256Digest> parsed = ParseSha256Hex(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status().ToString();
    EXPECT_EQ(*parsed, d);
  }
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  StatusOr<Sha256Digest> parsed = ParseSha256Hex(upper);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, d);

  EXPECT_EQ(ToHex(std::string_view("\x00\x7f\x80\xff", 4)), "007f80ff");
  EXPECT_EQ(ToHex(nullptr, 0), "");
  EXPECT_EQ(DigestFromBytes(AsBytes(d)), d);
}

TEST(Sha256Test, RejectsBadHex) {
  const std::string hex = ToHex(Sha256Of("abc"));
  struct Case {
    std::string text;
    std::string want;  // a part of the message
  };
  const std::vector<Case> cases = {
      {"", "got 0 characters"},
      {"sha256:", "got 0 characters"},
      {hex.substr(1), "got 63 characters"},
      {hex + "0", "got 65 characters"},
      {" " + hex.substr(1), "character 1 is not a hex digit"},
      {hex.substr(0, 63) + "g", "character 64 is not a hex digit"},
      {"sha256:" + hex.substr(0, 10) + "x" + hex.substr(11), "character 18 is not a hex digit"},
      {"sha512:" + hex, "got 71 characters"},
      {"sha256 " + hex, "got 71 characters"},
      {hex.substr(0, 31) + std::string(1, '\0') + hex.substr(32), "character 32"},
  };
  for (const Case& c : cases) {
    StatusOr<Sha256Digest> parsed = ParseSha256Hex(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("bad SHA-256 digest"), std::string::npos);
    EXPECT_NE(parsed.status().message().find(c.want), std::string::npos)
        << parsed.status().message();
  }
}

}  // namespace
}  // namespace dtm

namespace dtm {
namespace {

// RFC 4231, test cases 1, 2 and 6 (a key longer than the block is hashed).
TEST(HmacSha256Test, KnownAnswersOfRfc4231) {
  EXPECT_EQ(ToHex(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(ToHex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(ToHex(HmacSha256(std::string(131, '\xaa'),
                             "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

}  // namespace
}  // namespace dtm
