// CheckManifest: spec/container.md, "Checking a manifest".
#include <optional>
#include <sstream>

#include "base/posix_file.h"
#include "container/integrity.h"
#include "dtm/merkle.h"
#include "dtm/records.h"
#include "lookup/key_trees.h"

namespace dtm {

namespace {

std::string Show(int64_t v) { return std::to_string(v); }
std::string Show(uint64_t v) { return std::to_string(v); }
std::string Show(double v) {
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

// Compares header fields with what the records give, naming the first field
// that differs: "header.totals.bytes is 100 but the records give 99".
class FieldComparer {
 public:
  explicit FieldComparer(const std::string& path) : path_(path) {}

  template <typename T>
  void Compare(const std::string& field, T in_header, T from_records) {
    if (!status_.ok() || in_header == from_records) return;
    status_ = Status::Corruption(path_ + ": header." + field + " is " + Show(in_header) +
                                 " but the records give " + Show(from_records));
  }

  void CompareRows(const std::string& field,
                   const google::protobuf::RepeatedPtrField<v1::CompositionRow>& in_header,
                   const google::protobuf::RepeatedPtrField<v1::CompositionRow>& from_records) {
    if (!status_.ok()) return;
    if (in_header.size() != from_records.size()) {
      status_ = Status::Corruption(
          path_ + ": header.composition." + field + " has " + Show(uint64_t(in_header.size())) +
          " rows but the records give " + Show(uint64_t(from_records.size())));
      return;
    }
    for (int i = 0; i < in_header.size(); ++i) {
      const v1::CompositionRow& h = in_header[i];
      const v1::CompositionRow& r = from_records[i];
      const std::string row = "composition." + field + "[" + std::to_string(i) + "].";
      Compare(row + "value", int64_t{h.value()}, int64_t{r.value()});
      Compare(row + "sources", h.sources(), r.sources());
      Compare(row + "files", h.files(), r.files());
      Compare(row + "bytes", h.bytes(), r.bytes());
      Compare(row + "tokens", h.tokens(), r.tokens());
    }
  }

  const Status& status() const { return status_; }

 private:
  const std::string& path_;
  Status status_;
};

}  // namespace

namespace internal {

IntegrityCheck::IntegrityCheck(const std::string& path, const ContainerLimits& limits)
    : path_(path),
      sequence_(limits.max_sources, limits.max_source_record_bytes, limits.max_source_bytes) {}

Status IntegrityCheck::Add(const v1::Record& record, std::string_view bytes) {
  return Add(record, MerkleLeafHash(bytes));
}

Status IntegrityCheck::AddToView(const v1::Record& record, const Sha256Digest& leaf_hash) {
  const std::string at = path_ + ": record " + std::to_string(records());
  if (withheld_) return Status::Corruption(at, "a public view ends with its withheld record");
  if (record.has_withheld()) {
    withheld_ = true;
    withheld_record_ = record.withheld();
    return Status::Ok();
  }
  if (!record.has_source()) {
    return Status::Corruption(at, "a public view holds sources and one withheld record, not " +
                                      std::string(record.has_file() ? "a file" : "a document") +
                                      " entry");
  }
  if (Status s = sequence_.Add(record); !s.ok()) {
    if (s.code() == StatusCode::kInvalidArgument) return Status::Corruption(path_, s.message());
    return s.WithContext(path_);
  }
  view_leaves_.push_back(leaf_hash);
  return Status::Ok();
}

Status IntegrityCheck::CheckViewHeader(const v1::Header& h) {
  if (!withheld_) {
    return Status::Corruption(path_ + ": a public view without its withheld record");
  }
  const v1::WithheldRecords& w = withheld_record_;
  FieldComparer cmp(path_);
  const v1::Totals totals = sequence_.totals();
  cmp.Compare("totals.sources", h.totals().sources(), totals.sources());
  cmp.Compare("totals.tokens", h.totals().tokens(), totals.tokens());
  cmp.Compare("totals.documents", h.totals().documents(), totals.documents());
  cmp.Compare("totals.hours", h.totals().hours(), totals.hours());
  DTM_RETURN_IF_ERROR(cmp.status());
  if (w.first_leaf() != totals.sources() || w.first_leaf() + w.leaf_count() != h.record_count() ||
      w.leaf_count() > h.record_count()) {
    return Status::Corruption(path_ + ": the withheld record covers leaves " +
                              std::to_string(w.first_leaf()) + " to " +
                              std::to_string(w.first_leaf() + w.leaf_count()) +
                              "; the header has " + std::to_string(totals.sources()) +
                              " sources of " + std::to_string(h.record_count()) + " records");
  }
  if (w.manifest_sha256().size() != 32) {
    return Status::Corruption(path_ + ": the withheld record's manifest_sha256 is not 32 bytes");
  }
  std::vector<Sha256Digest> nodes;
  for (const std::string& node : w.nodes()) {
    if (node.size() != 32) {
      return Status::Corruption(path_ + ": a withheld node is not 32 bytes");
    }
    Sha256Digest d;
    std::copy(node.begin(), node.end(), d.begin());
    nodes.push_back(d);
  }
  auto root = MerkleRootFromWithheld(view_leaves_, h.record_count(), nodes);
  if (!root.ok()) return Status::Corruption(path_ + ": " + root.status().message());
  if (h.merkle_root() != AsBytes(*root)) {
    return Status::Corruption(path_ + ": header.merkle_root is " + ToHex(h.merkle_root()) +
                              " but the sources and the withheld nodes give " + ToHex(*root));
  }
  return Status::Ok();
}

Status IntegrityCheck::Add(const v1::Record& record, const Sha256Digest& leaf_hash) {
  if (public_view_) return AddToView(record, leaf_hash);
  if (record.has_withheld()) {
    return Status::Corruption(path_ + ": record " + std::to_string(records()) +
                              ": a withheld record outside a public view");
  }
  if (Status s = sequence_.Add(record); !s.ok()) {
    // A rule broken inside a file is damage to the file, not a bad argument.
    if (s.code() == StatusCode::kInvalidArgument) return Status::Corruption(path_, s.message());
    return s.WithContext(path_);
  }
  merkle_.AddLeafHash(leaf_hash);
  return Status::Ok();
}

Status IntegrityCheck::CheckHeader(const v1::Header& h) {
  if (public_view_) return CheckViewHeader(h);
  FieldComparer cmp(path_);
  cmp.Compare("record_count", h.record_count(), sequence_.records());
  const v1::Totals totals = sequence_.totals();
  cmp.Compare("totals.sources", h.totals().sources(), totals.sources());
  cmp.Compare("totals.files", h.totals().files(), totals.files());
  cmp.Compare("totals.bytes", h.totals().bytes(), totals.bytes());
  cmp.Compare("totals.tokens", h.totals().tokens(), totals.tokens());
  cmp.Compare("totals.documents", h.totals().documents(), totals.documents());
  cmp.Compare("totals.hours", h.totals().hours(), totals.hours());
  const v1::Composition composition = sequence_.composition();
  cmp.CompareRows("by_use_class", h.composition().by_use_class(), composition.by_use_class());
  cmp.CompareRows("by_acquisition", h.composition().by_acquisition(), composition.by_acquisition());
  cmp.CompareRows("by_modality", h.composition().by_modality(), composition.by_modality());
  DTM_RETURN_IF_ERROR(cmp.status());
  if (h.merkle_root().size() != 32) {
    return Status::Corruption(path_ + ": header.merkle_root is " +
                              std::to_string(h.merkle_root().size()) + " bytes, must be 32");
  }
  const Sha256Digest root = merkle_.Root();
  if (h.merkle_root() != AsBytes(root)) {
    return Status::Corruption(path_ + ": header.merkle_root is " + ToHex(h.merkle_root()) +
                              " but the records give " + ToHex(root));
  }
  return Status::Ok();
}

StatusOr<bool> NextChecked(ManifestReader& reader, IntegrityCheck& check, v1::Record* record) {
  check.set_public_view(reader.public_view());
  std::string_view bytes;
  DTM_ASSIGN_OR_RETURN(const bool more, reader.Next(&bytes));
  if (!more) {
    DTM_RETURN_IF_ERROR(check.CheckHeader(reader.header()));
    return false;
  }
  Status decoded = DecodeCanonical(bytes, record);
  if (!decoded.ok()) {
    return Status::Corruption(
        reader.path() + ": record " + std::to_string(reader.records_read() - 1), decoded.message());
  }
  DTM_RETURN_IF_ERROR(check.Add(*record, bytes));
  return true;
}

}  // namespace internal

StatusOr<ManifestIntegrity> CheckManifest(const std::string& path, const ContainerLimits& limits) {
  DTM_ASSIGN_OR_RETURN(std::unique_ptr<ManifestReader> reader, ManifestReader::Open(path, limits));
  internal::IntegrityCheck check(path, limits);
  // A manifest written before key trees has none to check.
  std::optional<internal::KeyTreeBuilder> key_trees;
  // A public view has no records to check them against: its root stands for them.
  if (reader->header().key_trees_size() > 0 && !reader->public_view()) {
    key_trees.emplace(internal::TemporaryFolder());
  }
  v1::Record record;
  for (;;) {
    DTM_ASSIGN_OR_RETURN(const bool more, internal::NextChecked(*reader, check, &record));
    if (!more) break;
    if (key_trees) DTM_RETURN_IF_ERROR(key_trees->Add(record).WithContext(path));
  }
  if (key_trees) {
    DTM_ASSIGN_OR_RETURN(std::vector<v1::KeyTree> trees, key_trees->Finish());
    DTM_RETURN_IF_ERROR(internal::CompareKeyTrees(path, reader->header(), trees));
  }
  ManifestIntegrity result;
  result.header = reader->header();
  result.merkle_root = check.MerkleRoot();
  result.file_sha256 = reader->file_sha256();
  result.records = reader->records_read();
  result.public_view = reader->public_view();
  if (result.public_view) {
    const std::string& root = result.header.merkle_root();  // checked against the nodes
    std::copy(root.begin(), root.end(), result.merkle_root.begin());
    const std::string& full = check.withheld().manifest_sha256();
    std::copy(full.begin(), full.end(), result.full_manifest_sha256.begin());
  }
  return result;
}

}  // namespace dtm
