// DiffManifests: a streaming merge of two manifests in canonical order.
#include "dtm/diff.h"

#include <google/protobuf/arena.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

#include "base/posix_file.h"
#include "container/integrity.h"
#include "diff/fields.h"
#include "diff/sources.h"
#include "dtm/digest.h"
#include "dtm/merkle.h"
#include "dtm/records.h"
#include "merkle/background.h"
#include "sort/external_sort.h"

namespace dtm {

namespace {

// One manifest read record by record, checked as CheckManifest checks it.
// Next() reads a record's bytes; Take() or TakeSameAs() then checks and counts
// it (parsing it, unless the other manifest's current record has the same bytes
// and was parsed already: most records of two versions are the same).
class CheckedStream {
 public:
  static StatusOr<std::unique_ptr<CheckedStream>> Open(const std::string& path,
                                                       const ContainerLimits& limits) {
    DTM_ASSIGN_OR_RETURN(auto reader, ManifestReader::Open(path, limits));
    return std::unique_ptr<CheckedStream>(new CheckedStream(std::move(reader), limits));
  }

  // Reads the next record's bytes into bytes() (valid until the next call).
  // REQUIRES: the current record, if any, was taken. At the end returns false
  // after checking the header against the records.
  StatusOr<bool> Next() {
    DTM_ASSIGN_OR_RETURN(const bool more, reader_->Next(&bytes_));
    current_ = nullptr;
    if (!more) {
      DTM_RETURN_IF_ERROR(check_.CheckHeader(reader_->header()));
      return false;
    }
    return true;
  }

  // Parses the current record, checks it and adds it to the Merkle tree; then
  // record() is valid. Does nothing if it was taken already.
  Status Take() {
    if (current_ != nullptr) return Status::Ok();
    const std::string& path = reader_->path();
    const uint64_t index = reader_->records_read() - 1;
    // Parsed messages live in an arena that is emptied every kArenaRecords
    // records: no allocation and free per field of every record.
    if (++parsed_ % kArenaRecords == 0 || record_ == nullptr) {
      arena_.Reset();
      record_ = google::protobuf::Arena::CreateMessage<v1::Record>(&arena_);
    }
    Status decoded = DecodeCanonical(bytes_, record_);
    if (!decoded.ok()) {
      return Status::Corruption(path + ": record " + std::to_string(index), decoded.message());
    }
    leaf_hash_ = MerkleLeafHash(bytes_);
    return Accept(record_);
  }

  // Take() for a record with the same bytes as `other`'s current record,
  // which was taken: its parse and leaf hash are shared. The record is still
  // checked in this manifest's sequence. Valid until `other` moves on.
  Status TakeSameAs(const CheckedStream& other) {
    if (current_ != nullptr) return Status::Ok();
    leaf_hash_ = other.leaf_hash_;
    return Accept(other.current_);
  }

  // REQUIRES: the current record was taken.
  const v1::Record& record() const { return *current_; }
  std::string_view bytes() const { return bytes_; }
  const ManifestReader& reader() const { return *reader_; }

 private:
  static constexpr uint64_t kArenaRecords = 1024;

  CheckedStream(std::unique_ptr<ManifestReader> reader, const ContainerLimits& limits)
      : reader_(std::move(reader)), check_(reader_->path(), limits) {
    check_.set_public_view(reader_->public_view());
  }

  Status Accept(const v1::Record* record) {
    DTM_RETURN_IF_ERROR(check_.Add(*record, leaf_hash_));
    current_ = record;
    return Status::Ok();
  }

  std::unique_ptr<ManifestReader> reader_;
  internal::IntegrityCheck check_;
  google::protobuf::Arena arena_;
  v1::Record* record_ = nullptr;         // in arena_
  const v1::Record* current_ = nullptr;  // the taken current record (this or the other's)
  uint64_t parsed_ = 0;
  Sha256Digest leaf_hash_{};
  std::string_view bytes_;
};

// Reads the sources at the start of `stream`; returns whether a file record
// follows (it is then the stream's current record).
StatusOr<bool> ReadSources(CheckedStream* stream, std::vector<internal::SourceRecord>* out) {
  for (;;) {
    DTM_ASSIGN_OR_RETURN(const bool more, stream->Next());
    if (!more) return false;
    DTM_RETURN_IF_ERROR(stream->Take());
    if (!stream->record().has_source()) return true;
    out->push_back({stream->record().source(), std::string(stream->bytes())});
  }
}

FileVersion VersionOf(const v1::FileEntry& file) {
  return {file.path(), file.size(), DigestFromBytes(file.sha256()), file.origin()};
}

// The file changes of the sources in scope, found by id; a small cache serves
// the long runs of files of one source.
class FileChangeIndex {
 public:
  void Add(const std::string& id) { by_id_[id].source_id = id; }

  // nullptr when the source is out of scope.
  SourceFileChanges* Find(const std::string& id) {
    if (cached_ == nullptr || id != cached_id_) {
      auto it = by_id_.find(id);
      cached_id_ = id;
      cached_ = it == by_id_.end() ? &out_of_scope_ : &it->second;
    }
    return cached_ == &out_of_scope_ ? nullptr : cached_;
  }

  std::map<std::string, SourceFileChanges>& all() { return by_id_; }

 private:
  std::map<std::string, SourceFileChanges> by_id_;
  SourceFileChanges out_of_scope_;
  SourceFileChanges* cached_ = nullptr;
  std::string cached_id_;
};

// The documents of both manifests, one fixed-size record each, sorted by
// (source, kind, key, side, digest) on disk when they do not fit in memory.
class DocumentMatcher {
 public:
  // Layout of a record: source index (4 bytes, big-endian), kind (0: keyed by
  // id, 1: by content), key (32: SHA-256 of the id, or the document's
  // sha256), side (0 before, 1 after), the document's sha256 (32).
  static constexpr size_t kRecordBytes = 4 + 1 + 32 + 1 + 32;
  static constexpr size_t kGroupBytes = 4 + 1 + 32;

  DocumentMatcher(std::vector<std::string> scope, std::string folder)
      : scope_(std::move(scope)), sorter_(kRecordBytes, kRecordBytes, std::move(folder)) {
    changes_.resize(scope_.size());
    for (size_t i = 0; i < scope_.size(); ++i) changes_[i].source_id = scope_[i];
  }

  Status Add(const v1::DocumentEntry& doc, int side) {
    auto it = std::lower_bound(scope_.begin(), scope_.end(), doc.source_id());
    if (it == scope_.end() || *it != doc.source_id()) return Status::Ok();  // out of scope
    const auto index = static_cast<uint32_t>(it - scope_.begin());
    SourceDocumentChanges& c = changes_[index];
    (side == 0 ? c.documents.before : c.documents.after)++;
    unsigned char r[kRecordBytes];
    for (int i = 0; i < 4; ++i) r[i] = static_cast<unsigned char>(index >> (24 - 8 * i));
    r[4] = doc.id().empty() ? 1 : 0;
    const Sha256Digest key = doc.id().empty() ? DigestFromBytes(doc.sha256()) : Sha256Of(doc.id());
    std::memcpy(r + 5, key.data(), 32);
    r[37] = static_cast<unsigned char>(side);
    std::memcpy(r + 38, doc.sha256().data(), std::min<size_t>(32, doc.sha256().size()));
    return sorter_.Add(r);
  }

  // Counts each source's added, removed, changed and unchanged documents.
  StatusOr<std::vector<SourceDocumentChanges>> Finish() {
    DTM_RETURN_IF_ERROR(sorter_.Finish());
    unsigned char r[kRecordBytes];
    std::string group;
    std::vector<std::string> before, after;  // digests of one id group
    uint64_t nb = 0, na = 0;
    auto close = [&] {
      if (group.empty()) return;
      uint32_t index = 0;
      for (int i = 0; i < 4; ++i) index = (index << 8) | static_cast<unsigned char>(group[i]);
      SourceDocumentChanges& c = changes_[index];
      const uint64_t paired = std::min(nb, na);
      uint64_t same = paired;
      if (group[4] == 0) {
        // Same id: unchanged as often as the sorted digest lists share one.
        same = 0;
        size_t i = 0, j = 0;
        while (i < before.size() && j < after.size()) {
          const int cmp = before[i].compare(after[j]);
          if (cmp == 0)
            ++same, ++i, ++j;
          else if (cmp < 0)
            ++i;
          else
            ++j;
        }
      }
      c.unchanged += same;
      c.changed += paired - same;
      c.added += na - paired;
      c.removed += nb - paired;
      before.clear();
      after.clear();
      nb = na = 0;
    };
    for (;;) {
      DTM_ASSIGN_OR_RETURN(bool more, sorter_.Next(r));
      if (!more) break;
      const std::string_view this_group(reinterpret_cast<const char*>(r), kGroupBytes);
      if (this_group != group) {
        close();
        group.assign(this_group);
      }
      const bool by_id = r[4] == 0;
      std::string digest(reinterpret_cast<const char*>(r + 38), 32);
      if (r[37] == 0) {
        ++nb;
        if (by_id) before.push_back(std::move(digest));
      } else {
        ++na;
        if (by_id) after.push_back(std::move(digest));
      }
    }
    close();
    std::vector<SourceDocumentChanges> out;
    for (SourceDocumentChanges& c : changes_) {
      if (c.documents.before + c.documents.after > 0) out.push_back(std::move(c));
    }
    return out;
  }

 private:
  std::vector<std::string> scope_;  // sorted
  std::vector<SourceDocumentChanges> changes_;
  internal::ExternalSorter sorter_;
};

// A stream's current record, when it is a document: given to `documents`,
// and the stream moves on. Returns whether the stream has a current record.
StatusOr<bool> SkipDocuments(CheckedStream* stream, bool has, int side,
                             DocumentMatcher* documents) {
  while (has) {
    // A DocumentEntry record starts with its field's tag, 0x1A (field 3, bytes):
    // other records are left for the merge, which may share their parse.
    if (stream->bytes().empty() || stream->bytes()[0] != 0x1A) return true;
    DTM_RETURN_IF_ERROR(stream->Take());
    if (!stream->record().has_document()) return true;
    DTM_RETURN_IF_ERROR(documents->Add(stream->record().document(), side));
    DTM_ASSIGN_OR_RETURN(has, stream->Next());
  }
  return false;
}

// Merges the file records of both streams, each positioned on its first file
// (or at its end). Unchanged files are counted and dropped; documents go to
// `documents`.
Status MergeFiles(CheckedStream* before, bool has_before, CheckedStream* after, bool has_after,
                  FileChangeIndex* index, DocumentMatcher* documents) {
  for (;;) {
    DTM_ASSIGN_OR_RETURN(has_before, SkipDocuments(before, has_before, 0, documents));
    DTM_ASSIGN_OR_RETURN(has_after, SkipDocuments(after, has_after, 1, documents));
    if (!has_before && !has_after) break;
    int order = 0;
    if (has_before && has_after && before->bytes() == after->bytes()) {
      DTM_RETURN_IF_ERROR(before->Take());
      DTM_RETURN_IF_ERROR(after->TakeSameAs(*before));
    } else if (!has_before) {
      DTM_RETURN_IF_ERROR(after->Take());
      order = 1;
    } else if (!has_after) {
      DTM_RETURN_IF_ERROR(before->Take());
      order = -1;
    } else {
      DTM_RETURN_IF_ERROR(before->Take());
      DTM_RETURN_IF_ERROR(after->Take());
      const v1::FileEntry& b = before->record().file();
      const v1::FileEntry& a = after->record().file();
      order = b.source_id().compare(a.source_id());
      if (order == 0) order = b.path().compare(a.path());
    }
    if (order <= 0) {
      const v1::FileEntry& b = before->record().file();
      if (SourceFileChanges* s = index->Find(b.source_id())) {
        s->files.before++;
        s->bytes.before += b.size();
        if (order < 0) {
          s->removed.push_back(VersionOf(b));
        } else if (before->bytes() != after->bytes()) {
          s->modified.push_back({VersionOf(b), VersionOf(after->record().file())});
        }
      }
    }
    if (order >= 0) {
      const v1::FileEntry& a = after->record().file();
      if (SourceFileChanges* s = index->Find(a.source_id())) {
        s->files.after++;
        s->bytes.after += a.size();
        if (order > 0) s->added.push_back(VersionOf(a));
      }
    }
    if (order <= 0) {
      DTM_ASSIGN_OR_RETURN(has_before, before->Next());
    }
    if (order >= 0) {
      DTM_ASSIGN_OR_RETURN(has_after, after->Next());
    }
  }
  return Status::Ok();
}

// Pairs removed and added files of one source with the same size and digest:
// the k-th removed with the k-th added of that content, both in path order.
void DetectRenames(SourceFileChanges* s) {
  if (s->removed.empty() || s->added.empty()) return;
  auto key = [](const FileVersion& f) {
    return std::string(AsBytes(f.sha256)) + std::to_string(f.size);
  };
  std::unordered_map<std::string, std::vector<size_t>> removed_by_content;
  for (size_t i = s->removed.size(); i-- > 0;) removed_by_content[key(s->removed[i])].push_back(i);
  std::vector<bool> removed_paired(s->removed.size()), added_paired(s->added.size());
  for (size_t j = 0; j < s->added.size(); ++j) {
    auto it = removed_by_content.find(key(s->added[j]));
    if (it == removed_by_content.end() || it->second.empty()) continue;
    const size_t i = it->second.back();  // lowest unpaired path: the vector is reversed
    it->second.pop_back();
    removed_paired[i] = added_paired[j] = true;
    s->renamed.push_back({s->removed[i], s->added[j]});
  }
  auto compact = [](std::vector<FileVersion>* files, const std::vector<bool>& paired) {
    size_t kept = 0;
    for (size_t i = 0; i < files->size(); ++i) {
      if (paired[i]) continue;
      if (kept != i) (*files)[kept] = std::move((*files)[i]);  // never move onto itself
      ++kept;
    }
    files->resize(kept);
  };
  compact(&s->removed, removed_paired);
  compact(&s->added, added_paired);
  std::sort(s->renamed.begin(), s->renamed.end(),
            [](const FileRename& x, const FileRename& y) { return x.before.path < y.before.path; });
}

std::vector<CompositionDiffRow> MergeRows(
    const google::protobuf::RepeatedPtrField<v1::CompositionRow>& before,
    const google::protobuf::RepeatedPtrField<v1::CompositionRow>& after) {
  std::map<int32_t, DiffTally> rows;
  for (const v1::CompositionRow& r : before) {
    DiffTally& t = rows[r.value()];
    t.sources.before = r.sources();
    t.files.before = r.files();
    t.bytes.before = r.bytes();
    t.tokens.before = r.tokens();
  }
  for (const v1::CompositionRow& r : after) {
    DiffTally& t = rows[r.value()];
    t.sources.after = r.sources();
    t.files.after = r.files();
    t.bytes.after = r.bytes();
    t.tokens.after = r.tokens();
  }
  std::vector<CompositionDiffRow> out;
  for (const auto& [value, tally] : rows) out.push_back({value, tally});
  return out;
}

void Summarise(DiffResult* r) {
  const v1::Header& b = r->before.header;
  const v1::Header& a = r->after.header;
  r->totals.sources = {b.totals().sources(), a.totals().sources()};
  r->totals.files = {b.totals().files(), a.totals().files()};
  r->totals.bytes = {b.totals().bytes(), a.totals().bytes()};
  r->totals.tokens = {b.totals().tokens(), a.totals().tokens()};
  r->composition.by_use_class =
      MergeRows(b.composition().by_use_class(), a.composition().by_use_class());
  r->composition.by_acquisition =
      MergeRows(b.composition().by_acquisition(), a.composition().by_acquisition());
  r->composition.by_modality =
      MergeRows(b.composition().by_modality(), a.composition().by_modality());

  PreviousLink& p = r->previous;
  p.present = a.has_previous();
  p.version = a.previous().version();
  p.version_matches = p.present && p.version == b.dataset().version();
  p.sha256_matches = p.present && a.previous().manifest_sha256() == AsBytes(r->before.file_sha256);
  p.root_matches = p.present && a.previous().merkle_root() == b.merkle_root();

  // The computed fields are compared through the records.
  v1::Header hb = b, ha = a;
  for (v1::Header* h : {&hb, &ha}) {
    h->clear_totals();
    h->clear_composition();
    h->clear_record_count();
    h->clear_merkle_root();
    h->clear_key_trees();
  }
  internal::CompareMessages(hb, ha, "", &r->header_changes);
  internal::NoteUnknownFields(hb, ha, &r->header_changes);
}

}  // namespace

bool DiffResult::identical() const {
  return (!source_filter.empty() || header_changes.empty()) && sources_added.empty() &&
         sources_removed.empty() && sources_changed.empty() && files.empty() &&
         std::all_of(documents.begin(), documents.end(),
                     [](const SourceDocumentChanges& c) { return c.empty(); });
}

StatusOr<DiffResult> DiffManifests(const std::string& before_path, const std::string& after_path,
                                   const DiffOptions& options) {
  DTM_ASSIGN_OR_RETURN(auto before, CheckedStream::Open(before_path, options.limits));
  DTM_ASSIGN_OR_RETURN(auto after, CheckedStream::Open(after_path, options.limits));
  std::vector<internal::SourceRecord> sources_before, sources_after;
  DTM_ASSIGN_OR_RETURN(const bool files_before, ReadSources(before.get(), &sources_before));
  DTM_ASSIGN_OR_RETURN(const bool files_after, ReadSources(after.get(), &sources_after));

  DiffResult result;
  result.source_filter = options.sources;
  std::sort(result.source_filter.begin(), result.source_filter.end());
  result.source_filter.erase(std::unique(result.source_filter.begin(), result.source_filter.end()),
                             result.source_filter.end());
  std::set<std::string> scope;
  for (const auto* list : {&sources_before, &sources_after}) {
    for (const auto& s : *list) scope.insert(s.source.id());
  }
  for (const std::string& id : result.source_filter) {
    if (scope.count(id) == 0) {
      return Status::NotFound("--source " + id + ": no source '" + id + "' in " + before_path +
                              " or " + after_path);
    }
  }
  if (!result.source_filter.empty()) {
    scope = std::set<std::string>(result.source_filter.begin(), result.source_filter.end());
  }

  internal::CompareSources(sources_before, sources_after, scope, &result);
  FileChangeIndex index;
  for (const std::string& id : scope) index.Add(id);
  const std::string folder =
      options.scratch_folder.empty() ? internal::TemporaryFolder() : options.scratch_folder;
  DocumentMatcher documents(std::vector<std::string>(scope.begin(), scope.end()), folder);
  result.public_view = before->reader().public_view() || after->reader().public_view();
  if (result.public_view) {
    // A public view withholds files and documents: only the header and the
    // sources compare. The streams are read to their ends, which checks them.
    for (auto [stream, more] :
         {std::pair{before.get(), files_before}, std::pair{after.get(), files_after}}) {
      while (more) {
        DTM_RETURN_IF_ERROR(stream->Take());
        DTM_ASSIGN_OR_RETURN(more, stream->Next());
      }
    }
  } else {
    DTM_RETURN_IF_ERROR(
        MergeFiles(before.get(), files_before, after.get(), files_after, &index, &documents));
    DTM_ASSIGN_OR_RETURN(result.documents, documents.Finish());
  }

  result.before = {before_path, before->reader().header(), before->reader().file_sha256()};
  result.after = {after_path, after->reader().header(), after->reader().file_sha256()};
  for (auto& [id, changes] : index.all()) {
    DetectRenames(&changes);
    internal::SetFileTally(changes, &result);
    if (!changes.empty()) result.files.push_back(std::move(changes));
  }
  Summarise(&result);
  return result;
}

}  // namespace dtm
