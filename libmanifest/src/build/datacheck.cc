#include "dtm/datacheck.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <unordered_map>

#include "container/integrity.h"
#include "documents/extract.h"
#include "documents/spool.h"
#include "dtm/container.h"
#include "dtm/records.h"
#include "files/ignore_rules.h"
#include "files/parallel_hash.h"
#include "files/path_fold.h"
#include "files/walker.h"

namespace dtm {

using internal::DocumentSpool;
using internal::HashFilesInParallel;
using internal::HashTask;
using internal::HashTaskFor;
using internal::ListFilesInParallel;
using internal::OpenTaskRoot;
using internal::ParallelHashOptions;
using internal::PathFoldKey;
using internal::WalkEntry;
using internal::WalkOptions;
using internal::WalkTree;

const char* DataProblemKindName(DataProblem::Kind kind) {
  switch (kind) {
    case DataProblem::Kind::kMissing:
      return "missing";
    case DataProblem::Kind::kModified:
      return "modified";
    case DataProblem::Kind::kUnreadable:
      return "unreadable";
    case DataProblem::Kind::kNotRegular:
      return "not a regular file";
    case DataProblem::Kind::kDocuments:
      return "documents differ";
  }
  return "unknown";
}

namespace {

constexpr size_t kBatchFiles = 8192;
constexpr uint64_t kBatchBytes = 1ull << 30;

struct DiskFile {
  std::string rel_path;
  HashTask task;  // how to open it, and its stat if the walk made one
  bool regular = true;
  bool seen = false;
  bool ignored = false;  // by a .dtmignore: not listed as unexpected
};

struct PendingCheck {
  size_t disk_index;
  std::string source_id;
  uint64_t size;  // as the manifest says
  Sha256Digest expected;
  // The file's documents as the manifest lists them, when its source has a
  // rule: re-derived while the file is hashed and compared in order.
  const v1::DocumentRule* rule = nullptr;
  DocumentSpool::Segment documents;
};

// What re-deriving one file's documents found.
struct DocumentCheck {
  uint64_t equal = 0;
  std::string first_difference;  // "" when every document is as listed
};

class DataChecker {
 public:
  DataChecker(const DataCheckOptions& options, DataCheckReport* report)
      : options_(options), report_(report) {}

  Status ListDisk(const std::string& root) {
    WalkOptions wo;
    wo.follow_symlinks = options_.follow_symlinks;
    wo.defer_regular_stat = true;  // files are stat'ed in parallel when checked
    DTM_ASSIGN_OR_RETURN(root_fd_, OpenTaskRoot(root));
    wo.root_fd = root_fd_.get();
    // Every folder is entered (an entry may lie in an ignored one); the
    // .dtmignore files only keep what a build ignored out of "unexpected".
    internal::IgnoreRules ignore;
    DTM_RETURN_IF_ERROR(ignore.AddDtmignoreIn(root, ""));
    Status ignore_error;
    DTM_RETURN_IF_ERROR(WalkTree(
        root, wo,
        [&](std::string_view dir) {
          if (ignore_error.ok()) ignore_error = ignore.AddDtmignoreIn(root, dir);
          return true;
        },
        [&](const WalkEntry& e) {
          DiskFile d;
          d.rel_path = EscapeFileName(e.rel_path);  // as a manifest records it
          d.task = HashTaskFor(e);
          d.regular = e.type == WalkEntry::Type::kRegular;
          d.ignored = ignore.Ignored(e.rel_path, false);
          disk_.push_back(std::move(d));
          return Status::Ok();
        }));
    DTM_RETURN_IF_ERROR(ignore_error);
    std::sort(disk_.begin(), disk_.end(),
              [](const DiskFile& a, const DiskFile& b) { return a.rel_path < b.rel_path; });
    return Status::Ok();
  }

  // Sources come first: their rules say which files have documents.
  void AddSource(const v1::Source& source) {
    if (source.has_documents()) rules_[source.id()] = source.documents();
    if (source.has_skipped()) {
      DataSourceTally& tally = report_->by_source[source.id()];
      tally.skipped_symlinks = source.skipped().symlinks();
      tally.skipped_special_files = source.skipped().special_files();
      tally.first_skipped = source.skipped().first();
    }
  }

  // A document of the file entry before it.
  Status AddDocument(const v1::DocumentEntry& doc) {
    if (documents_ == nullptr) return Status::Ok();  // its file is not checked
    v1::DocumentEntry entry = doc;
    entry.clear_source_id();
    entry.clear_path();
    entry.clear_origin();
    return documents_->AddEntry(entry);
  }

  // Checks the entry when `wanted` (in the shard and the sample); else only
  // marks its file as named by an entry.
  Status Check(const v1::FileEntry& f, bool wanted) {
    DTM_RETURN_IF_ERROR(EndFile());
    ++report_->entries;
    auto it =
        std::lower_bound(disk_.begin(), disk_.end(), f.path(),
                         [](const DiskFile& d, const std::string& p) { return d.rel_path < p; });
    const bool found = it != disk_.end() && it->rel_path == f.path();
    if (!wanted) {
      if (found) it->seen = true;
      return Status::Ok();
    }
    ++report_->entries_checked;
    DataSourceTally& tally = report_->by_source[f.source_id()];
    ++tally.files;
    if (!found) {
      if (f.origin() == v1::FileEntry::ORIGIN_DECLARED) {
        ++report_->declared_absent;
        ++tally.declared_absent;
        return Status::Ok();
      }
      AddProblem(DataProblem::Kind::kMissing, f.source_id(), f.path(), "no file at this path");
      return Status::Ok();
    }
    it->seen = true;
    if (!it->regular) {
      AddProblem(DataProblem::Kind::kNotRegular, f.source_id(), f.path(),
                 "a symbolic link or special file (see --follow-symlinks)");
      return Status::Ok();
    }
    pending_.push_back({static_cast<size_t>(it - disk_.begin()),
                        f.source_id(),
                        f.size(),
                        DigestFromBytes(f.sha256()),
                        nullptr,
                        {}});
    pending_bytes_ += f.size();
    auto rule = rules_.find(f.source_id());
    if (rule != rules_.end()) {
      if (spool_ == nullptr) spool_ = std::make_unique<DocumentSpool>(internal::TemporaryFolder());
      pending_.back().rule = &rule->second;
      DTM_ASSIGN_OR_RETURN(documents_, spool_->StartSegment());
    }
    return Status::Ok();
  }

  // The documents of the last file entry are all read: files wait for a batch.
  Status EndFile() {
    if (documents_ != nullptr) {
      DTM_ASSIGN_OR_RETURN(pending_.back().documents, documents_->Finish());
      documents_.reset();
    }
    if (pending_.size() >= kBatchFiles || pending_bytes_ >= kBatchBytes) return Flush();
    return Status::Ok();
  }

  // Stats the pending files (in parallel), reports those whose size differs
  // from the manifest's, and hashes the others.
  Status Flush() {
    if (pending_.empty()) return Status::Ok();
    std::vector<HashTask> tasks;
    tasks.reserve(pending_.size());
    for (const PendingCheck& p : pending_) tasks.push_back(disk_[p.disk_index].task);
    std::vector<DocumentCheck> document_checks(pending_.size());
    for (size_t i = 0; i < pending_.size(); ++i)
      tasks[i].read_contents = pending_[i].rule != nullptr;
    ParallelHashOptions ho;
    ho.jobs = options_.jobs;
    ho.phase = "verifying";
    ho.cancel = options_.cancel;
    ho.dir_fd = root_fd_.get();
    std::vector<StatusOr<FileDigest>> results(tasks.size(), Status::Internal("not hashed"));
    DTM_RETURN_IF_ERROR(
        ListFilesInParallel(&tasks, ho, [&](size_t i, Status s) { results[i] = std::move(s); }));
    // What is left to hash: listed files of the manifest's size.
    std::vector<HashTask> todo;
    std::vector<size_t> todo_index;
    for (size_t i = 0; i < tasks.size(); ++i) {
      if (tasks[i].is_listed && tasks[i].listed.size == pending_[i].size) {
        todo.push_back(tasks[i]);
        todo_index.push_back(i);
      }
    }
    if (options_.progress) {
      uint64_t files_before = files_done_, bytes_before = bytes_done_;
      ho.progress = [this, files_before, bytes_before](const Progress& p) {
        Progress q = p;
        q.files_done += files_before;
        q.bytes_done += bytes_before;
        q.files_total = std::max(files_total_, q.files_done);
        q.bytes_total = std::max(bytes_total_, q.bytes_done);
        q.final = false;
        options_.progress(q);
      };
    }
    ho.contents = [&](size_t k, internal::ByteSource& contents) {
      const size_t i = todo_index[k];
      return CompareDocuments(pending_[i], disk_[pending_[i].disk_index].task.open_path, contents,
                              &document_checks[i]);
    };
    DTM_RETURN_IF_ERROR(HashFilesInParallel(todo, ho, [&](size_t k, StatusOr<FileDigest> r) {
      results[todo_index[k]] = std::move(r);
    }));
    for (size_t i = 0; i < pending_.size(); ++i) {
      const PendingCheck& p = pending_[i];
      const DiskFile& d = disk_[p.disk_index];
      ++files_done_;
      bytes_done_ += p.size;
      if (tasks[i].is_listed && tasks[i].listed.size != p.size) {
        AddProblem(
            DataProblem::Kind::kModified, p.source_id, d.rel_path,
            "size " + std::to_string(p.size) + " -> " + std::to_string(tasks[i].listed.size));
      } else if (!results[i].ok()) {
        AddProblem(DataProblem::Kind::kUnreadable, p.source_id, d.rel_path,
                   results[i].status().message());
      } else if (results[i]->sha256 != p.expected) {
        AddProblem(DataProblem::Kind::kModified, p.source_id, d.rel_path,
                   "sha256 " + ToHex(p.expected) + " -> " + ToHex(results[i]->sha256));
      } else if (!document_checks[i].first_difference.empty()) {
        // The bytes are the ones hashed, yet the documents differ: the
        // manifest's entries are not what its own rule finds.
        AddProblem(DataProblem::Kind::kDocuments, p.source_id, d.rel_path,
                   document_checks[i].first_difference);
      } else {
        ++report_->files_verified;
        report_->bytes_verified += p.size;
        ++report_->by_source[p.source_id].verified;
        report_->documents_verified += document_checks[i].equal;
        report_->by_source[p.source_id].documents_verified += document_checks[i].equal;
      }
    }
    pending_.clear();
    pending_bytes_ = 0;
    spool_.reset();  // its scratch files go with it
    return Status::Ok();
  }

  // Re-derives the documents of one file from `contents` and compares them, in
  // order, with the entries the manifest lists for it; the first difference is
  // the result. A document the rule cannot read is a difference too.
  Status CompareDocuments(const PendingCheck& p, const std::string& name,
                          internal::ByteSource& contents, DocumentCheck* result) const {
    std::unique_ptr<DocumentSpool::SegmentReader> listed = spool_->Read(p.documents);
    v1::DocumentEntry expected, found;
    internal::SkippedDocuments skipped;
    const Status extracted = internal::ExtractDocuments(
        *p.rule, name, contents,
        [&](internal::ExtractedDocument& doc) -> Status {
          if (!result->first_difference.empty()) return Status::Ok();
          internal::ToDocumentEntry(doc, &found);
          DTM_ASSIGN_OR_RETURN(bool more, listed->Next(&expected));
          if (!more) {
            result->first_difference = internal::DocumentPlace(found) + " is not in the manifest";
            return Status::Ok();
          }
          const std::string diff = internal::FirstDocumentDifference(expected, found);
          if (!diff.empty()) {
            result->first_difference = internal::DocumentPlace(expected) + ": " + diff;
          } else {
            ++result->equal;
          }
          return Status::Ok();
        },
        &skipped);
    if (!extracted.ok() && extracted.code() != StatusCode::kInvalidArgument) return extracted;
    if (!result->first_difference.empty()) return Status::Ok();
    if (!extracted.ok()) {
      result->first_difference = "its documents cannot be read: " + extracted.message();
      return Status::Ok();
    }
    DTM_ASSIGN_OR_RETURN(bool more, listed->Next(&expected));
    if (more) result->first_difference = internal::DocumentPlace(expected) + " is not in the file";
    return Status::Ok();
  }

  void Finish() {
    // Batches finish out of order; entries are in canonical (source, path) order.
    std::stable_sort(report_->problems.begin(), report_->problems.end(),
                     [](const DataProblem& a, const DataProblem& b) {
                       return std::tie(a.source_id, a.path) < std::tie(b.source_id, b.path);
                     });
    report_->unexpected_checked =
        !options_.sample && (!options_.shard || options_.shard->index == 0);
    for (const DiskFile& d : disk_) {
      if (!report_->unexpected_checked) break;
      if (d.seen || !d.regular) continue;
      if (d.ignored) {
        ++report_->ignored_count;
        continue;
      }
      if (report_->unexpected.size() < DataCheckReport::kMaxListed) {
        report_->unexpected.push_back(d.rel_path);
      }
      ++report_->unexpected_count;
    }
    NameNearMisses();
    if (options_.progress) {
      Progress p;
      p.phase = "verifying";
      p.files_done = p.files_total = files_done_;
      p.bytes_done = p.bytes_total = bytes_done_;
      p.final = true;
      options_.progress(p);
    }
  }

  void SetTotals(uint64_t files, uint64_t bytes) {
    files_total_ = files;
    bytes_total_ = bytes;
  }

 private:
  // A missing entry whose path, normalised and case-folded, is the path of an
  // unexpected file: say so (spec/cli.md, "Paths"); they still do not match.
  void NameNearMisses() {
    bool any_missing =
        std::any_of(report_->problems.begin(), report_->problems.end(),
                    [](const DataProblem& p) { return p.kind == DataProblem::Kind::kMissing; });
    if (!any_missing || report_->unexpected_count == 0) return;
    std::unordered_map<std::string, const std::string*> unexpected;
    for (const DiskFile& d : disk_) {
      if (!d.seen && d.regular) unexpected.emplace(PathFoldKey(d.rel_path), &d.rel_path);
    }
    for (DataProblem& p : report_->problems) {
      if (p.kind != DataProblem::Kind::kMissing) continue;
      auto it = unexpected.find(PathFoldKey(p.path));
      if (it == unexpected.end()) continue;
      p.detail += "; the data root has '" + *it->second +
                  "', which differs only by Unicode normalisation or case (paths are compared "
                  "byte for byte)";
    }
  }

  void AddProblem(DataProblem::Kind kind, const std::string& source, const std::string& path,
                  std::string detail) {
    DataSourceTally& t = report_->by_source[source];
    switch (kind) {
      case DataProblem::Kind::kMissing:
        ++t.missing;
        break;
      case DataProblem::Kind::kModified:
      case DataProblem::Kind::kDocuments:
        ++t.modified;
        break;
      default:
        ++t.unreadable;
        break;
    }
    ++report_->problem_count;
    if (report_->problems.size() < DataCheckReport::kMaxListed) {
      report_->problems.push_back({kind, source, path, std::move(detail)});
    }
  }

  const DataCheckOptions& options_;
  DataCheckReport* report_;
  std::map<std::string, v1::DocumentRule> rules_;            // by source id
  std::unique_ptr<DocumentSpool> spool_;                     // this batch's listed documents
  std::unique_ptr<DocumentSpool::SegmentWriter> documents_;  // of the last file entry
  std::vector<DiskFile> disk_;
  internal::FileDescriptor root_fd_;  // the data root: tasks are opened relative to it
  std::vector<PendingCheck> pending_;
  uint64_t pending_bytes_ = 0;
  uint64_t files_done_ = 0, bytes_done_ = 0;
  uint64_t files_total_ = 0, bytes_total_ = 0;
};

// The weight of an entry in the partition (spec/sharding.md, "Sharded audits").
uint64_t EntryWeight(const v1::FileEntry& f) {
  return (f.origin() == v1::FileEntry::ORIGIN_DECLARED ? 0 : f.size()) + kShardFileWeight;
}

// Which entries are checked: the shard's run (by weight, as the build's
// partition) and the sample.
class EntryFilter {
 public:
  explicit EntryFilter(const DataCheckOptions& options) : options_(options) {}

  // With a shard, reads the manifest once for the total weight.
  Status Prepare(const std::string& manifest_path) {
    if (!options_.shard) return Status::Ok();
    DTM_ASSIGN_OR_RETURN(auto reader, ManifestReader::Open(manifest_path));
    v1::Record record;
    for (;;) {
      DTM_ASSIGN_OR_RETURN(bool more, reader->Next(&record));
      if (!more) break;
      if (record.has_file()) total_ += EntryWeight(record.file());
    }
    return Status::Ok();
  }

  bool Wanted(const v1::FileEntry& f) {
    bool wanted = true;
    if (options_.shard) {
      wanted = ShardOfWeight(before_, total_, options_.shard->count) == options_.shard->index;
      before_ += EntryWeight(f);
    }
    return wanted && (!options_.sample || InSample(*options_.sample, f.source_id(), f.path()));
  }

 private:
  const DataCheckOptions& options_;
  unsigned __int128 total_ = 0;
  unsigned __int128 before_ = 0;
};

}  // namespace

StatusOr<DataCheckReport> CheckDataAgainstManifest(const std::string& manifest_path,
                                                   const std::string& data_root,
                                                   const DataCheckOptions& options) {
  DataCheckReport report;
  DataChecker checker(options, &report);
  EntryFilter filter(options);
  DTM_RETURN_IF_ERROR(filter.Prepare(manifest_path));
  DTM_ASSIGN_OR_RETURN(auto reader, ManifestReader::Open(manifest_path));
  checker.SetTotals(reader->header().totals().files(), reader->header().totals().bytes());
  DTM_RETURN_IF_ERROR(checker.ListDisk(data_root).WithContext("data root '" + data_root + "'"));
  internal::IntegrityCheck check(manifest_path, ContainerLimits());
  v1::Record record;
  while (true) {
    DTM_ASSIGN_OR_RETURN(bool more, internal::NextChecked(*reader, check, &record));
    if (!more) break;
    if (record.has_source()) checker.AddSource(record.source());
    if (record.has_file()) {
      DTM_RETURN_IF_ERROR(checker.Check(record.file(), filter.Wanted(record.file())));
    }
    if (record.has_document()) DTM_RETURN_IF_ERROR(checker.AddDocument(record.document()));
  }
  DTM_RETURN_IF_ERROR(checker.EndFile());
  DTM_RETURN_IF_ERROR(checker.Flush());
  checker.Finish();
  return report;
}

}  // namespace dtm
