// Fuzz target: the proof files (dtm/proof.h, spec/proof.md): inclusion, lookup and source list. The
// input is the proof's JSON. It is parsed, and verified with the signing
// vector's TEST-ONLY public key (spec/vectors/proof/proof.json verifies with
// it, so mutations of that seed reach every check). A proof that parses must
// survive SerializeProof and parse back to the same bytes again.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "dtm/keys.h"
#include "dtm/proof.h"
#include "fuzz_util.h"

namespace {

const dtm::VerifyOptions& Options() {
  static const dtm::VerifyOptions options = [] {
    std::ifstream in(DTM_SOURCE_DIR "/spec/vectors/signing/TEST-ONLY-ed25519.pub");
    const std::string pem{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto key = dtm::PublicKey::FromPem(pem);
    if (!key.ok()) {
      std::fprintf(stderr, "fuzz: %s\n", key.status().ToString().c_str());
      std::abort();
    }
    dtm::VerifyOptions o;
    o.keys.push_back(*key);
    return o;
  }();
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = dtm::fuzz::AsText(data, size);
  (void)dtm::VerifyProof(input, Options());
  auto proof = dtm::ParseProof(input);
  if (!proof.ok()) return 0;
  auto text = dtm::SerializeProof(*proof);
  if (!text.ok()) return 0;  // allowed: kInvalidArgument for a field it cannot write
  auto again = dtm::ParseProof(*text);
  const dtm::StatusOr<std::string> text_again =
      again.ok() ? dtm::SerializeProof(*again) : dtm::StatusOr<std::string>(again.status());
  if (!text_again.ok() || *text_again != *text) {
    std::fprintf(stderr, "proof does not round-trip: %s\n",
                 text_again.ok() ? "bytes differ" : text_again.status().ToString().c_str());
    std::abort();
  }
  return 0;
}
