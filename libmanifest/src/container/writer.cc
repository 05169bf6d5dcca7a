// ManifestWriter: spec/container.md, "Layout" and "Writing".
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <ostream>

#include "base/posix_file.h"
#include "container/format.h"
#include "dtm/container.h"
#include "dtm/file_io.h"
#include "dtm/merkle.h"
#include "lookup/key_trees.h"

namespace dtm {

using namespace internal;  // NOLINT: this file implements the layout and uses the platform layer

namespace {

// The buffer through which Finish() copies the body into the manifest.
constexpr size_t kCopyBufferBytes = 1u << 20;

struct ZstdCCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

// Serializes `message` deterministically into `out` at `offset`, which must
// have room for `size` = message.ByteSizeLong() bytes.
bool SerializeAt(const google::protobuf::MessageLite& message, size_t size, char* out) {
  google::protobuf::io::ArrayOutputStream array(out, static_cast<int>(size));
  google::protobuf::io::CodedOutputStream coded(&array);
  coded.SetSerializationDeterministic(true);
  message.SerializeWithCachedSizes(&coded);
  return !coded.HadError() && static_cast<size_t>(coded.ByteCount()) == size;
}

}  // namespace

struct ManifestWriter::Impl {
  std::string path;
  ContainerLimits limits;
  FramePolicy policy;
  TempFile body;
  uint64_t body_bytes = 0;
  std::unique_ptr<ZSTD_CCtx, ZstdCCtxDeleter> cctx;
  std::string frame;  // records of the open frame, each a varint length and the bytes
  uint32_t frame_records = 0;
  std::string out;  // frame header and compressed frame
  uint64_t frames = 0;
  RecordSequence sequence;
  MerkleRootBuilder merkle;
  KeyTreeBuilder key_trees;  // scratch files beside the manifest
  Status failed;             // the first error; the writer is unusable after it
  bool finished = false;
  uint32_t flags = 0;        // kPublicViewFlag for a public view
  uint64_t raw_records = 0;  // records added as bytes (a public view's)

  Impl(std::string p, const ContainerLimits& l, const FramePolicy& f)
      : path(std::move(p)),
        limits(l),
        policy(f),
        sequence(l.max_sources, l.max_source_record_bytes, l.max_source_bytes),
        key_trees(ParentDirectory(path)) {}

  Status Usable() const {
    if (finished) return Status::InvalidArgument(path + ": the manifest is already finished");
    if (!failed.ok()) {
      return Status(failed).WithContext(path + ": writer unusable after an earlier error");
    }
    return Status::Ok();
  }
  Status Fail(Status s) {
    failed = s;
    return s;
  }
  Status AddRecord(const v1::Record& record);
  // Appends record bytes as they are to the open frame.
  Status AppendRecordBytes(std::string_view bytes);
  Status FlushFrame();
  Status WriteFile(const std::string& header_bytes, std::ostream& out);
};

Status ManifestWriter::Impl::AddRecord(const v1::Record& record) {
  const uint64_t index = sequence.records();
  const size_t size = record.ByteSizeLong();
  if (size > limits.max_record_bytes) {
    return Status::LimitExceeded(path + ": record " + std::to_string(index) + " is " +
                                 std::to_string(size) + " bytes, over the limit of " +
                                 std::to_string(limits.max_record_bytes));
  }
  if (Status s = sequence.Add(record); !s.ok()) return s.WithContext(path);
  const size_t varint = VarintSize(static_cast<uint32_t>(size));
  if (frame_records > 0 && frame.size() + varint + size > policy.target_bytes) {
    DTM_RETURN_IF_ERROR(FlushFrame());
  }
  const size_t start = frame.size();
  frame.resize(start + varint + size);
  PutVarint32(frame.data() + start, static_cast<uint32_t>(size));
  if (!SerializeAt(record, size, frame.data() + start + varint)) {
    return Status::Internal(path + ": record " + std::to_string(index) + ": serialization failed");
  }
  merkle.AddLeaf(std::string_view(frame.data() + start + varint, size));
  DTM_RETURN_IF_ERROR(key_trees.Add(record).WithContext(path));
  if (++frame_records == policy.max_records) DTM_RETURN_IF_ERROR(FlushFrame());
  return Status::Ok();
}

Status ManifestWriter::Impl::AppendRecordBytes(std::string_view bytes) {
  const size_t varint = VarintSize(static_cast<uint32_t>(bytes.size()));
  if (frame_records > 0 && frame.size() + varint + bytes.size() > policy.target_bytes) {
    DTM_RETURN_IF_ERROR(FlushFrame());
  }
  const size_t start = frame.size();
  frame.resize(start + varint);
  PutVarint32(frame.data() + start, static_cast<uint32_t>(bytes.size()));
  frame.append(bytes);
  ++raw_records;
  if (++frame_records == policy.max_records) DTM_RETURN_IF_ERROR(FlushFrame());
  return Status::Ok();
}

Status ManifestWriter::Impl::FlushFrame() {
  if (frame_records == 0) return Status::Ok();
  out.resize(kFrameHeaderSize + ZSTD_compressBound(frame.size()));
  const size_t compressed =
      ZSTD_compress2(cctx.get(), out.data() + kFrameHeaderSize, out.size() - kFrameHeaderSize,
                     frame.data(), frame.size());
  if (ZSTD_isError(compressed)) {
    return Status::Internal(path + ": zstd compression failed", ZSTD_getErrorName(compressed));
  }
  if (compressed > limits.max_frame_bytes) {  // only possible with custom limits
    return Status::LimitExceeded(path + ": frame " + std::to_string(frames) + " compresses to " +
                                 std::to_string(compressed) + " bytes, over the limit of " +
                                 std::to_string(limits.max_frame_bytes));
  }
  if (frame.size() > uint64_t{compressed} * limits.max_compression_ratio) {
    return Status::LimitExceeded(path + ": frame " + std::to_string(frames) + " of " +
                                 std::to_string(frame.size()) + " bytes compresses to " +
                                 std::to_string(compressed) + ", more than " +
                                 std::to_string(limits.max_compression_ratio) +
                                 " times smaller (records this repetitive are refused)");
  }
  PutU32(out.data(), static_cast<uint32_t>(compressed));
  PutU32(out.data() + 4, static_cast<uint32_t>(frame.size()));
  PutU32(out.data() + 8, frame_records);
  const size_t n = kFrameHeaderSize + compressed;
  if (Status s = WriteAll(body.fd(), out.data(), n, body.path()); !s.ok())
    return s.WithContext(path);
  body_bytes += n;
  ++frames;
  frame.clear();
  frame_records = 0;
  return Status::Ok();
}

// Writes preamble, header, the body copied from the body file, end marker and
// footer to `out`, hashing everything before the digest field. Write errors
// show in the state of `out`.
Status ManifestWriter::Impl::WriteFile(const std::string& header_bytes, std::ostream& out) {
  auto write = [&out](const char* data, size_t n) {
    out.write(data, static_cast<std::streamsize>(n));
  };
  Sha256 hash;
  std::string buf(kPreambleSize + kHeaderLengthSize, '\0');
  std::memcpy(buf.data(), kContainerMagic.data(), kContainerMagic.size());
  PutU32(buf.data() + 8, kContainerVersion);
  PutU32(buf.data() + 12, flags);
  PutU32(buf.data() + 16, static_cast<uint32_t>(header_bytes.size()));
  buf += header_bytes;
  hash.Update(buf);
  write(buf.data(), buf.size());

  // Copy the body through a large buffer, hashing as it goes: the digest
  // covers the header first, so the body cannot be hashed before Finish().
  buf.resize(kCopyBufferBytes);
  uint64_t copied = 0;
  for (;;) {
    const ssize_t n = ::pread(body.fd(), buf.data(), buf.size(), static_cast<off_t>(copied));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(body.path(), "read failed", errno);
    }
    if (n == 0) break;
    hash.Update(buf.data(), static_cast<size_t>(n));
    write(buf.data(), static_cast<size_t>(n));
    copied += static_cast<uint64_t>(n);
  }
  if (copied != body_bytes) {
    return Status::IOError(body.path(), "read back " + std::to_string(copied) + " of " +
                                            std::to_string(body_bytes) + " bytes");
  }

  buf.clear();
  AppendU32(&buf, 0);  // end marker
  AppendU64(&buf, sequence.records() + raw_records);
  AppendU64(&buf, frames);
  hash.Update(buf);
  const Sha256Digest digest = hash.Finish();
  buf.append(AsBytes(digest));
  buf.append(kEndMagic);
  write(buf.data(), buf.size());
  return Status::Ok();
}

StatusOr<std::unique_ptr<ManifestWriter>> ManifestWriter::Create(const std::string& path,
                                                                 const ContainerLimits& limits,
                                                                 const FramePolicy& frames) {
  if (static_cast<uint64_t>(limits.max_record_bytes) + kMaxVarint32Bytes > limits.max_frame_bytes) {
    return Status::InvalidArgument(
        path + ": limits: max_record_bytes " + std::to_string(limits.max_record_bytes) +
        " does not fit in max_frame_bytes " + std::to_string(limits.max_frame_bytes));
  }
  if (frames.target_bytes > limits.max_frame_bytes || frames.max_records == 0 ||
      frames.max_records > limits.max_frame_records) {
    return Status::InvalidArgument(
        path + ": frame policy: target " + std::to_string(frames.target_bytes) + " bytes and " +
        std::to_string(frames.max_records) + " records do not fit max_frame_bytes " +
        std::to_string(limits.max_frame_bytes) + " and max_frame_records " +
        std::to_string(limits.max_frame_records));
  }
  // Checked here, before any work, as well as by AtomicFileWriter at the end.
  if (struct stat st; ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(path + ": exists and is not a regular file (outputs are files)");
  }
  auto impl = std::make_unique<Impl>(path, limits, frames);
  DTM_RETURN_IF_ERROR(TempFile::Create(path, "body", &impl->body));
  impl->cctx.reset(ZSTD_createCCtx());
  if (!impl->cctx) return Status::Internal(path + ": cannot create a zstd context");
  for (auto [param, value] :
       {std::pair{ZSTD_c_compressionLevel, kZstdLevel}, std::pair{ZSTD_c_contentSizeFlag, 1},
        std::pair{ZSTD_c_checksumFlag, 0}, std::pair{ZSTD_c_dictIDFlag, 0}}) {
    const size_t r = ZSTD_CCtx_setParameter(impl->cctx.get(), param, value);
    if (ZSTD_isError(r)) return Status::Internal(path + ": zstd", ZSTD_getErrorName(r));
  }
  impl->frame.reserve(std::min<size_t>(frames.target_bytes, kCopyBufferBytes) + kMaxVarint32Bytes);
  return std::unique_ptr<ManifestWriter>(new ManifestWriter(std::move(impl)));
}

ManifestWriter::ManifestWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ManifestWriter::~ManifestWriter() = default;

uint64_t ManifestWriter::records() const { return impl_->sequence.records(); }

Status ManifestWriter::Add(const v1::Record& record) {
  DTM_RETURN_IF_ERROR(impl_->Usable());
  Status s = impl_->AddRecord(record);
  if (!s.ok()) return impl_->Fail(s);
  return s;
}

StatusOr<v1::Header> ManifestWriter::Finish(v1::Header header) {
  Impl& w = *impl_;
  DTM_RETURN_IF_ERROR(w.Usable());
  w.finished = true;
  if (Status s = w.FlushFrame(); !s.ok()) return w.Fail(s);

  if (header.has_build_part()) w.flags = kBuildPartFlag;
  header.set_schema(std::string(kSchemaId));
  header.set_record_count(w.sequence.records());
  *header.mutable_totals() = w.sequence.totals();
  *header.mutable_composition() = w.sequence.composition();
  header.set_merkle_root(std::string(AsBytes(w.merkle.Root())));
  auto trees = w.key_trees.Finish();
  if (!trees.ok()) return w.Fail(trees.status().WithContext(w.path));
  header.clear_key_trees();
  for (v1::KeyTree& tree : *trees) *header.add_key_trees() = std::move(tree);
  const size_t header_size = header.ByteSizeLong();
  if (header_size > w.limits.max_header_bytes) {
    return w.Fail(Status::LimitExceeded(w.path + ": header is " + std::to_string(header_size) +
                                        " bytes, over the limit of " +
                                        std::to_string(w.limits.max_header_bytes)));
  }
  std::string header_bytes(header_size, '\0');
  if (!SerializeAt(header, header_size, header_bytes.data())) {
    return w.Fail(Status::Internal(w.path + ": header serialization failed"));
  }

  auto out = AtomicFileWriter::Create(w.path);
  if (!out.ok()) return w.Fail(out.status());
  Status s = w.WriteFile(header_bytes, (*out)->stream());
  if (s.ok()) s = (*out)->Commit();
  if (!s.ok()) return w.Fail(s);
  w.body = TempFile();  // closes the body file, which frees its space
  return header;
}

StatusOr<PublicViewWritten> WritePublicView(const std::string& manifest_path,
                                            const std::string& view_path,
                                            const ContainerLimits& limits) {
  PublicViewWritten result;
  DTM_ASSIGN_OR_RETURN(result.manifest, CheckManifest(manifest_path, limits));
  if (result.manifest.public_view) {
    return Status::InvalidArgument(manifest_path + ": is a public view already");
  }
  DTM_ASSIGN_OR_RETURN(std::unique_ptr<ManifestReader> reader,
                       ManifestReader::Open(manifest_path, limits));
  const v1::Header& header = reader->header();
  const uint64_t sources = header.totals().sources();
  const uint64_t records = header.record_count();
  DTM_ASSIGN_OR_RETURN(std::unique_ptr<ManifestWriter> writer,
                       ManifestWriter::Create(view_path, limits));
  ManifestWriter::Impl& w = *writer->impl_;
  w.flags = kPublicViewFlag;
  const std::vector<MerkleRange> ranges = MerkleWithheldRanges(records, sources);
  v1::WithheldRecords withheld;
  withheld.set_first_leaf(sources);
  withheld.set_leaf_count(records - sources);
  size_t range = 0;
  MerkleRootBuilder part;
  std::string_view bytes;
  for (uint64_t index = 0;; ++index) {
    DTM_ASSIGN_OR_RETURN(bool more, reader->Next(&bytes));
    if (!more) break;
    if (index < sources) {
      DTM_RETURN_IF_ERROR(w.AppendRecordBytes(bytes));
      continue;
    }
    part.AddLeafHash(MerkleLeafHash(bytes));
    if (range < ranges.size() && index + 1 == ranges[range].end) {
      withheld.add_nodes(std::string(AsBytes(part.Root())));
      part = MerkleRootBuilder();
      ++range;
    }
  }
  if (reader->file_sha256() != result.manifest.file_sha256) {
    return Status::Corruption(manifest_path, "the file changed while it was read");
  }
  withheld.set_manifest_sha256(std::string(AsBytes(result.manifest.file_sha256)));
  v1::Record record;
  *record.mutable_withheld() = withheld;
  DTM_RETURN_IF_ERROR(w.AppendRecordBytes(record.SerializeAsString()));
  DTM_RETURN_IF_ERROR(w.FlushFrame());
  w.finished = true;
  auto out = AtomicFileWriter::Create(view_path);
  if (!out.ok()) return out.status();
  DTM_RETURN_IF_ERROR(w.WriteFile(std::string(reader->header_bytes()), (*out)->stream()));
  DTM_RETURN_IF_ERROR((*out)->Commit());
  result.sources = sources;
  result.withheld_records = records - sources;
  result.nodes = static_cast<size_t>(withheld.nodes_size());
  DTM_ASSIGN_OR_RETURN(ManifestIntegrity view, CheckManifest(view_path, limits));
  result.view_sha256 = view.file_sha256;
  return result;
}

}  // namespace dtm
