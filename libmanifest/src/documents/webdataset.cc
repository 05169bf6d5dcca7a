// WebDataset documents (spec/documents.md, "WebDataset"): a tar file whose
// consecutive members with the same key ("shard/000123" of "shard/000123.jpg")
// form one document. Read with libarchive.
#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <optional>

#include "base/text.h"
#include "documents/decompress.h"
#include "documents/formats.h"
#include "dtm/documents.h"

namespace dtm::internal {
namespace {

// libarchive pulls the (decompressed) bytes through this.
struct ArchiveInput {
  DecompressingSource* in;
  std::string buffer;
  Status error;
};

la_ssize_t ReadCallback(struct archive* a, void* data, const void** out) {
  auto* input = static_cast<ArchiveInput*>(data);
  input->buffer.resize(1u << 16);
  auto n = input->in->Read(input->buffer.data(), input->buffer.size());
  if (!n.ok()) {
    input->error = n.status();
    archive_set_error(a, EIO, "%s", "read failed");
    return -1;
  }
  *out = input->buffer.data();
  return static_cast<la_ssize_t>(*n);
}

// "dir/000123.seg.jpg" -> key "dir/000123", extension "seg.jpg".
std::pair<std::string, std::string> KeyAndExtension(const std::string& path) {
  const size_t slash = path.rfind('/');
  const size_t dot = path.find('.', slash == std::string::npos ? 0 : slash + 1);
  if (dot == std::string::npos) return {path, ""};
  return {path.substr(0, dot), path.substr(dot + 1)};
}

// The members of one group that the rule names.
struct Group {
  std::string key;
  uint64_t offset = 0;
  std::optional<std::string> text, metadata, content;
  uint64_t content_size = 0;
  Sha256Digest content_sha256{};
  bool content_too_large = false;
};

}  // namespace

Status ExtractWebDataset(const v1::DocumentRule& rule, const std::string& file_name,
                         ByteSource& raw, const DocumentSink& sink, SkippedDocuments* skipped) {
  DecompressingSource in(raw, file_name);
  ArchiveInput input{&in, {}, Status::Ok()};
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_read_new(),
                                                              &archive_read_free);
  if (a == nullptr) return Status::Internal(file_name, "cannot start reading a tar file");
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  if (archive_read_open(a.get(), &input, nullptr, ReadCallback, nullptr) != ARCHIVE_OK) {
    if (!input.error.ok()) return input.error;
    return Status::InvalidArgument(file_name,
                                   std::string("not a tar file: ") + archive_error_string(a.get()));
  }
  const std::string content_ext = rule.content().empty() ? rule.text() : rule.content();
  uint64_t ordinal = 0;
  std::optional<Group> group;
  std::string data;

  // One group's document, passed on (or counted as skipped).
  auto emit = [&](Group& g) -> Status {
    ExtractedDocument doc;
    doc.ordinal = ordinal++;
    doc.offset = g.offset;
    doc.member = g.key;
    const std::string place =
        "member " + QuoteForMessage(g.key) + " at byte " + std::to_string(g.offset);
    Status s;
    std::string url;
    if (!g.text.has_value()) {
      s = Status::InvalidArgument("text", "the group has no ." + rule.text() + " member");
    } else if (!g.content.has_value() && !g.content_too_large) {
      s = Status::InvalidArgument("content", "the group has no ." + content_ext + " member");
    }
    if (s.ok() && (!rule.id().empty() || !rule.url().empty())) {
      if (!g.metadata.has_value()) {
        s = Status::InvalidArgument("metadata", "the group has no ." + rule.metadata() + " member");
      } else {
        s = IdAndUrlFromJson(*g.metadata, rule.id(), rule.url(), &doc.id, &url);
      }
    }
    if (s.ok()) {
      const std::string& stored = g.content.has_value() ? *g.content : std::string();
      s = FillDocument(stored, *g.text, url, &doc);
      if (s.ok() && g.content_too_large) {
        doc.size = g.content_size;
        doc.sha256 = g.content_sha256;
      }
    }
    if (!s.ok()) {
      if (!rule.skip_bad()) return Status::InvalidArgument(file_name + ": " + place, s.message());
      if (skipped->count++ == 0) skipped->first = place + ": " + s.message();
      return Status::Ok();
    }
    return sink(doc);
  };

  for (;;) {
    struct archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    const uint64_t offset = static_cast<uint64_t>(archive_read_header_position(a.get()));
    // ARCHIVE_RETRY is a damaged header that libarchive would skip: an error here.
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      if (!input.error.ok()) return input.error;
      return Status::InvalidArgument(
          file_name + ": byte " + std::to_string(offset),
          std::string("damaged tar file: ") + archive_error_string(a.get()));
    }
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    const char* name = archive_entry_pathname_utf8(entry);
    if (name == nullptr) name = archive_entry_pathname(entry);
    const auto [key, ext] = KeyAndExtension(name != nullptr ? name : "");
    if (!group.has_value() || group->key != key) {
      if (group.has_value()) DTM_RETURN_IF_ERROR(emit(*group));
      group = Group();
      group->key = key;
      group->offset = offset;
    }
    const bool is_text = ext == rule.text(),
               is_meta = !rule.metadata().empty() && ext == rule.metadata();
    const bool is_content = ext == content_ext;
    if (!is_text && !is_meta && !is_content) {
      archive_read_data_skip(a.get());
      continue;
    }
    data.clear();
    Sha256 sha;
    uint64_t size = 0;
    bool too_large = false;
    char block[1 << 16];
    for (;;) {
      const la_ssize_t n = archive_read_data(a.get(), block, sizeof block);
      if (n < 0) {
        if (!input.error.ok()) return input.error;
        return Status::InvalidArgument(
            file_name + ": member " + QuoteForMessage(name) + " at byte " + std::to_string(offset),
            std::string("cut short or damaged: ") + archive_error_string(a.get()));
      }
      if (n == 0) break;
      size += static_cast<uint64_t>(n);
      sha.Update(block, static_cast<size_t>(n));
      if (size <= kMaxDocumentBytes) {
        data.append(block, static_cast<size_t>(n));
      } else {
        too_large = true;
        std::string().swap(data);
      }
    }
    if (is_content) {
      group->content_size = size;
      group->content_sha256 = sha.Finish();
      group->content_too_large = too_large;
      if (!too_large) group->content = data;
    }
    if (is_text && !too_large) group->text = data;
    if (is_meta && !too_large) group->metadata = data;
  }
  if (group.has_value()) DTM_RETURN_IF_ERROR(emit(*group));
  return Status::Ok();
}

}  // namespace dtm::internal
