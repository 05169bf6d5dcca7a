// Fuzz target: the build spec file, dtm.yaml (dtm/buildspec.h,
// spec/spec-file.md). The input is the YAML text. Relative `listing` and
// `previous.manifest` paths resolve in a scratch folder that holds the listing
// files the seed specs name, so that specs naming them can load whole.
#include <sys/stat.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include "dtm/buildspec.h"
#include "fuzz_util.h"

namespace {

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(DTM_SOURCE_DIR) + "/" + relative, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The scratch folder with listings/wayfarer-captions.tsv (the examples') and
// full-shards.tsv (tests/data/specs).
const std::string& BaseDir() {
  static const std::string dir = [] {
    const std::string& scratch = dtm::fuzz::ScratchDir();
    mkdir((scratch + "/listings").c_str(), 0700);
    dtm::fuzz::WriteScratchFile(
        "listings/wayfarer-captions.tsv",
        ReadSourceFile("examples/training-set-v1/listings/wayfarer-captions.tsv"));
    dtm::fuzz::WriteScratchFile("full-shards.tsv",
                                ReadSourceFile("tests/data/specs/full-shards.tsv"));
    return scratch;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)dtm::ParseBuildSpec(dtm::fuzz::AsText(data, size), "dtm.yaml", BaseDir());
  return 0;
}
