// The integrity check of a manifest (spec/container.md, "Checking a manifest")
// for every reader that streams the records for its own purpose: show, export,
// check, report and diff feed it each record as they read it and call
// CheckHeader() at the end, before they print anything that depends on the
// header, exactly as CheckManifest does for verify.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dtm/container.h"
#include "dtm/digest.h"
#include "dtm/records.h"
#include "dtm/status.h"
#include "merkle/background.h"

namespace dtm::internal {

class IntegrityCheck {
 public:
  IntegrityCheck(const std::string& path, const ContainerLimits& limits);

  // Checks the next record (the record rules, the canonical order and the
  // limits on sources) and adds `leaf_hash`, its Merkle leaf hash, to the tree.
  // kCorruption or kLimitExceeded naming the file and the record.
  Status Add(const v1::Record& record, const Sha256Digest& leaf_hash);
  Status Add(const v1::Record& record, std::string_view bytes);

  // After the last record: the header's record_count, totals, composition
  // and merkle_root must equal what the records give. kCorruption naming the
  // first field that differs ("header.totals.bytes is 100 but the records
  // give 99").
  Status CheckHeader(const v1::Header& header);

  uint64_t records() const { return sequence_.records() + (withheld_ ? 1 : 0); }
  // A public view (spec/container.md, "Public views"): set before the first Add.
  void set_public_view(bool view) { public_view_ = view; }
  bool public_view() const { return public_view_; }
  // A public view's record standing for the withheld ones (after CheckHeader).
  const v1::WithheldRecords& withheld() const { return withheld_record_; }
  // REQUIRES: every record was added. Waits for the background hashing.
  Sha256Digest MerkleRoot() { return merkle_.Root(); }

 private:
  Status AddToView(const v1::Record& record, const Sha256Digest& leaf_hash);
  Status CheckViewHeader(const v1::Header& header);

  std::string path_;
  RecordSequence sequence_;
  BackgroundMerkleRoot merkle_;  // interior nodes on another core
  bool public_view_ = false;
  bool withheld_ = false;  // the view's WithheldRecords was read
  v1::WithheldRecords withheld_record_;
  std::vector<Sha256Digest> view_leaves_;  // a view's source leaf hashes
};

// Reads the next record from `reader` into `record` and adds it to `check`:
// false at the end, after the header was checked.
StatusOr<bool> NextChecked(ManifestReader& reader, IntegrityCheck& check, v1::Record* record);

}  // namespace dtm::internal
