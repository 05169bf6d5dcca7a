// Test helpers for the container: assembling *.dtm bytes by hand (so tests can
// craft frames the writer never makes) and the minimal manifest of
// spec/vectors/container/.
#pragma once

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "dtm/container.h"
#include "dtm/digest.h"
#include "dtm/merkle.h"
#include "dtm/records.h"
#include "testing/test_records.h"

namespace dtm::test {

inline std::string U32(uint32_t v) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(v >> (8 * i));
  return out;
}
inline std::string U64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(v >> (8 * i));
  return out;
}
inline uint32_t GetU32(std::string_view s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[at + i]);
  return v;
}
inline uint64_t GetU64(std::string_view s, size_t at) {
  return GetU32(s, at) | (uint64_t{GetU32(s, at + 4)} << 32);
}
inline std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out += static_cast<char>(v | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
  return out;
}

inline std::string SerializeDeterministic(const google::protobuf::MessageLite& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return out;
}

// The uncompressed content of a frame: each record as a varint length and its bytes.
inline std::string FramePayload(const std::vector<std::string>& records) {
  std::string out;
  for (const std::string& r : records) out += Varint(r.size()) + r;
  return out;
}

// A zstd frame (RFC 8878) holding `content` in one raw block, with a
// single-segment header declaring `declared_size` as content size.
// REQUIRES: content.size() < 128 KiB.
inline std::string RawZstdFrame(std::string_view content, uint32_t declared_size) {
  std::string out = U32(0xFD2FB528);
  out += static_cast<char>(0xA0);  // 4-byte content size, single segment
  out += U32(declared_size);
  const uint32_t block = 1u | (static_cast<uint32_t>(content.size()) << 3);  // last, raw
  out += U32(block).substr(0, 3);
  out += content;
  return out;
}

// Like RawZstdFrame, but not single-segment: the header has the window
// descriptor byte `window` (exponent << 3 | mantissa; window log 10 + exponent)
// and declares the content size only when `with_size`.
inline std::string RawZstdFrameWithWindow(std::string_view content, uint8_t window,
                                          bool with_size) {
  std::string out = U32(0xFD2FB528);
  out += static_cast<char>(with_size ? 0x80 : 0x00);
  out += static_cast<char>(window);
  if (with_size) out += U32(static_cast<uint32_t>(content.size()));
  const uint32_t block = 1u | (static_cast<uint32_t>(content.size()) << 3);
  out += U32(block).substr(0, 3);
  out += content;
  return out;
}

// A frame of the container: header fields then the zstd bytes.
inline std::string Frame(std::string_view zstd, uint32_t uncompressed_size, uint32_t records) {
  return U32(static_cast<uint32_t>(zstd.size())) + U32(uncompressed_size) + U32(records) +
         std::string(zstd);
}
// A well-formed frame holding `records`.
inline std::string FrameOf(const std::vector<std::string>& records) {
  const std::string payload = FramePayload(records);
  return Frame(RawZstdFrame(payload, static_cast<uint32_t>(payload.size())),
               static_cast<uint32_t>(payload.size()), static_cast<uint32_t>(records.size()));
}

// The header the writer makes for `records` (serialized), on top of `base`.
inline v1::Header HeaderFor(const std::vector<v1::Record>& records, v1::Header base = {}) {
  RecordSequence sequence;
  MerkleRootBuilder merkle;
  for (const v1::Record& r : records) {
    if (!sequence.Add(r).ok()) break;
    merkle.AddLeaf(SerializeDeterministic(r));
  }
  base.set_schema(std::string(kSchemaId));
  base.set_record_count(records.size());
  *base.mutable_totals() = sequence.totals();
  *base.mutable_composition() = sequence.composition();
  base.set_merkle_root(std::string(AsBytes(merkle.Root())));
  return base;
}

// The parts of a *.dtm file; Build() joins them with a correct footer digest.
struct CraftedManifest {
  std::string magic{kContainerMagic};
  uint32_t version = kContainerVersion;
  uint32_t flags = 0;
  std::string header;                      // serialized dtm.v1.Header
  std::optional<uint32_t> header_length;   // default: header.size()
  std::vector<std::string> frames;         // each from Frame()
  std::optional<uint64_t> footer_records;  // default: sum of the frames' counts
  std::optional<uint64_t> footer_frames;   // default: frames.size()
  std::string trailing;                    // bytes after the footer

  std::string Build() const {
    std::string out = magic + U32(version) + U32(flags);
    out += U32(header_length.value_or(static_cast<uint32_t>(header.size()))) + header;
    uint64_t records = 0;
    for (const std::string& f : frames) {
      out += f;
      if (f.size() >= 12) records += GetU32(f, 8);
    }
    out +=
        U32(0) + U64(footer_records.value_or(records)) + U64(footer_frames.value_or(frames.size()));
    out += std::string(AsBytes(Sha256Of(out)));
    out += "DTMEND\r\n";
    return out + trailing;
  }
};

// A valid crafted manifest holding `records` in one frame.
inline CraftedManifest CraftedOf(const std::vector<v1::Record>& records) {
  CraftedManifest m;
  m.header = SerializeDeterministic(HeaderFor(records));
  std::vector<std::string> bytes;
  for (const v1::Record& r : records) bytes.push_back(SerializeDeterministic(r));
  if (!bytes.empty()) m.frames.push_back(FrameOf(bytes));
  return m;
}

// The records of spec/vectors/container/minimal.dtm: 2 sources, 3 files.
inline std::vector<v1::Record> MinimalRecords() {
  v1::Record books = MakeSource("books", v1::USE_CLASS_NON_COMMERCIAL,
                                v1::ACQUISITION_METHOD_LICENSED, v1::MODALITY_TEXT, 1200);
  books.mutable_source()->set_name("Example Books");
  books.mutable_source()->mutable_license()->set_expression("CC-BY-NC-4.0");
  books.mutable_source()->mutable_counts()->set_documents(2);
  books.mutable_source()->mutable_counts()->set_tokenizer("example-bpe");
  v1::Record web = MakeSource("web", v1::USE_CLASS_COMMERCIAL, v1::ACQUISITION_METHOD_CRAWLED,
                              v1::MODALITY_TEXT, 300);
  web.mutable_source()->set_name("Example Web Crawl");
  web.mutable_source()->mutable_license()->set_expression("CC-BY-4.0");
  web.mutable_source()->mutable_counts()->set_documents(1);
  web.mutable_source()->mutable_counts()->set_tokenizer("example-bpe");
  std::vector<v1::Record> records = {books, web};
  for (auto [source, path, content] :
       {std::tuple{"books", "novels/a.txt", "It was a dark and stormy night.\n"},
        std::tuple{"books", "novels/b.txt", "Call me Ishmael.\n"},
        std::tuple{"web", "pages/index.html", "<html>hello</html>\n"}}) {
    v1::Record file = MakeFile(source, path, std::string_view(content).size());
    file.mutable_file()->set_sha256(std::string(AsBytes(Sha256Of(content))));
    records.push_back(file);
  }
  return records;
}

// The header fields of the minimal manifest that the writer does not set.
inline v1::Header MinimalHeader() {
  v1::Header h;
  h.mutable_dataset()->set_name("example");
  h.mutable_dataset()->set_version("2026.01");
  h.mutable_publisher()->set_name("Example Org");
  h.mutable_created()->set_seconds(1767225600);  // 2026-01-01T00:00:00Z
  h.mutable_tool()->set_name("dtm");
  h.mutable_tool()->set_version("vector");
  return h;
}

// Writes the minimal manifest to `path` with ManifestWriter.
inline StatusOr<v1::Header> WriteMinimalManifest(const std::string& path) {
  DTM_ASSIGN_OR_RETURN(auto writer, ManifestWriter::Create(path));
  for (const v1::Record& r : MinimalRecords()) DTM_RETURN_IF_ERROR(writer->Add(r));
  return writer->Finish(MinimalHeader());
}

}  // namespace dtm::test
