// Fuzz target: the *.dtm container reader (spec/container.md). The input is a
// whole file; it is read record by record with ManifestReader, checked with
// CheckManifest, and read by ReadManifestFacts (what reports and policies use).
// When the footer digest is wrong, the same bytes are also tried with the
// digest made right, so that mutations reach the checks that come after it.
#include <cstdint>
#include <string>

#include "container/format.h"
#include "dtm/container.h"
#include "dtm/digest.h"
#include "dtm/report.h"
#include "fuzz_util.h"

namespace {

// Smaller limits than the defaults, so that the fuzzer meets them without
// spending its memory on legal but large inputs.
dtm::ContainerLimits FuzzLimits() {
  dtm::ContainerLimits limits;
  limits.max_header_bytes = 1u << 20;
  limits.max_record_bytes = 1u << 20;
  limits.max_frame_bytes = 2u << 20;
  limits.max_frame_records = 1u << 16;
  limits.max_window_log = 21;
  limits.max_sources = 1u << 12;
  return limits;
}

void ReadAll(const std::string& path) {
  const dtm::ContainerLimits limits = FuzzLimits();
  auto reader = dtm::ManifestReader::Open(path, limits);
  if (reader.ok()) {
    dtm::v1::Record record;
    for (;;) {
      auto more = (*reader)->Next(&record);
      if (!more.ok() || !*more) break;
    }
  }
  (void)dtm::CheckManifest(path, limits);
  (void)dtm::ReadManifestFacts(path);
}

// The footer digest of `file` recomputed (spec/container.md, "Footer"), or
// false when `file` is too short to have a footer.
bool FixFooterDigest(std::string* file) {
  using namespace dtm::internal;
  const size_t footer = kFooterCountsSize + kDigestSize + kEndMagicSize;
  if (file->size() < kPreambleSize + footer) return false;
  const size_t digest_at = file->size() - kDigestSize - kEndMagicSize;
  const dtm::Sha256Digest digest = dtm::Sha256Of(std::string_view(*file).substr(0, digest_at));
  const std::string_view bytes = dtm::AsBytes(digest);
  if (file->compare(digest_at, kDigestSize, bytes) == 0) return false;
  file->replace(digest_at, kDigestSize, bytes);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string file(dtm::fuzz::AsText(data, size));
  ReadAll(dtm::fuzz::WriteScratchFile("input.dtm", file));
  if (FixFooterDigest(&file)) ReadAll(dtm::fuzz::WriteScratchFile("input.dtm", file));
  return 0;
}
