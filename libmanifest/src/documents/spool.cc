#include "documents/spool.h"

#include <zstd.h>

#include <cstring>

#include "dtm/digest.h"

namespace dtm::internal {
namespace {

constexpr size_t kFrameBytes = 1u << 20;
constexpr int kSpoolLevel = 1;  // scratch data: speed over size

std::string_view Bytes(const Sha256Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace

void ToDocumentEntry(const ExtractedDocument& doc, v1::DocumentEntry* entry) {
  entry->set_ordinal(doc.ordinal);
  entry->set_line(doc.line);
  entry->set_offset(doc.offset);
  entry->set_member(doc.member);
  entry->set_id(doc.id);
  entry->set_url(doc.url);
  entry->set_size(doc.size);
  entry->set_sha256(std::string(Bytes(doc.sha256)));
  if (doc.has_text) {
    entry->set_text_sha256(std::string(Bytes(doc.text_sha256)));
  } else {
    entry->clear_text_sha256();
  }
  entry->set_text_bytes(doc.text_bytes);
}

StatusOr<std::unique_ptr<DocumentSpool::SegmentWriter>> DocumentSpool::StartSegment() {
  std::lock_guard<std::mutex> lock(mu_);
  uint32_t scratch;
  if (!free_.empty()) {
    scratch = free_.back();
    free_.pop_back();
  } else {
    DTM_ASSIGN_OR_RETURN(FileDescriptor fd, OpenScratchFile(folder_));
    auto s = std::make_unique<Scratch>();
    s->fd = std::move(fd);
    scratch = static_cast<uint32_t>(scratch_.size());
    scratch_.push_back(std::move(s));
  }
  return std::unique_ptr<SegmentWriter>(new SegmentWriter(this, scratch, scratch_[scratch].get()));
}

void DocumentSpool::Release(uint32_t scratch) {
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(scratch);
}

uint64_t DocumentSpool::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t total = 0;
  for (const auto& s : scratch_) total += s->end;
  return total;
}

DocumentSpool::SegmentWriter::SegmentWriter(DocumentSpool* spool, uint32_t scratch, Scratch* file)
    : spool_(spool), scratch_(scratch), file_(file) {
  segment_.scratch = scratch;
  // A scratch file is used by one writer at a time, so its end is ours.
  segment_.offset = file_->end;
}

DocumentSpool::SegmentWriter::~SegmentWriter() {
  if (!finished_) spool_->Release(scratch_);
}

Status DocumentSpool::SegmentWriter::Add(const ExtractedDocument& doc) {
  ToDocumentEntry(doc, &entry_);
  return AddEntry(entry_);
}

Status DocumentSpool::SegmentWriter::AddEntry(const v1::DocumentEntry& entry) {
  encoded_.clear();
  entry.SerializeToString(&encoded_);
  AppendVarint(&pending_, encoded_.size());
  pending_ += encoded_;
  ++segment_.count;
  if (pending_.size() >= kFrameBytes) return Flush();
  return Status::Ok();
}

Status DocumentSpool::SegmentWriter::Flush() {
  if (pending_.empty()) return Status::Ok();
  frame_.resize(ZSTD_compressBound(pending_.size()));
  const size_t n =
      ZSTD_compress(frame_.data(), frame_.size(), pending_.data(), pending_.size(), kSpoolLevel);
  if (ZSTD_isError(n)) return Status::Internal("document spool", ZSTD_getErrorName(n));
  Scratch& s = *file_;
  std::string where = spool_->folder_ + " (scratch file)";
  uint64_t at = s.end;
  const char* p = frame_.data();
  size_t left = n;
  while (left > 0) {
    const ssize_t w = ::pwrite(s.fd.get(), p, left, static_cast<off_t>(at));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return ErrnoStatus(where, "write", errno);
    p += w;
    left -= static_cast<size_t>(w);
    at += static_cast<uint64_t>(w);
  }
  s.end = at;
  segment_.bytes += n;
  pending_.clear();
  return Status::Ok();
}

StatusOr<DocumentSpool::Segment> DocumentSpool::SegmentWriter::Finish() {
  DTM_RETURN_IF_ERROR(Flush());
  finished_ = true;
  spool_->Release(scratch_);
  return segment_;
}

DocumentSpool::SegmentReader::SegmentReader(int fd, std::string where, const Segment& segment)
    : fd_(fd), where_(std::move(where)), segment_(segment), zstd_(ZSTD_createDStream()) {}

DocumentSpool::SegmentReader::~SegmentReader() {
  ZSTD_freeDStream(static_cast<ZSTD_DStream*>(zstd_));
}

StatusOr<bool> DocumentSpool::SegmentReader::Next(v1::DocumentEntry* entry) {
  if (zstd_ == nullptr) return Status::Internal("document spool", "out of memory");
  for (;;) {
    // A whole entry in data_ from pos_: hand it out.
    uint64_t len = 0;
    size_t p = pos_;
    int shift = 0;
    bool complete = false;
    while (p < data_.size() && shift < 64) {
      const auto b = static_cast<unsigned char>(data_[p++]);
      len |= uint64_t{b & 0x7Fu} << shift;
      shift += 7;
      if (b < 0x80) {
        complete = true;
        break;
      }
    }
    if (complete && data_.size() - p >= len) {
      if (!entry->ParseFromArray(data_.data() + p, static_cast<int>(len))) {
        return Status::Internal("document spool", "damaged entry");
      }
      pos_ = p + len;
      ++seen_;
      return true;
    }
    if (read_ >= segment_.bytes) {
      if (seen_ != segment_.count || pos_ != data_.size()) {
        return Status::Internal("document spool", "segment holds " + std::to_string(seen_) +
                                                      " documents, expected " +
                                                      std::to_string(segment_.count));
      }
      return false;
    }
    data_.erase(0, pos_);
    pos_ = 0;
    in_.resize(1u << 20);
    const size_t take = static_cast<size_t>(std::min<uint64_t>(in_.size(), segment_.bytes - read_));
    DTM_RETURN_IF_ERROR(ReadAt(fd_, in_.data(), take, segment_.offset + read_, where_));
    read_ += take;
    ZSTD_inBuffer zin{in_.data(), take, 0};
    std::string out(ZSTD_DStreamOutSize(), '\0');
    while (zin.pos < zin.size) {
      ZSTD_outBuffer zout{out.data(), out.size(), 0};
      const size_t rc = ZSTD_decompressStream(static_cast<ZSTD_DStream*>(zstd_), &zout, &zin);
      if (ZSTD_isError(rc)) return Status::Internal("document spool", ZSTD_getErrorName(rc));
      data_.append(out.data(), zout.pos);
    }
  }
}

std::unique_ptr<DocumentSpool::SegmentReader> DocumentSpool::Read(const Segment& segment) const {
  std::lock_guard<std::mutex> lock(mu_);
  const int fd = segment.count == 0 ? -1 : scratch_[segment.scratch]->fd.get();
  return std::unique_ptr<SegmentReader>(
      new SegmentReader(fd, folder_ + " (scratch file)", segment));
}

Status DocumentSpool::ForEach(const Segment& segment,
                              const std::function<Status(v1::DocumentEntry&)>& fn) const {
  std::unique_ptr<SegmentReader> reader = Read(segment);
  v1::DocumentEntry entry;
  for (;;) {
    DTM_ASSIGN_OR_RETURN(bool more, reader->Next(&entry));
    if (!more) return Status::Ok();
    DTM_RETURN_IF_ERROR(fn(entry));
  }
}

}  // namespace dtm::internal
