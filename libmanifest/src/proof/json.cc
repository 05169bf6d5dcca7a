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
constexpr std::string_view kQueryMembers[] = {"digest", "path", "source", "url", "text"};
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

// A query of one of the kinds `allowed` (named in the error).
StatusOr<ProofQuery> GetQuery(const Json& value, const std::string& where,
                              std::initializer_list<ProofQuery::Kind> allowed) {
  std::string names;
  for (ProofQuery::Kind kind : allowed) {
    names += std::string(names.empty() ? "" : ", ") + "\"" + std::string(QueryMember(kind)) + "\"";
  }
  if (!value.is_object() || value.size() != 1) {
    return Bad(where, "want an object with one member: " + names);
  }
  ProofQuery query;
  const std::string& member = value.begin().key();
  const std::string place = where + "." + member;
  bool known = false;
  for (ProofQuery::Kind kind : allowed) {
    if (member == QueryMember(kind)) {
      query.kind = kind;
      known = true;
    }
  }
  if (!known) return Bad(where, "unknown member \"" + member + "\"; want " + names);
  DTM_ASSIGN_OR_RETURN(std::string text, GetString(value.begin().value(), place));
  if (query.kind == ProofQuery::Kind::kDigest || query.kind == ProofQuery::Kind::kText) {
    if (text.substr(0, kDigestPrefix.size()) != kDigestPrefix) {
      return Bad(place, "want \"sha256:\" and 64 lower-case hex digits");
    }
    DTM_ASSIGN_OR_RETURN(query.digest, GetHexDigest(text.substr(kDigestPrefix.size()), place));
    return query;
  }
  if (text.empty()) return Bad(place, "empty");
  query.value = std::move(text);
  return query;
}

StatusOr<std::vector<Sha256Digest>> GetHexList(const Json& value, const std::string& where,
                                               size_t max) {
  if (!value.is_array()) return Bad(where, "not an array");
  if (value.size() > max) {
    return Status::LimitExceeded(
        where, std::to_string(value.size()) + " nodes, more than " + std::to_string(max));
  }
  std::vector<Sha256Digest> out;
  for (size_t i = 0; i < value.size(); ++i) {
    DTM_ASSIGN_OR_RETURN(Sha256Digest node,
                         GetHexDigest(value[i], where + "[" + std::to_string(i) + "]"));
    out.push_back(node);
  }
  return out;
}

// The record and decoded members of an entry.
Status GetRecord(const Json& value, const std::string& where, ProofEntry* entry) {
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
  entry->record = std::move(bytes).value();
  const Json& decoded = value["decoded"];
  if (!decoded.is_object()) return Bad(where + ".decoded", "not a JSON object");
  entry->decoded_json = decoded.dump();
  return Status::Ok();
}

StatusOr<ProofEntry> GetEntry(const Json& value, const std::string& where) {
  DTM_RETURN_IF_ERROR(ExpectMembers(value, where, {"leafIndex", "record", "decoded", "auditPath"}));
  ProofEntry entry;
  DTM_ASSIGN_OR_RETURN(entry.leaf_index, GetUint64(value["leafIndex"], where + ".leafIndex"));
  DTM_RETURN_IF_ERROR(GetRecord(value, where, &entry));
  DTM_ASSIGN_OR_RETURN(entry.audit_path,
                       GetHexList(value["auditPath"], where + ".auditPath", kMaxAuditPathNodes));
  return entry;
}

// entries[]: 1 to kMaxProofEntries (0 allowed when `may_be_empty`), increasing leaves.
StatusOr<std::vector<ProofEntry>> GetEntries(const Json& entries, bool may_be_empty) {
  if (!entries.is_array() || (entries.empty() && !may_be_empty)) {
    return Bad("$.entries", "want a non-empty array");
  }
  if (entries.size() > kMaxProofEntries) {
    return Status::LimitExceeded(
        "$.entries",
        std::to_string(entries.size()) + " entries, more than " + std::to_string(kMaxProofEntries));
  }
  std::vector<ProofEntry> out;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string where = "$.entries[" + std::to_string(i) + "]";
    DTM_ASSIGN_OR_RETURN(ProofEntry entry, GetEntry(entries[i], where));
    if (!out.empty() && entry.leaf_index <= out.back().leaf_index) {
      return Bad(where + ".leafIndex", "entries must be in increasing leaf order without repeats");
    }
    out.push_back(std::move(entry));
  }
  return out;
}

StatusOr<Absence> GetAbsence(const Json& value, const std::string& where) {
  DTM_RETURN_IF_ERROR(
      ExpectMembers(value, where, {"keyTreeSize", "keyTreeRoot", "keyDigest", "neighbours"}));
  Absence a;
  DTM_ASSIGN_OR_RETURN(a.key_tree_size, GetUint64(value["keyTreeSize"], where + ".keyTreeSize"));
  DTM_ASSIGN_OR_RETURN(a.key_tree_root, GetHexDigest(value["keyTreeRoot"], where + ".keyTreeRoot"));
  DTM_ASSIGN_OR_RETURN(a.key_digest, GetHexDigest(value["keyDigest"], where + ".keyDigest"));
  const Json& neighbours = value["neighbours"];
  const std::string at = where + ".neighbours";
  if (!neighbours.is_array() || neighbours.size() > 2) return Bad(at, "want 0 to 2 neighbours");
  for (size_t i = 0; i < neighbours.size(); ++i) {
    const std::string n_at = at + "[" + std::to_string(i) + "]";
    DTM_RETURN_IF_ERROR(
        ExpectMembers(neighbours[i], n_at, {"leafIndex", "keyDigest", "auditPath"}));
    KeyLeafProof leaf;
    DTM_ASSIGN_OR_RETURN(leaf.leaf_index,
                         GetUint64(neighbours[i]["leafIndex"], n_at + ".leafIndex"));
    DTM_ASSIGN_OR_RETURN(leaf.key_digest,
                         GetHexDigest(neighbours[i]["keyDigest"], n_at + ".keyDigest"));
    DTM_ASSIGN_OR_RETURN(leaf.audit_path, GetHexList(neighbours[i]["auditPath"],
                                                     n_at + ".auditPath", kMaxAuditPathNodes));
    if (!a.neighbours.empty() && leaf.leaf_index <= a.neighbours.back().leaf_index) {
      return Bad(n_at + ".leafIndex", "neighbours must be in increasing leaf order");
    }
    a.neighbours.push_back(std::move(leaf));
  }
  return a;
}

OrderedJson EntryJson(const ProofEntry& e, bool with_place) {
  OrderedJson entry;
  if (with_place) entry["leafIndex"] = std::to_string(e.leaf_index);
  entry["record"] = Base64Encode(e.record);
  entry["decoded"] = OrderedJson::parse(e.decoded_json);
  if (with_place) {
    entry["auditPath"] = OrderedJson::array();
    for (const Sha256Digest& node : e.audit_path) entry["auditPath"].push_back(ToHex(node));
  }
  return entry;
}

OrderedJson HexList(const std::vector<Sha256Digest>& nodes) {
  OrderedJson out = OrderedJson::array();
  for (const Sha256Digest& node : nodes) out.push_back(ToHex(node));
  return out;
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
    case ProofQuery::Kind::kUrl:
    case ProofQuery::Kind::kText:
      return false;
  }
  return false;
}

std::string QueryValue(const ProofQuery& query) {
  if (query.kind == ProofQuery::Kind::kDigest || query.kind == ProofQuery::Kind::kText) {
    return std::string(kDigestPrefix) + ToHex(query.digest);
  }
  return query.value;
}

}  // namespace internal

std::string DescribeQuery(const ProofQuery& query) {
  return std::string(QueryMember(query.kind)) + " " + internal::QueryValue(query);
}

KeyKind QueryKeyKind(const ProofQuery& query) {
  switch (query.kind) {
    case ProofQuery::Kind::kDigest:
      return v1::KeyTree::KIND_CONTENT;
    case ProofQuery::Kind::kPath:
      return v1::KeyTree::KIND_PATH;
    case ProofQuery::Kind::kUrl:
      return v1::KeyTree::KIND_URL;
    case ProofQuery::Kind::kText:
      return v1::KeyTree::KIND_TEXT;
    case ProofQuery::Kind::kSource:
      break;
  }
  return v1::KeyTree::KIND_UNSPECIFIED;
}

std::string QueryKey(const ProofQuery& query) {
  if (query.kind == ProofQuery::Kind::kDigest || query.kind == ProofQuery::Kind::kText) {
    return std::string(AsBytes(query.digest));
  }
  return query.value;
}

bool LookupMatches(const v1::Record& record, const ProofQuery& query) {
  const std::string key = QueryKey(query);
  if (record.has_file()) {
    if (query.kind == ProofQuery::Kind::kDigest) return record.file().sha256() == key;
    if (query.kind == ProofQuery::Kind::kPath) return record.file().path() == key;
    return false;
  }
  if (!record.has_document()) return false;
  const v1::DocumentEntry& d = record.document();
  switch (query.kind) {
    case ProofQuery::Kind::kDigest:
      return d.sha256() == key;
    case ProofQuery::Kind::kUrl:
      return !d.url().empty() && d.url() == key;
    case ProofQuery::Kind::kText:
      return !d.text_sha256().empty() && d.text_sha256() == key;
    default:
      return false;
  }
}

StatusOr<std::string> SerializeProof(const Proof& proof) {
  try {
    OrderedJson out;
    switch (proof.type) {
      case Proof::Type::kInclusion:
        out["proofType"] = kInclusionProofType;
        break;
      case Proof::Type::kLookup:
        out["proofType"] = kLookupProofType;
        break;
      case Proof::Type::kSources:
        out["proofType"] = kSourcesProofType;
        break;
    }
    if (proof.type != Proof::Type::kSources) {
      out["query"][std::string(QueryMember(proof.query.kind))] = internal::QueryValue(proof.query);
    }
    if (proof.type == Proof::Type::kLookup) out["answer"] = proof.absent() ? "absent" : "present";
    out["treeSize"] = std::to_string(proof.tree_size);
    out["merkleRoot"] = ToHex(proof.merkle_root);
    const bool sources = proof.type == Proof::Type::kSources;
    OrderedJson& entries = out[sources ? "sources" : "entries"];
    entries = OrderedJson::array();
    for (const ProofEntry& e : proof.entries) entries.push_back(EntryJson(e, !sources));
    if (proof.type == Proof::Type::kLookup) {
      if (proof.absent()) {
        const Absence& a = *proof.absence;
        OrderedJson& j = out["absence"];
        j["keyTreeSize"] = std::to_string(a.key_tree_size);
        j["keyTreeRoot"] = ToHex(a.key_tree_root);
        j["keyDigest"] = ToHex(a.key_digest);
        j["neighbours"] = OrderedJson::array();
        for (const KeyLeafProof& n : a.neighbours) {
          OrderedJson leaf;
          leaf["leafIndex"] = std::to_string(n.leaf_index);
          leaf["keyDigest"] = ToHex(n.key_digest);
          leaf["auditPath"] = HexList(n.audit_path);
          j["neighbours"].push_back(std::move(leaf));
        }
      } else {
        out["absence"] = nullptr;
      }
    }
    if (sources) out["withheld"] = HexList(proof.withheld);
    out["bundle"] = OrderedJson::parse(proof.bundle_json);
    return out.dump() + "\n";
  } catch (const OrderedJson::exception& e) {
    return Status::InvalidArgument("proof", e.what());
  }
}

StatusOr<Proof> ParseProof(std::string_view text) {
  if (text.size() > kMaxProofBytes) {
    return Status::LimitExceeded("$", std::to_string(text.size()) +
                                          " bytes, more than the limit of " +
                                          std::to_string(kMaxProofBytes));
  }
  DTM_ASSIGN_OR_RETURN(Json value, ParseStrictJson(text, "$"));
  if (!value.is_object()) return Bad("$", "not a JSON object");
  if (!value.contains("proofType")) return Bad("$", "missing member \"proofType\"");
  DTM_ASSIGN_OR_RETURN(std::string type, GetString(value["proofType"], "$.proofType"));
  using K = ProofQuery::Kind;
  Proof proof;
  if (type == kInclusionProofType) {
    DTM_RETURN_IF_ERROR(ExpectMembers(
        value, "$", {"proofType", "query", "treeSize", "merkleRoot", "entries", "bundle"}));
    DTM_ASSIGN_OR_RETURN(proof.query,
                         GetQuery(value["query"], "$.query", {K::kDigest, K::kPath, K::kSource}));
  } else if (type == kLookupProofType) {
    proof.type = Proof::Type::kLookup;
    DTM_RETURN_IF_ERROR(ExpectMembers(value, "$",
                                      {"proofType", "query", "answer", "treeSize", "merkleRoot",
                                       "entries", "absence", "bundle"}));
    DTM_ASSIGN_OR_RETURN(proof.query, GetQuery(value["query"], "$.query",
                                               {K::kUrl, K::kText, K::kDigest, K::kPath}));
  } else if (type == kSourcesProofType) {
    proof.type = Proof::Type::kSources;
    DTM_RETURN_IF_ERROR(ExpectMembers(
        value, "$", {"proofType", "treeSize", "merkleRoot", "sources", "withheld", "bundle"}));
  } else {
    return Bad("$.proofType", "\"" + type + "\", want \"" + std::string(kInclusionProofType) +
                                  "\", \"" + std::string(kLookupProofType) + "\" or \"" +
                                  std::string(kSourcesProofType) + "\"");
  }
  DTM_ASSIGN_OR_RETURN(proof.tree_size, GetUint64(value["treeSize"], "$.treeSize"));
  DTM_ASSIGN_OR_RETURN(proof.merkle_root, GetHexDigest(value["merkleRoot"], "$.merkleRoot"));
  if (proof.type == Proof::Type::kLookup) {
    DTM_ASSIGN_OR_RETURN(std::string answer, GetString(value["answer"], "$.answer"));
    if (answer != "present" && answer != "absent") {
      return Bad("$.answer", "\"" + answer + "\", want \"present\" or \"absent\"");
    }
    const bool absent = answer == "absent";
    DTM_ASSIGN_OR_RETURN(proof.entries, GetEntries(value["entries"], absent));
    if (absent && !proof.entries.empty()) {
      return Bad("$.entries", "an absent answer holds no entries");
    }
    if (absent) {
      DTM_ASSIGN_OR_RETURN(proof.absence, GetAbsence(value["absence"], "$.absence"));
    } else if (!value["absence"].is_null()) {
      return Bad("$.absence", "want null for a present answer");
    }
  } else if (proof.type == Proof::Type::kInclusion) {
    DTM_ASSIGN_OR_RETURN(proof.entries, GetEntries(value["entries"], false));
  } else {
    const Json& sources = value["sources"];
    if (!sources.is_array()) return Bad("$.sources", "not an array");
    if (sources.size() > ContainerLimits{}.max_sources) {
      return Status::LimitExceeded("$.sources", std::to_string(sources.size()) +
                                                    " sources, more than the limit of " +
                                                    std::to_string(ContainerLimits{}.max_sources));
    }
    for (size_t i = 0; i < sources.size(); ++i) {
      const std::string where = "$.sources[" + std::to_string(i) + "]";
      DTM_RETURN_IF_ERROR(ExpectMembers(sources[i], where, {"record", "decoded"}));
      ProofEntry entry;
      entry.leaf_index = i;
      DTM_RETURN_IF_ERROR(GetRecord(sources[i], where, &entry));
      proof.entries.push_back(std::move(entry));
    }
    DTM_ASSIGN_OR_RETURN(proof.withheld,
                         GetHexList(value["withheld"], "$.withheld", kMaxWithheldNodes));
  }
  const Json& bundle = value["bundle"];
  if (!bundle.is_object()) return Bad("$.bundle", "not a JSON object");
  proof.bundle_json = bundle.dump();
  return proof;
}

}  // namespace dtm
