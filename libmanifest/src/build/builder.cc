#include "dtm/builder.h"

#include <google/protobuf/util/time_util.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>

#include "base/posix_file.h"
#include "build/checkpoint.h"
#include "build/created.h"
#include "build/file_selection.h"
#include "build/incremental.h"
#include "build/shard.h"
#include "documents/extract.h"
#include "documents/listing.h"
#include "documents/spool.h"
#include "dtm/container.h"
#include "files/parallel_hash.h"
#include "files/path_fold.h"
#include "files/walker.h"

#ifndef DTM_VERSION
#define DTM_VERSION "0.0.0"
#endif

namespace dtm {

using internal::BuildCheckpoint;
using internal::DocumentSpool;
using internal::FileSelection;
using internal::FindPathCollisions;
using internal::HashFilesInParallel;
using internal::HashTask;
using internal::ListFilesInParallel;
using internal::ParallelHashOptions;
using internal::PathCollision;
using internal::PathCollisions;
using internal::SelectedFile;
using internal::SelectFiles;
using internal::SkippedDocuments;
using internal::WalkPolicy;

using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;

StatusOr<Timestamp> ParseCreatedTime(std::string_view text) {
  Timestamp t;
  std::string s(text);
  if (!s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (s.size() > 11) return Status::InvalidArgument("time '" + s + "'", "out of range");
    t.set_seconds(std::stoll(s));
    return t;
  }
  if (!TimeUtil::FromString(s, &t)) {
    return Status::InvalidArgument(
        "time '" + s + "'", "expected RFC 3339 (2026-01-01T00:00:00Z) or seconds since 1970");
  }
  return t;
}

namespace internal {

StatusOr<Timestamp> CreationTime(const std::optional<Timestamp>& given) {
  if (given) return *given;
  if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env != nullptr && *env != '\0') {
    auto t = ParseCreatedTime(env);
    if (!t.ok()) return t.status().WithContext("SOURCE_DATE_EPOCH");
    return t;
  }
  Timestamp now;
  now.set_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count());
  return now;
}

}  // namespace internal

namespace {

// The first of the errors (by task index), saying how many files failed; an
// error of the output (its scratch files) first, as it is.
Status FirstFileError(std::vector<std::pair<size_t, Status>> errors) {
  for (const auto& [index, status] : errors) {
    if (status.code() == StatusCode::kIOError && status.message().starts_with("output '")) {
      return status;
    }
  }
  std::sort(errors.begin(), errors.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  Status first = errors.front().second;
  if (errors.size() > 1) {
    return first.WithContext(std::to_string(errors.size()) + " files could not be hashed; first");
  }
  return first;
}

// The documents of a build: which task's file each source's rule applies to,
// and where its documents are kept until they are written.
struct BuildDocuments {
  std::string output_path;                       // scratch files are the output's: their errors too
  std::unique_ptr<DocumentSpool> spool;          // null when no source has a DocumentRule
  std::vector<const v1::DocumentRule*> rule;     // per task; null when it has no documents
  std::vector<DocumentSpool::Segment> segments;  // per task
  std::vector<SkippedDocuments> skipped;         // per task
};

// Marks the tasks whose files are in a source with documents. A file on disk
// that two sources with rules select, or a declared file (not read) in such a
// source, is an error: its documents would be ambiguous or unknown.
Status PlanDocuments(const BuildSpec& spec, const std::string& output_path, FileSelection* sel,
                     BuildDocuments* docs) {
  bool any = false;
  for (const SourceSpec& s : spec.sources) any = any || s.source.has_documents();
  if (!any) return Status::Ok();
  docs->output_path = output_path;
  docs->spool = std::make_unique<DocumentSpool>(internal::ParentDirectory(output_path));
  docs->rule.assign(sel->tasks.size(), nullptr);
  docs->segments.resize(sel->tasks.size());
  docs->skipped.resize(sel->tasks.size());
  std::vector<uint32_t> owner(sel->tasks.size(), 0);
  for (const SelectedFile& f : sel->files) {
    const SourceSpec& source = spec.sources[sel->source_order[f.source]];
    if (!source.source.has_documents()) continue;
    if (f.task == SelectedFile::kDeclared) {
      return Status::InvalidArgument(
          source.location + ": source '" + source.source.id() + "'",
          "file '" + std::string(sel->PathOf(f)) +
              "' is declared, not read, so its documents cannot be found (data.documents)");
    }
    if (docs->rule[f.task] != nullptr && owner[f.task] != f.source) {
      return Status::InvalidArgument(
          source.location + ": source '" + source.source.id() + "'",
          "file '" + std::string(sel->PathOf(f)) + "' is also selected by source '" +
              spec.sources[sel->source_order[owner[f.task]]].source.id() +
              "', and both find documents in their files");
    }
    docs->rule[f.task] = &source.source.documents();
    owner[f.task] = f.source;
    sel->tasks[f.task].read_contents = true;
  }
  return Status::Ok();
}

// Finds the documents of task `i` in `contents` and keeps them in the spool.
Status ExtractTaskDocuments(BuildDocuments* docs, size_t i, const std::string& name,
                            internal::ByteSource& contents) {
  auto output_error = [&](const Status& s) {
    return Status::IOError("output '" + docs->output_path + "'", s.message());
  };
  auto writer = docs->spool->StartSegment();
  if (!writer.ok()) return output_error(writer.status());
  DTM_RETURN_IF_ERROR(internal::ExtractDocuments(
      *docs->rule[i], name, contents,
      [&](internal::ExtractedDocument& doc) {
        Status s = (*writer)->Add(doc);
        return s.ok() ? s : output_error(s);
      },
      &docs->skipped[i]));
  auto segment = (*writer)->Finish();
  if (!segment.ok()) return output_error(segment.status());
  docs->segments[i] = *segment;
  return Status::Ok();
}

ParallelHashOptions HashOptions(const FileSelection& sel, const BuildOptions& options) {
  ParallelHashOptions ho;
  ho.jobs = options.jobs;
  ho.phase = "hashing";
  ho.progress = options.progress;
  ho.cancel = options.cancel;
  // Tasks are opened beneath the root the walk read, never by their names.
  ho.dir_fd = sel.root_fd.get();
  return ho;
}

// Stats every task (where the walk left it) and stores the sizes into the
// selected files on disk.
Status ListSelection(FileSelection* sel, const BuildOptions& options) {
  std::vector<std::pair<size_t, Status>> errors;
  DTM_RETURN_IF_ERROR(
      ListFilesInParallel(&sel->tasks, HashOptions(*sel, options),
                          [&](size_t i, Status s) { errors.emplace_back(i, std::move(s)); }));
  if (!errors.empty()) return FirstFileError(std::move(errors));
  for (SelectedFile& f : sel->files) {
    if (f.task != SelectedFile::kDeclared) f.size = sel->tasks[f.task].listed.size;
  }
  return Status::Ok();
}

// Hashes the tasks of the files in `run` and stores their digests into those
// files. Takes digests from the checkpoint where the file is unchanged, hashes
// the rest, records each new digest in the checkpoint.
Status HashSelection(FileSelection* sel, internal::ShardRun run, const BuildOptions& options,
                     BuildCheckpoint* checkpoint, const internal::IncrementalBuild& cache,
                     BuildDocuments* docs, BuildResult* result) {
  ParallelHashOptions ho = HashOptions(*sel, options);
  std::vector<bool> wanted(sel->tasks.size(), false);
  for (uint64_t k = run.begin; k < run.end; ++k) {
    const SelectedFile& f = sel->files[k];
    if (f.task == SelectedFile::kDeclared) {
      ++result->files_declared;
    } else {
      wanted[f.task] = true;
    }
  }
  std::vector<Sha256Digest> digests(sel->tasks.size());
  std::vector<HashTask> todo;
  std::vector<size_t> todo_index;  // todo[k] is sel->tasks[todo_index[k]]
  for (size_t i = 0; i < sel->tasks.size(); ++i) {
    if (!wanted[i]) continue;
    ++result->files_hashed;
    result->bytes_hashed += sel->tasks[i].listed.size;
    // A file with documents is read again: the checkpoint keeps digests only.
    const FileDigest* d = sel->tasks[i].read_contents
                              ? nullptr
                              : checkpoint->Lookup(sel->tasks[i].open_path, sel->tasks[i].listed);
    const Sha256Digest* cached =
        d != nullptr || sel->tasks[i].read_contents ? nullptr : cache.Lookup(sel->tasks[i]);
    if (d != nullptr) {
      digests[i] = d->sha256;
      ++result->files_resumed;
    } else if (cached != nullptr) {
      digests[i] = *cached;
      ++result->files_reused;
    } else {
      todo.push_back(sel->tasks[i]);
      todo_index.push_back(i);
    }
  }
  ho.contents = [&](size_t k, internal::ByteSource& contents) {
    return ExtractTaskDocuments(docs, todo_index[k], todo[k].open_path, contents);
  };
  std::mutex mu;
  std::vector<std::pair<size_t, Status>> errors;
  Status hashed = HashFilesInParallel(todo, ho, [&](size_t k, StatusOr<FileDigest> r) {
    size_t i = todo_index[k];
    if (r.ok()) {
      digests[i] = r->sha256;
      checkpoint->Record(todo[k].open_path, *r);
      return;
    }
    std::lock_guard<std::mutex> lock(mu);
    errors.emplace_back(i, r.status());
  });
  Status flushed = checkpoint->Flush();
  DTM_RETURN_IF_ERROR(hashed);
  DTM_RETURN_IF_ERROR(flushed);
  if (!errors.empty()) return FirstFileError(std::move(errors));
  for (uint64_t k = run.begin; k < run.end; ++k) {
    SelectedFile& f = sel->files[k];
    if (f.task != SelectedFile::kDeclared) f.sha256 = digests[f.task];
  }
  return Status::Ok();
}

// Sorts files into canonical order and rejects a path listed twice in a source.
Status SortSelection(const BuildSpec& spec, FileSelection* sel) {
  std::sort(sel->files.begin(), sel->files.end(),
            [&](const SelectedFile& a, const SelectedFile& b) {
              if (a.source != b.source) return a.source < b.source;
              return sel->PathOf(a) < sel->PathOf(b);
            });
  for (size_t i = 1; i < sel->files.size(); ++i) {
    const SelectedFile& a = sel->files[i - 1];
    const SelectedFile& b = sel->files[i];
    if (a.source == b.source && sel->PathOf(a) == sel->PathOf(b)) {
      const SourceSpec& s = spec.sources[sel->source_order[a.source]];
      return Status::InvalidArgument(s.location + ": source '" + s.source.id() + "'",
                                     "path '" + std::string(sel->PathOf(a)) +
                                         "' is selected twice (by patterns, a listing or `files`)");
    }
  }
  return Status::Ok();
}

// Fills header.previous from the spec's previous.manifest, checked whole.
// Returns the file digest of the manifest whose stat cache the build may use:
// --reuse, else that previous version.
StatusOr<std::optional<Sha256Digest>> FillPrevious(const BuildSpec& spec,
                                                   const BuildOptions& options,
                                                   v1::Header* header) {
  std::optional<Sha256Digest> reuse;
  if (!spec.previous_manifest.empty()) {
    auto prev = CheckManifest(spec.previous_manifest);
    if (!prev.ok()) return prev.status().WithContext("previous version");
    v1::PreviousVersion* p = header->mutable_previous();
    if (p->version().empty()) p->set_version(prev->header.dataset().version());
    p->set_manifest_sha256(std::string(AsBytes(prev->file_sha256)));
    p->set_merkle_root(std::string(AsBytes(prev->merkle_root)));
    reuse = prev->file_sha256;
  }
  if (!options.reuse.empty()) {
    // Only its digest matters: the cache it names is authenticated on its own,
    // and nothing of the file goes into the manifest.
    auto opened = ManifestReader::Open(options.reuse);
    if (!opened.ok()) return opened.status().WithContext("--reuse");
    auto digest = HashFile(options.reuse);
    if (!digest.ok()) return digest.status().WithContext("--reuse");
    reuse = digest->sha256;
  }
  return reuse;
}

// Errors of the output file: kIOError naming it (the contract of builder.h).
Status OutputError(const std::string& output_path, const Status& s) {
  return Status::IOError("output '" + output_path + "'", s.message());
}

// A clearer error than the temporary file's for the commonest mistake.
Status CheckOutputFolder(const std::string& output_path) {
  size_t slash = output_path.rfind('/');
  std::string folder = slash == std::string::npos ? "." : output_path.substr(0, slash + 1);
  struct stat st;
  if (stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::IOError("output '" + output_path + "'",
                           "folder '" + folder + "' does not exist");
  }
  return Status::Ok();
}

// The declared documents of one source (data.document_listing), merged with
// its files in canonical order: each file takes the listing's lines of its
// path; a line for a path the source has no file at is an error. A shard
// takes the lines after its source's last file before the shard (`after`),
// and the lines past the source's last file only when that file is its own.
class DeclaredDocuments {
 public:
  // Opens `source`'s listing when it has one (and closes the previous
  // source's) and skips the lines of paths up to `after`, when given.
  Status StartSource(const SourceSpec& source, std::optional<std::string_view> after) {
    listing_.reset();
    source_ = &source;
    if (source.document_listing.empty()) return Status::Ok();
    DTM_ASSIGN_OR_RETURN(listing_, internal::DocumentListing::Open(source.document_listing));
    if (!after) return Status::Ok();
    for (;;) {
      DTM_ASSIGN_OR_RETURN(const v1::DocumentEntry* doc, listing_->Peek());
      if (doc == nullptr || doc->path() > *after) return Status::Ok();
      listing_->Pop();
    }
  }

  // The listed documents of `path`, in order, to `add`.
  Status ForFile(std::string_view path, const std::function<Status(v1::DocumentEntry&)>& add) {
    if (listing_ == nullptr) return Status::Ok();
    for (;;) {
      DTM_ASSIGN_OR_RETURN(const v1::DocumentEntry* doc, listing_->Peek());
      if (doc == nullptr || doc->path() > path) return Status::Ok();
      if (doc->path() < path) return NoSuchFile(doc->path());
      v1::DocumentEntry entry = *doc;
      entry.set_source_id(source_->source.id());
      listing_->Pop();
      DTM_RETURN_IF_ERROR(add(entry));
    }
  }

  // Lines left over name files the source does not have (`last` says that the
  // source's last file was the last one given).
  Status FinishSource(bool last) {
    if (listing_ == nullptr || !last) return Status::Ok();
    DTM_ASSIGN_OR_RETURN(const v1::DocumentEntry* doc, listing_->Peek());
    if (doc != nullptr) return NoSuchFile(doc->path());
    listing_.reset();
    return Status::Ok();
  }

 private:
  Status NoSuchFile(const std::string& path) const {
    return Status::InvalidArgument(
        listing_->Where(),
        "document of '" + path + "', which source '" + source_->source.id() + "' has no file at");
  }

  const SourceSpec* source_ = nullptr;
  std::unique_ptr<internal::DocumentListing> listing_;
};

Status WriteSources(const BuildSpec& spec, const FileSelection& sel, ManifestWriter* writer) {
  v1::Record record;
  for (size_t k = 0; k < sel.source_order.size(); ++k) {
    v1::Source* source = record.mutable_source();
    *source = spec.sources[sel.source_order[k]].source;
    const v1::SkippedEntries& skipped = sel.skipped[k];
    if (skipped.symlinks() || skipped.special_files()) *source->mutable_skipped() = skipped;
    DTM_RETURN_IF_ERROR(writer->Add(record));
  }
  return Status::Ok();
}

// Writes every Source record, then the files of `run` with their documents.
Status WriteRecords(const BuildSpec& spec, const FileSelection& sel, internal::ShardRun run,
                    const BuildDocuments& docs, ManifestWriter* writer, BuildResult* result) {
  DTM_RETURN_IF_ERROR(WriteSources(spec, sel, writer));
  v1::Record record;
  v1::FileEntry* entry = record.mutable_file();
  v1::Record doc_record;
  DeclaredDocuments declared;
  auto add_declared = [&](v1::DocumentEntry& doc) {
    doc_record.mutable_document()->Swap(&doc);
    ++result->documents;
    ++result->documents_declared;
    return writer->Add(doc_record);
  };
  for (uint64_t k = run.begin; k < run.end; ++k) {
    const SelectedFile& f = sel.files[k];
    const SourceSpec& source_spec = spec.sources[sel.source_order[f.source]];
    if (k == run.begin || sel.files[k - 1].source != f.source) {
      std::optional<std::string_view> after;
      if (k > 0 && sel.files[k - 1].source == f.source) after = sel.PathOf(sel.files[k - 1]);
      DTM_RETURN_IF_ERROR(declared.StartSource(source_spec, after));
    }
    const std::string& source_id = source_spec.source.id();
    entry->set_source_id(source_id);
    entry->set_path(std::string(sel.PathOf(f)));
    entry->set_size(f.size);
    entry->set_sha256(std::string(AsBytes(f.sha256)));
    entry->set_origin(f.task == SelectedFile::kDeclared ? v1::FileEntry::ORIGIN_DECLARED
                                                        : v1::FileEntry::ORIGIN_HASHED);
    const bool has_documents =
        docs.spool != nullptr && f.task != SelectedFile::kDeclared && docs.rule[f.task] != nullptr;
    entry->set_documents_skipped(has_documents ? docs.skipped[f.task].count : 0);
    entry->set_first_skip(has_documents ? docs.skipped[f.task].first : std::string());
    DTM_RETURN_IF_ERROR(writer->Add(record));
    DTM_RETURN_IF_ERROR(declared.ForFile(entry->path(), add_declared));
    if (has_documents) {
      result->documents_skipped += docs.skipped[f.task].count;
      DTM_RETURN_IF_ERROR(docs.spool->ForEach(docs.segments[f.task], [&](v1::DocumentEntry& doc) {
        doc.set_source_id(source_id);
        doc.set_path(entry->path());
        doc.set_origin(v1::FileEntry::ORIGIN_HASHED);
        doc_record.mutable_document()->Swap(&doc);
        ++result->documents;
        return writer->Add(doc_record);
      }));
    }
    const bool source_ends = k + 1 == sel.files.size() || sel.files[k + 1].source != f.source;
    if (source_ends || k + 1 == run.end) DTM_RETURN_IF_ERROR(declared.FinishSource(source_ends));
  }
  return Status::Ok();
}

}  // namespace

bool IsOutputError(const Status& status, const std::string& output_path) {
  return status.code() == StatusCode::kIOError &&
         status.message().starts_with("output '" + output_path + "'");
}

StatusOr<BuildResult> BuildManifest(const BuildSpec& spec, const BuildOptions& options,
                                    const std::string& output_path) {
  BuildResult result;
  v1::Header header = spec.header;
  DTM_ASSIGN_OR_RETURN(*header.mutable_created(), internal::CreationTime(options.created));
  header.mutable_tool()->set_name("dtm");
  header.mutable_tool()->set_version(DTM_VERSION);
  DTM_ASSIGN_OR_RETURN(const std::optional<Sha256Digest> reuse,
                       FillPrevious(spec, options, &header));

  // Opened first, so that an unwritable output fails before hours of hashing.
  // Dropped without Finish on any error: nothing appears at output_path.
  DTM_RETURN_IF_ERROR(CheckOutputFolder(output_path));
  auto writer = ManifestWriter::Create(output_path);
  if (!writer.ok()) return OutputError(output_path, writer.status());

  std::string root = options.data_root.empty() ? spec.base_dir : options.data_root;
  if (root.empty()) root = ".";
  WalkPolicy policy;
  policy.symlinks = options.symlinks.value_or(spec.symlinks.value_or(SymlinkPolicy::kError));
  policy.skip_special = options.skip_special.value_or(spec.skip_special.value_or(false));
  policy.escape_names =
      options.file_names.value_or(spec.file_names.value_or(FileNamePolicy::kError)) ==
      FileNamePolicy::kEscape;
  DTM_ASSIGN_OR_RETURN(FileSelection sel, SelectFiles(spec, root, output_path, policy));
  DTM_ASSIGN_OR_RETURN(auto checkpoint, BuildCheckpoint::Open(BuildCheckpoint::PathFor(output_path),
                                                              options.resume));
  BuildDocuments docs;
  DTM_RETURN_IF_ERROR(PlanDocuments(spec, output_path, &sel, &docs));
  const internal::IncrementalBuild cache =
      internal::IncrementalBuild::Start(options, root, reuse, &result.warnings);
  DTM_RETURN_IF_ERROR(ListSelection(&sel, options));
  DTM_RETURN_IF_ERROR(SortSelection(spec, &sel));
  internal::ShardRun run{0, sel.files.size()};
  if (options.shard) {
    run = internal::ShardRunOf(sel, *options.shard);
    v1::BuildPart* part = header.mutable_build_part();
    part->set_spec_sha256(std::string(AsBytes(spec.text_sha256)));
    part->set_selection_sha256(std::string(AsBytes(internal::SelectionDigest(spec, sel))));
    part->set_shard(options.shard->index);
    part->set_shards(options.shard->count);
    part->set_first_file(run.begin);
    part->set_files(run.end - run.begin);
    part->set_selection_files(sel.files.size());
  }
  DTM_RETURN_IF_ERROR(HashSelection(&sel, run, options, checkpoint.get(), cache, &docs, &result));
  PathCollisions collisions = FindPathCollisions(
      sel.files.size(), [&](size_t i) { return sel.PathOf(sel.files[i]); },
      BuildResult::kMaxListedCollisions);
  result.path_collision_count = collisions.count;
  for (PathCollision& c : collisions.listed) {
    result.path_collisions.emplace_back(std::move(c.first), std::move(c.second));
  }
  if (options.cancel && options.cancel->load()) return Status::Cancelled("interrupted");
  Status written = WriteRecords(spec, sel, run, docs, writer->get(), &result);
  // Record rules (canonical order, valid paths) are checked by Add and are
  // input errors; anything else while writing is the output's.
  if (!written.ok()) {
    return written.code() == StatusCode::kIOError ? OutputError(output_path, written) : written;
  }
  auto finished = (*writer)->Finish(std::move(header));
  if (!finished.ok()) return OutputError(output_path, finished.status());
  result.header = *std::move(finished);
  checkpoint->Remove();
  cache.Save(sel, output_path, &result.warnings);
  return result;
}

}  // namespace dtm
