// Documents inside files: the text digest and the canonical URL that a
// manifest records for each document (spec/documents.md), so that someone who
// holds only their own work can compute what a manifest says about it.
#pragma once

#include <string>
#include <string_view>

#include "dtm/digest.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"

namespace dtm {

// The text of a document under the normalization of spec/documents.md, "Text":
// every U+FEFF removed, Unicode NFC (Unicode 15.0), every run of white
// space (the 25 White_Space code points, line ends included) replaced by one
// U+0020, none at either end. `text` must be valid UTF-8 (RFC 3629);
// otherwise kInvalidArgument naming the byte offset of the first invalid byte.
StatusOr<std::string> NormalizeText(std::string_view text);

// SHA-256 of NormalizeText(text): DocumentEntry.text_sha256, and what
// `dtm hash --document` prints.
StatusOr<Sha256Digest> TextDigest(std::string_view text);

// The canonical form of an absolute URL (spec/documents.md, "URLs"): scheme and
// host in lower case, the host in IDNA A-labels, no default port, dot segments
// removed, percent-encoding normalized, no fragment. kInvalidArgument saying
// what is wrong for a string that is not an absolute URL.
StatusOr<std::string> CanonicalUrl(std::string_view url);

// The host of a canonical URL ("" for one without an authority).
std::string_view UrlHost(std::string_view canonical_url);

// The registrable domain of a host (the public suffix plus one label, by the
// Public Suffix List the system provides), or the host itself where there is
// none (an IP address, a suffix itself). Thread-safe.
std::string RegistrableDomain(std::string_view host);

// OK when `rule` is one this version applies (spec/documents.md, "Rules"): a
// format it reads, the pointers that format needs and no others, each a valid
// JSON Pointer (RFC 6901). Otherwise kInvalidArgument naming the field
// ("text: ...").
Status ValidateDocumentRule(const v1::DocumentRule& rule);

}  // namespace dtm
