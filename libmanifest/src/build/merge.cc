// dtm merge: the parts of a sharded build joined into one manifest
// (spec/sharding.md, "Merging").
#include <algorithm>
#include <memory>

#include "build/created.h"
#include "container/integrity.h"
#include "dtm/builder.h"
#include "dtm/container.h"
#include "dtm/sharding.h"

namespace dtm {
namespace {

// What a part says about itself, read from its header.
struct PartInfo {
  std::string path;
  v1::BuildPart part;
  v1::Header header;       // without build_part, created and what records give
  std::string header_key;  // `header` serialized: equal across one build's parts
  uint64_t sources = 0;
};

// The header fields every part of one build shares: the spec's, the tool's
// and the previous version's.
v1::Header SharedHeader(v1::Header h) {
  h.clear_build_part();
  h.clear_created();
  h.clear_schema();
  h.clear_record_count();
  h.clear_totals();
  h.clear_composition();
  h.clear_merkle_root();
  h.clear_key_trees();
  return h;
}

StatusOr<PartInfo> ReadPartHeader(const std::string& path) {
  DTM_ASSIGN_OR_RETURN(std::unique_ptr<ManifestReader> reader, ManifestReader::OpenBuildPart(path));
  PartInfo info;
  info.path = path;
  info.part = reader->header().build_part();
  info.sources = reader->header().totals().sources();
  info.header = SharedHeader(reader->header());
  info.header_key = info.header.SerializeAsString();
  const v1::BuildPart& p = info.part;
  if (p.shards() == 0 || p.shards() > kMaxShards || p.shard() >= p.shards()) {
    return Status::Corruption(path, "header.build_part: shard " + std::to_string(p.shard()) +
                                        " of " + std::to_string(p.shards()) + " is not a shard");
  }
  if (p.spec_sha256().size() != 32 || p.selection_sha256().size() != 32) {
    return Status::Corruption(path, "header.build_part: a digest is not 32 bytes");
  }
  return info;
}

std::string ShardName(const v1::BuildPart& p) {
  return "shard " + std::to_string(p.shard()) + "/" + std::to_string(p.shards());
}

// The parts, in shard order, when they are the whole of one build.
StatusOr<std::vector<PartInfo>> CheckPartsBelongTogether(std::vector<PartInfo> parts) {
  // A copy: the parts are sorted below.
  const PartInfo first = parts.front();
  for (const PartInfo& p : parts) {
    const auto foreign = [&](std::string_view what) {
      return Status::InvalidArgument(
          p.path, "not a part of the build of '" + first.path + "': " + std::string(what));
    };
    if (p.part.shards() != first.part.shards()) {
      return foreign("it is " + ShardName(p.part) + ", that one " + ShardName(first.part));
    }
    if (p.part.spec_sha256() != first.part.spec_sha256()) {
      return foreign("built from another spec (its digest differs)");
    }
    if (p.header_key != first.header_key) {
      return foreign("its header differs (dataset, publisher, models, tool or previous version)");
    }
    if (p.part.selection_sha256() != first.part.selection_sha256() ||
        p.part.selection_files() != first.part.selection_files() || p.sources != first.sources) {
      return foreign(
          "its task selected other files (the data changed between the tasks' walks, or "
          "they were run with other options or data roots)");
    }
  }
  std::sort(parts.begin(), parts.end(),
            [](const PartInfo& a, const PartInfo& b) { return a.part.shard() < b.part.shard(); });
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].part.shard() == parts[i - 1].part.shard()) {
      return Status::InvalidArgument(parts[i].path, "is " + ShardName(parts[i].part) + ", as '" +
                                                        parts[i - 1].path +
                                                        "' is: a part given twice");
    }
  }
  const uint32_t shards = first.part.shards();
  if (parts.size() != shards) {
    uint32_t missing = 0;
    while (missing < parts.size() && parts[missing].part.shard() == missing) ++missing;
    return Status::InvalidArgument("parts", "shard " + std::to_string(missing) + "/" +
                                                std::to_string(shards) + " is missing (" +
                                                std::to_string(shards - parts.size()) + " of " +
                                                std::to_string(shards) + " parts are)");
  }
  uint64_t next = 0;
  for (const PartInfo& p : parts) {
    if (p.part.first_file() != next || p.part.files() > p.part.selection_files() - next) {
      return Status::Corruption(p.path, "header.build_part: its files " +
                                            std::to_string(p.part.first_file()) + " to " +
                                            std::to_string(p.part.first_file() + p.part.files()) +
                                            " do not follow the parts before it (which end at " +
                                            std::to_string(next) + ")");
    }
    next += p.part.files();
  }
  if (next != first.part.selection_files()) {
    return Status::Corruption(parts.back().path, "header.build_part: the parts cover " +
                                                     std::to_string(next) + " of the selection's " +
                                                     std::to_string(first.part.selection_files()) +
                                                     " files");
  }
  return parts;
}

// Streams one part into `writer`, checking it whole. The Source records of
// shard 0 are written and kept in `sources`; every other part's must be the
// same bytes.
Status CopyPart(const PartInfo& info, std::vector<std::string>* sources, ManifestWriter* writer) {
  DTM_ASSIGN_OR_RETURN(std::unique_ptr<ManifestReader> reader,
                       ManifestReader::OpenBuildPart(info.path));
  internal::IntegrityCheck check(info.path, ContainerLimits{});
  const bool first = info.part.shard() == 0;
  uint64_t files = 0;
  v1::Record record;
  for (uint64_t index = 0;; ++index) {
    DTM_ASSIGN_OR_RETURN(const bool more, internal::NextChecked(*reader, check, &record));
    if (!more) break;
    if (index < info.sources) {
      // NextChecked has checked that the first records are the sources.
      std::string bytes = record.SerializeAsString();
      if (first) {
        sources->push_back(std::move(bytes));
      } else if (index >= sources->size() || (*sources)[index] != bytes) {
        return Status::InvalidArgument(
            info.path, "source '" + record.source().id() +
                           "' differs from shard 0's: its task saw other data or options");
      }
      if (!first) continue;
    } else if (record.has_file()) {
      ++files;
    }
    Status added = writer->Add(record);
    if (!added.ok()) {
      return added.code() == StatusCode::kIOError ? added : added.WithContext(info.path);
    }
  }
  if (files != info.part.files()) {
    return Status::Corruption(info.path, "holds " + std::to_string(files) +
                                             " files, but header.build_part.files says " +
                                             std::to_string(info.part.files()));
  }
  return Status::Ok();
}

}  // namespace

StatusOr<MergeResult> MergeBuildParts(const std::vector<std::string>& part_paths,
                                      const MergeOptions& options, const std::string& output_path) {
  if (part_paths.empty()) return Status::InvalidArgument("parts", "none given");
  std::vector<PartInfo> infos;
  for (const std::string& path : part_paths) {
    DTM_ASSIGN_OR_RETURN(PartInfo info, ReadPartHeader(path));
    infos.push_back(std::move(info));
  }
  DTM_ASSIGN_OR_RETURN(infos, CheckPartsBelongTogether(std::move(infos)));
  v1::Header header = infos.front().header;
  DTM_ASSIGN_OR_RETURN(*header.mutable_created(), internal::CreationTime(options.created));

  const auto output_error = [&](const Status& s) {
    return Status::IOError("output '" + output_path + "'", s.message());
  };
  auto writer = ManifestWriter::Create(output_path);
  if (!writer.ok()) return output_error(writer.status());
  std::vector<std::string> sources;
  Progress progress;
  progress.phase = "merging";
  progress.files_total = infos.size();
  for (const PartInfo& info : infos) {
    if (options.cancel && options.cancel->load()) return Status::Cancelled("interrupted");
    Status copied = CopyPart(info, &sources, writer->get());
    if (!copied.ok()) {
      return copied.code() == StatusCode::kIOError && !copied.message().starts_with(info.path)
                 ? output_error(copied)
                 : copied;
    }
    ++progress.files_done;
    progress.final = progress.files_done == progress.files_total;
    if (options.progress) options.progress(progress);
  }
  auto finished = (*writer)->Finish(std::move(header));
  if (!finished.ok()) return output_error(finished.status());
  MergeResult result;
  result.header = *std::move(finished);
  result.parts = static_cast<uint32_t>(infos.size());
  return result;
}

}  // namespace dtm
