// Fuzz target: the DSSE envelope and the in-toto Statement inside it
// (libmanifest/src/attestation/dsse.cc and attestation/statement.cc; spec/attestation.md). The
// input is JSON, tried as an envelope and as a Statement payload. An envelope that parses must
// survive EnvelopeToJson and parse back to the same values.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "attestation/format.h"
#include "fuzz_compare.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace at = dtm::internal;
  const std::string_view input = dtm::fuzz::AsText(data, size);
  (void)at::ParseStatement(input);
  if (size <= 64) (void)at::ParseUtc(input);

  auto envelope = at::ParseEnvelope(input);
  if (!envelope.ok()) return 0;
  (void)at::ParseStatement(envelope->payload);
  (void)dtm::DssePae(envelope->payload_type, envelope->payload);
  const std::string again = at::EnvelopeToJson(*envelope).dump();
  auto reparsed = at::ParseEnvelope(again);
  if (!reparsed.ok() || !dtm::fuzz::SameEnvelope(*envelope, *reparsed)) {
    std::fprintf(stderr, "envelope does not round-trip: %s\n",
                 reparsed.ok() ? "values differ" : reparsed.status().ToString().c_str());
    std::abort();
  }
  return 0;
}
