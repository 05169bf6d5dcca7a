// The facts of the signing test vector's manifest, for the fuzz targets that
// need a manifest to apply a parsed file to (policies, model files).
#pragma once

#include <cstdio>
#include <cstdlib>

#include "dtm/report.h"

namespace dtm::fuzz {

// REQUIRES: the build defines DTM_SOURCE_DIR (fuzz/CMakeLists.txt does).
// Aborts if the vector cannot be read: the fuzz target would test nothing.
inline const ManifestFacts& VectorFacts() {
  static const ManifestFacts facts = [] {
    auto read = ReadManifestFacts(DTM_SOURCE_DIR "/spec/vectors/signing/manifest.dtm");
    if (!read.ok()) {
      std::fprintf(stderr, "fuzz: %s\n", read.status().ToString().c_str());
      std::abort();
    }
    return std::move(read).value();
  }();
  return facts;
}

}  // namespace dtm::fuzz
