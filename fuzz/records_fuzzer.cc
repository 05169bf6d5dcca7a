// Fuzz target: decoding records and the record rules (dtm/records.h). The input
// is what a frame holds once decompressed (spec/container.md, "Frames"):
// records, each a varint length and a dtm.v1.Record. Every record that decodes
// goes through RecordSequence (rules, canonical order, tallies) and
// AddRecordToFacts (what reports read); the paths and ids in it also go through
// the validators on their own.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "container/format.h"
#include "dtm/records.h"
#include "dtm/report.h"
#include "fuzz_util.h"

namespace {

// The escaped form is a bijection (spec/container.md, "Escaped file names"):
// any bytes escape to what unescapes back to them, and a path the record
// rules accept is the escape of what it unescapes to.
void CheckEscapedForm(std::string_view bytes) {
  const std::string escaped = dtm::EscapeFileName(bytes);
  auto back = dtm::UnescapeFileName(escaped);
  if (!back.ok() || *back != bytes) std::abort();
  if (dtm::ValidateRawFileName(bytes).ok() && escaped != bytes) std::abort();
  if (dtm::ValidateRelativePath(bytes).ok()) {
    auto raw = dtm::UnescapeFileName(bytes);
    if (!raw.ok() || dtm::EscapeFileName(*raw) != bytes) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = dtm::fuzz::AsText(data, size);
  CheckEscapedForm(input.substr(0, 4096));
  dtm::RecordSequence sequence(/*max_sources=*/64);
  dtm::ManifestFacts facts;
  bool sequence_ok = true;
  bool facts_ok = true;
  size_t pos = 0;
  for (uint64_t index = 0; pos < input.size(); ++index) {
    uint32_t length = 0;
    if (dtm::internal::GetVarint32(input.data(), input.size(), &pos, &length) !=
            dtm::internal::VarintResult::kOk ||
        length > input.size() - pos) {
      break;
    }
    dtm::v1::Record record;
    const bool parsed = record.ParseFromArray(input.data() + pos, static_cast<int>(length));
    pos += length;
    if (!parsed) break;
    if (record.has_source()) (void)dtm::ValidateSourceId(record.source().id());
    if (record.has_file()) {
      (void)dtm::ValidateSourceId(record.file().source_id());
      CheckEscapedForm(record.file().path());
    }
    if (sequence_ok) sequence_ok = sequence.Add(record).ok();
    if (facts_ok) facts_ok = dtm::AddRecordToFacts(record, index, &facts).ok();
    if (!sequence_ok && !facts_ok) break;
  }
  (void)sequence.totals();
  (void)sequence.composition();
  return 0;
}
