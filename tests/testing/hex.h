// Test helper: bytes from hex text in test vectors.
#pragma once

#include <string>

namespace dtm::test {

// The bytes of `hex`, two hex digits each (no validation: vectors are trusted).
inline std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace dtm::test
