// The proof file (spec/proof.md, "Format"): writing it, and parsing it
// strictly with every error naming its JSON place ("$.entries[1].record").
#include <google/protobuf/util/json_util.h>

#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "base/base64.h"
#include "base/strict_json.h"
#include "dtm/proof.h"
#include "proof/format.h"

namespace dtm {

using internal::Base64Decode;
using internal::Base64Encode;
using internal::ParseStrictJson;
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// The members of a query object, one per ProofQuery::Kind, in its order.
constexpr std::string_view kQueryMembers[] = {"digest", "path", "source"};
constexpr std::string_view kDigestPrefix = "sha256:";

std::string_view QueryMember(ProofQuery::Kind kind) {
  return kQueryMembers[static_cast<int>(kind)];
}

Status Bad(const std::string& where, const std::string& what) {
  return Status::Corruption(where, what);
}

// OK when `value` is an object with exactly the members `names`.
Status ExpectMembers(const Json& value, const std::string& where,
                     std::initializer_list<std::string_view> names) {
  if (!value.is_object()) return Bad(where, "not a JSON object");
  for (const auto& [key, member] : value.items()) {
    bool known = false;
    for (std::string_view name : names) known = known || key == name;
    if (!known) return Bad(where, "unknown member \"" + key + "\"");
  }
  for (std::string_view name : names) {
    if (!value.contains(std::string(name)))
      return Bad(where, "missing member \"" + std::string(name) + "\"");
  }
  return Status::Ok();
}

StatusOr<std::string> GetString(const Json& value, const std::string& where) {
  if (!value.is_string()) return Bad(where, "not a string");
  return value.get<std::string>();
}

// A uint64 written as a decimal string without leading zeros (as the protobuf
// JSON mapping writes 64-bit integers).
StatusOr<uint64_t> GetUint64(const Json& value, const std::string& where) {
  DTM_ASSIGN_OR_RETURN(std::string text, GetString(value, where));
  const auto bad = [&] {
    return Bad(where, "want a decimal integer string from \"0\" to \"" +
                          std::to_string(std::numeric_limits<uint64_t>::max()) +
                          "\" without leading zeros");
  };
  if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0')) return bad();
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return bad();
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return bad();
    v = v * 10 + digit;
  }
  return v;
}

// Exactly 64 lower-case hex digits.
StatusOr<Sha256Digest> GetHexDigest(const Json& value, const std::string& where) {
  DTM_ASSIGN_OR_RETURN(std::string text, GetString(value, where));
  auto digest = ParseSha256Hex(text);
  if (!digest.ok() || text.size() != 64 || ToHex(*digest) != text) {
    return Bad(where, "want 64 lower-case hex digits");
  }
  return *digest;
}

StatusOr<ProofQuery> GetQuery(const Json& value, const std::string& where) {
  if (!value.is_object() || value.size() != 1) {
    return Bad(where, "want an object with one member: \"digest\", \"path\" or \"source\"");
  }
  ProofQuery query;
  const std::string& member = value.begin().key();
  const std::string place = where + "." + member;
  if (member == "digest") {
    query.kind = ProofQuery::Kind::kDigest;
    DTM_ASSIGN_OR_RETURN(std::string text, GetString(value.begin().value(), place));
    if (text.substr(0, kDigestPrefix.size()) != kDigestPrefix) {
      return Bad(place, "want \"sha256:\" and 64 lower-case hex digits");
    }
    DTM_ASSIGN_OR_RETURN(query.digest, GetHexDigest(text.substr(kDigestPrefix.size()), place));
    return query;
  }
  if (member == "path") {
    query.kind = ProofQuery::Kind::kPath;
  } else if (member == "source") {
    query.kind = ProofQuery::Kind::kSource;
  } else {
    return Bad(where, "unknown member \"" + member + "\"; want \"digest\", \"path\" or \"source\"");
  }
  DTM_ASSIGN_OR_RETURN(query.value, GetString(value.begin().value(), place));
  if (query.value.empty()) return Bad(place, "empty");
  return query;
}

StatusOr<ProofEntry> GetEntry(const Json& value, const std::string& where) {
  DTM_RETURN_IF_ERROR(ExpectMembers(value, where, {"leafIndex", "record", "decoded", "auditPath"}));
  ProofEntry entry;
  DTM_ASSIGN_OR_RETURN(entry.leaf_index, GetUint64(value["leafIndex"], where + ".leafIndex"));

  const std::string record_at = where + ".record";
  DTM_ASSIGN_OR_RETURN(std::string base64, GetString(value["record"], record_at));
  const size_t max_record = ContainerLimits{}.max_record_bytes;
  if (base64.size() > (max_record + 2) / 3 * 4) {
    return Status::LimitExceeded(record_at, "encodes more than the record limit of " +
                                                std::to_string(max_record) + " bytes");
  }
  auto bytes = Base64Decode(base64);
  if (!bytes.ok()) return Bad(record_at, bytes.status().message());
  if (bytes->size() > max_record) {
    return Status::LimitExceeded(record_at, std::to_string(bytes->size()) +
                                                " bytes, more than the record limit of " +
                                                std::to_string(max_record));
  }
  if (Base64Encode(*bytes) != base64) {
    return Bad(record_at, "not standard base64 with padding");
  }
  entry.record = std::move(bytes).value();

  const Json& decoded = value["decoded"];
  if (!decoded.is_object()) return Bad(where + ".decoded", "not a JSON object");
  entry.decoded_json = decoded.dump();

  const std::string path_at = where + ".auditPath";
  const Json& path = value["auditPath"];
  if (!path.is_array()) return Bad(path_at, "not an array");
  if (path.size() > kMaxAuditPathNodes) {
    return Status::LimitExceeded(path_at, std::to_string(path.size()) + " nodes, more than " +
                                              std::to_string(kMaxAuditPathNodes));
  }
  for (size_t i = 0; i < path.size(); ++i) {
    DTM_ASSIGN_OR_RETURN(Sha256Digest node,
                         GetHexDigest(path[i], path_at + "[" + std::to_string(i) + "]"));
    entry.audit_path.push_back(node);
  }
  return entry;
}

}  // namespace

namespace internal {

StatusOr<std::string> RecordToJson(const v1::Record& record) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string text;
  const auto status = google::protobuf::util::MessageToJsonString(record, &text, options);
  if (!status.ok()) return Status::Internal("record to JSON", status.ToString());
  return text;
}

bool FileMatches(const v1::FileEntry& file, const ProofQuery& query) {
  switch (query.kind) {
    case ProofQuery::Kind::kDigest:
      return file.sha256() == AsBytes(query.digest);
    case ProofQuery::Kind::kPath:
      return file.path() == query.value;
    case ProofQuery::Kind::kSource:
      return false;
  }
  return false;
}

std::string QueryValue(const ProofQuery& query) {
  if (query.kind == ProofQuery::Kind::kDigest) {
    return std::string(kDigestPrefix) + ToHex(query.digest);
  }
  return query.value;
}

}  // namespace internal

std::string DescribeQuery(const ProofQuery& query) {
  return std::string(QueryMember(query.kind)) + " " + internal::QueryValue(query);
}

StatusOr<std::string> SerializeProof(const InclusionProof& proof) {
  try {
    OrderedJson out;
    out["proofType"] = kProofType;
    out["query"][std::string(QueryMember(proof.query.kind))] = internal::QueryValue(proof.query);
    out["treeSize"] = std::to_string(proof.tree_size);
    out["merkleRoot"] = ToHex(proof.merkle_root);
    out["entries"] = OrderedJson::array();
    for (const ProofEntry& e : proof.entries) {
      OrderedJson entry;
      entry["leafIndex"] = std::to_string(e.leaf_index);
      entry["record"] = Base64Encode(e.record);
      entry["decoded"] = OrderedJson::parse(e.decoded_json);
      entry["auditPath"] = OrderedJson::array();
      for (const Sha256Digest& node : e.audit_path) entry["auditPath"].push_back(ToHex(node));
      out["entries"].push_back(std::move(entry));
    }
    out["bundle"] = OrderedJson::parse(proof.bundle_json);
    return out.dump() + "\n";
  } catch (const OrderedJson::exception& e) {
    return Status::InvalidArgument("proof", e.what());
  }
}

StatusOr<InclusionProof> ParseProof(std::string_view text) {
  if (text.size() > kMaxProofBytes) {
    return Status::LimitExceeded("$", std::to_string(text.size()) +
                                          " bytes, more than the limit of " +
                                          std::to_string(kMaxProofBytes));
  }
  DTM_ASSIGN_OR_RETURN(Json value, ParseStrictJson(text, "$"));
  DTM_RETURN_IF_ERROR(ExpectMembers(
      value, "$", {"proofType", "query", "treeSize", "merkleRoot", "entries", "bundle"}));
  DTM_ASSIGN_OR_RETURN(std::string type, GetString(value["proofType"], "$.proofType"));
  if (type != kProofType) {
    return Bad("$.proofType", "\"" + type + "\", want \"" + std::string(kProofType) + "\"");
  }
  InclusionProof proof;
  DTM_ASSIGN_OR_RETURN(proof.query, GetQuery(value["query"], "$.query"));
  DTM_ASSIGN_OR_RETURN(proof.tree_size, GetUint64(value["treeSize"], "$.treeSize"));
  DTM_ASSIGN_OR_RETURN(proof.merkle_root, GetHexDigest(value["merkleRoot"], "$.merkleRoot"));

  const Json& entries = value["entries"];
  if (!entries.is_array() || entries.empty()) return Bad("$.entries", "want a non-empty array");
  if (entries.size() > kMaxProofEntries) {
    return Status::LimitExceeded(
        "$.entries",
        std::to_string(entries.size()) + " entries, more than " + std::to_string(kMaxProofEntries));
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string where = "$.entries[" + std::to_string(i) + "]";
    DTM_ASSIGN_OR_RETURN(ProofEntry entry, GetEntry(entries[i], where));
    if (!proof.entries.empty() && entry.leaf_index <= proof.entries.back().leaf_index) {
      return Bad(where + ".leafIndex", "entries must be in increasing leaf order without repeats");
    }
    proof.entries.push_back(std::move(entry));
  }
  const Json& bundle = value["bundle"];
  if (!bundle.is_object()) return Bad("$.bundle", "not a JSON object");
  proof.bundle_json = bundle.dump();
  return proof;
}

}  // namespace dtm
