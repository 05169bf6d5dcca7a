// Lookup keys and key trees (spec/proof.md, "Key trees"): what lets a proof say
// that a URL, a text, a content digest or a path is in a manifest, or is not.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "dtm/digest.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm {

using KeyKind = v1::KeyTree::Kind;

// The kinds every key tree list holds, in its order.
inline constexpr KeyKind kKeyKinds[] = {v1::KeyTree::KIND_URL, v1::KeyTree::KIND_TEXT,
                                        v1::KeyTree::KIND_CONTENT, v1::KeyTree::KIND_PATH};

// "url", "text", "content" or "path"; "" for another value.
std::string_view KeyKindName(KeyKind kind);

// SHA-256("dtm:key:" || name || 0x00 || key): a key tree's leaf. `key` is the
// canonical URL's bytes, the path's bytes, or the 32 bytes of a digest.
Sha256Digest LookupKeyDigest(KeyKind kind, std::string_view key);

// A leaf of a key tree with its audit path (spec/merkle.md), nearest sibling
// first: a neighbour in an absence proof.
struct KeyLeafProof {
  uint64_t leaf_index = 0;
  Sha256Digest key_digest{};
  std::vector<Sha256Digest> audit_path;
};

}  // namespace dtm
