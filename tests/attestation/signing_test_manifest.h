// Manifests for the signing tests, written with ManifestWriter, and helpers to
// damage files and bundles the way an attacker or a faulty disk would.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "attestation/signing_test_util.h"
#include "base/base64.h"
#include "dtm/container.h"
#include "dtm/digest.h"
#include "testing/test_records.h"

namespace dtm::signing_test {

// Writes a small valid manifest of dataset `name`@`version` with `files` files.
inline void WriteTestManifest(const std::string& path, const std::string& version = "2026.01",
                              int files = 3, const std::string& name = "acme-pretrain") {
  auto writer = ManifestWriter::Create(path);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE((*writer)->Add(test::MakeSource("books", v1::USE_CLASS_NON_COMMERCIAL)).ok());
  ASSERT_TRUE((*writer)->Add(test::MakeSource("web")).ok());
  ASSERT_TRUE((*writer)->Add(test::MakeFile("books", "b/0.txt", 10)).ok());
  for (int i = 0; i < files; ++i) {
    ASSERT_TRUE((*writer)->Add(test::MakeFile("web", "w/" + std::to_string(i) + ".txt", 5)).ok());
  }
  v1::Header header;
  header.mutable_dataset()->set_name(name);
  header.mutable_dataset()->set_version(version);
  header.mutable_publisher()->set_name("Acme Labs");
  header.mutable_created()->set_seconds(1767225600);  // 2026-01-01T00:00:00Z
  header.mutable_tool()->set_name("dtm");
  header.mutable_previous()->set_version("2025.12");
  header.mutable_previous()->set_manifest_sha256(std::string(32, '\x42'));
  header.mutable_previous()->set_merkle_root(std::string(32, '\x24'));
  auto written = (*writer)->Finish(header);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
}

// Replaces the first occurrence of `from` in the file by `to` (same length).
inline void ReplaceInFile(const std::string& path, const std::string& from, const std::string& to) {
  std::string bytes = ReadFileOrDie(path);
  const size_t at = bytes.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  ASSERT_EQ(from.size(), to.size());
  bytes.replace(at, from.size(), to);
  WriteFileOrDie(path, bytes);
}

// Recomputes the footer digest after an edit, as anyone can (spec/container.md:
// the digest covers the file up to the digest field; the last 56 bytes are the
// footer, whose digest sits at offset 16).
inline void FixFooterDigest(const std::string& path) {
  std::string bytes = ReadFileOrDie(path);
  ASSERT_GT(bytes.size(), 56u);
  const size_t digest_at = bytes.size() - 56 + 16;
  const Sha256Digest d = Sha256Of(std::string_view(bytes).substr(0, digest_at));
  bytes.replace(digest_at, 32, AsBytes(d));
  WriteFileOrDie(path, bytes);
}

// Applies `edit` to the parsed JSON of a bundle and returns the new text.
template <typename Edit>
std::string EditBundle(const std::string& bundle_json, Edit edit) {
  nlohmann::json bundle = nlohmann::json::parse(bundle_json);
  edit(bundle);
  return bundle.dump(2);
}

// Flips one bit of the base64-encoded bytes at `field` (a JSON pointer).
inline std::string FlipBase64Byte(const std::string& bundle_json, const std::string& field,
                                  size_t byte_index) {
  return EditBundle(bundle_json, [&](nlohmann::json& b) {
    nlohmann::json& value = b[nlohmann::json::json_pointer(field)];
    std::string bytes = dtm::internal::Base64Decode(value.get<std::string>()).value();
    bytes[byte_index % bytes.size()] ^= 0x01;
    value = dtm::internal::Base64Encode(bytes);
  });
}

}  // namespace dtm::signing_test
