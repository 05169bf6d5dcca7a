// The in-toto Statement v1 DTM signs: subjects (the Merkle root and the file
// digest) and the manifest predicate (the header and the signing time).
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <ctime>
#include <set>
#include <string>

#include "attestation/format.h"
#include "base/strict_json.h"

namespace dtm::internal {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kFileSubjectSuffix = ".dtm";

std::string SubjectName(const v1::Header& header) {
  return header.dataset().name() + "@" + header.dataset().version();
}

Json Subject(const std::string& name, const Sha256Digest& digest) {
  Json subject;
  subject["name"] = name;
  subject["digest"]["sha256"] = ToHex(digest);
  return subject;
}

// Reads subject[index]: {"name": string, "digest": {"sha256": 64 lower-case
// hex}}.
Status ReadSubject(const Json& subjects, size_t index, std::string* name, Sha256Digest* digest) {
  const std::string where = "statement: subject[" + std::to_string(index) + "]";
  const Json& subject = subjects[index];
  if (!subject.is_object()) return Status::Corruption(where, "not a JSON object");
  auto n = subject.find("name");
  if (n == subject.end() || !n->is_string()) return Status::Corruption(where, "no \"name\" string");
  *name = n->get<std::string>();
  auto d = subject.find("digest");
  if (d == subject.end() || !d->is_object() || d->size() != 1 || !d->contains("sha256") ||
      !(*d)["sha256"].is_string()) {
    return Status::Corruption(where + ".digest", "want exactly {\"sha256\": \"<hex>\"}");
  }
  const std::string hex = (*d)["sha256"].get<std::string>();
  auto parsed = ParseSha256Hex(hex);
  if (!parsed.ok() || hex.size() != 64 || ToHex(*parsed) != hex) {
    return Status::Corruption(where + ".digest.sha256", "want 64 lower-case hex digits");
  }
  *digest = *parsed;
  return Status::Ok();
}

}  // namespace

std::string FormatUtc(int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  if (gmtime_r(&t, &tm) == nullptr) return "";
  // Four-digit years (RFC 3339), so that years below 1000 parse back.
  char buf[48];
  const int n = std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02dZ",
                              static_cast<long long>(tm.tm_year) + 1900, tm.tm_mon + 1, tm.tm_mday,
                              tm.tm_hour, tm.tm_min, tm.tm_sec);
  return std::string(buf, static_cast<size_t>(n));
}

StatusOr<int64_t> ParseUtc(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SSZ, digits where the pattern has '9'.
  constexpr std::string_view kPattern = "9999-99-99T99:99:99Z";
  bool shape = text.size() == kPattern.size();
  for (size_t i = 0; shape && i < text.size(); ++i) {
    shape = kPattern[i] == '9' ? (text[i] >= '0' && text[i] <= '9') : text[i] == kPattern[i];
  }
  if (!shape) {
    return Status::InvalidArgument("bad time '" + std::string(text.substr(0, 40)) +
                                   "'; want RFC 3339 UTC like 2026-01-02T03:04:05Z");
  }
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  struct tm tm = {};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = num(17, 2);
  const int64_t t = static_cast<int64_t>(timegm(&tm));
  // timegm normalises 02-30 into March; a real date formats back unchanged.
  if (num(0, 4) == 0 || FormatUtc(t) != text) {
    return Status::InvalidArgument("bad time '" + std::string(text) + "': no such date or time");
  }
  return t;
}

StatusOr<std::string> CanonicalHeaderJson(const v1::Header& header) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string text;
  const auto status = google::protobuf::util::MessageToJsonString(header, &text, options);
  if (!status.ok()) return Status::Internal("header to JSON", status.ToString());
  try {
    return Json::parse(text).dump();
  } catch (const Json::exception& e) {
    return Status::Internal("header to JSON", e.what());
  }
}

StatusOr<std::string> MakeStatement(const ManifestIntegrity& manifest, int64_t signed_at) {
  DTM_ASSIGN_OR_RETURN(std::string header_json, CanonicalHeaderJson(manifest.header));
  const std::string name = SubjectName(manifest.header);
  Json statement;
  statement["_type"] = kStatementType;
  statement["subject"] =
      Json::array({Subject(name, manifest.merkle_root),
                   Subject(name + std::string(kFileSubjectSuffix), manifest.file_sha256)});
  statement["predicateType"] = kManifestPredicateType;
  statement["predicate"]["header"] = Json::parse(header_json);
  statement["predicate"]["signedAt"] = FormatUtc(signed_at);
  try {
    return statement.dump();  // members sorted (std::map), no whitespace
  } catch (const Json::exception& e) {
    return Status::InvalidArgument("statement", e.what());
  }
}

StatusOr<Statement> ParseStatement(std::string_view payload) {
  DTM_ASSIGN_OR_RETURN(Json value, ParseStrictJson(payload, "statement"));
  if (!value.is_object()) return Status::Corruption("statement", "not a JSON object");
  auto type = value.find("_type");
  if (type == value.end() || !type->is_string() || *type != kStatementType) {
    return Status::Corruption("statement: _type", "want \"" + std::string(kStatementType) + "\"");
  }
  auto predicate_type = value.find("predicateType");
  if (predicate_type == value.end() || !predicate_type->is_string() ||
      *predicate_type != kManifestPredicateType) {
    return Status::Corruption("statement: predicateType",
                              "want \"" + std::string(kManifestPredicateType) + "\"");
  }
  auto subjects = value.find("subject");
  if (subjects == value.end() || !subjects->is_array() || subjects->size() != 2) {
    return Status::Corruption("statement: subject", "want an array of 2 subjects");
  }
  Statement statement;
  DTM_RETURN_IF_ERROR(ReadSubject(*subjects, 0, &statement.subject_name, &statement.merkle_root));
  DTM_RETURN_IF_ERROR(
      ReadSubject(*subjects, 1, &statement.file_subject_name, &statement.manifest_sha256));
  auto predicate = value.find("predicate");
  if (predicate == value.end() || !predicate->is_object() || predicate->size() != 2 ||
      !predicate->contains("header") || !predicate->contains("signedAt")) {
    return Status::Corruption("statement: predicate", "want exactly \"header\" and \"signedAt\"");
  }
  const Json& header = (*predicate)["header"];
  if (!header.is_object())
    return Status::Corruption("statement: predicate.header", "not an object");
  statement.header_json = header.dump();
  const Json& signed_at = (*predicate)["signedAt"];
  auto t = signed_at.is_string() ? ParseUtc(signed_at.get<std::string>())
                                 : StatusOr<int64_t>(Status::InvalidArgument("not a string"));
  if (!t.ok()) return Status::Corruption("statement: predicate.signedAt", t.status().message());
  statement.signed_at = *t;
  return statement;
}

std::optional<CheckFailure> CompareStatement(const Statement& statement,
                                             const ManifestIntegrity& manifest) {
  const std::string name = SubjectName(manifest.header);
  if (statement.subject_name != name || statement.merkle_root != manifest.merkle_root) {
    return CheckFailure{
        "subject", Status::VerificationFailed("the statement is about " + statement.subject_name +
                                              " with Merkle root " + ToHex(statement.merkle_root) +
                                              "; the manifest is " + name + " with Merkle root " +
                                              ToHex(manifest.merkle_root))};
  }
  const std::string file_name = name + std::string(kFileSubjectSuffix);
  // A public view is not the file the statement names; it names that file's
  // digest itself (spec/container.md, "Public views"), which must be the signed one.
  const Sha256Digest& file_sha256 =
      manifest.public_view ? manifest.full_manifest_sha256 : manifest.file_sha256;
  if (statement.file_subject_name != file_name || statement.manifest_sha256 != file_sha256) {
    return CheckFailure{
        "manifest-digest",
        Status::VerificationFailed(
            "the statement names the manifest file " + statement.file_subject_name +
            " with SHA-256 " + ToHex(statement.manifest_sha256) +
            (manifest.public_view ? "; the public view names the full manifest's SHA-256 "
                                  : "; the file has SHA-256 ") +
            ToHex(file_sha256))};
  }
  auto header_json = CanonicalHeaderJson(manifest.header);
  if (!header_json.ok()) return CheckFailure{"predicate", header_json.status()};
  if (statement.header_json != *header_json) {
    // Both strings are dumps of parsed JSON, so they parse back without error.
    const Json signed_header = Json::parse(statement.header_json);
    const Json actual = Json::parse(*header_json);
    std::set<std::string> differing;
    for (const Json* side : {&signed_header, &actual}) {
      const Json* other = side == &signed_header ? &actual : &signed_header;
      for (const auto& [key, v] : side->items()) {
        auto it = other->find(key);
        if (it == other->end() || *it != v) differing.insert(key);
      }
    }
    std::string members;
    for (const std::string& key : differing) members += (members.empty() ? "" : ", ") + key;
    return CheckFailure{
        "predicate",
        Status::VerificationFailed(
            "the predicate's header differs from the manifest's header in: " + members)};
  }
  return std::nullopt;
}

}  // namespace dtm::internal
