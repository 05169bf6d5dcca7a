// Fuzz target: listing files of the build spec (ForEachListedFile in
// dtm/buildspec.h; spec/spec-file.md, "Listing files"). The input is the file.
#include <cstdint>
#include <string>

#include "dtm/buildspec.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path =
      dtm::fuzz::WriteScratchFile("listing.tsv", dtm::fuzz::AsText(data, size));
  (void)dtm::ForEachListedFile(path, [](dtm::DeclaredFile&&) { return dtm::Status::Ok(); });
  return 0;
}
