// Equality of parsed values, for the round-trip checks of the fuzz targets.
#pragma once

#include "dtm/attestation.h"

namespace dtm::fuzz {

inline bool SameEnvelope(const DsseEnvelope& a, const DsseEnvelope& b) {
  if (a.payload != b.payload || a.payload_type != b.payload_type ||
      a.signatures.size() != b.signatures.size()) {
    return false;
  }
  for (size_t i = 0; i < a.signatures.size(); ++i) {
    if (a.signatures[i].sig != b.signatures[i].sig ||
        a.signatures[i].keyid != b.signatures[i].keyid) {
      return false;
    }
  }
  return true;
}

}  // namespace dtm::fuzz
