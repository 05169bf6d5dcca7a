// Fuzz target: the Sigstore bundle (libmanifest/src/attestation/bundle.cc;
// spec/attestation.md). The input is the bundle's JSON. A bundle that parses
// must survive SerializeBundle and parse back to the same values; its payload
// is tried as a Statement.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "attestation/format.h"
#include "fuzz_compare.h"
#include "fuzz_util.h"

namespace {

bool SameBundle(const dtm::internal::Bundle& a, const dtm::internal::Bundle& b) {
  return a.media_type == b.media_type && a.public_key_hint == b.public_key_hint &&
         a.certificates == b.certificates && dtm::fuzz::SameEnvelope(a.envelope, b.envelope);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace at = dtm::internal;
  auto bundle = at::ParseBundle(dtm::fuzz::AsText(data, size));
  if (!bundle.ok()) return 0;
  (void)at::ParseStatement(bundle->envelope.payload);
  auto reparsed = at::ParseBundle(at::SerializeBundle(*bundle));
  if (!reparsed.ok() || !SameBundle(*bundle, *reparsed)) {
    std::fprintf(stderr, "bundle does not round-trip: %s\n",
                 reparsed.ok() ? "values differ" : reparsed.status().ToString().c_str());
    std::abort();
  }
  return 0;
}
