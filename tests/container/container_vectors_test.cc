// The test vectors of spec/vectors/container/: this file is their generator.
// Valid vectors are written with ManifestWriter (fixed header, fixed frame
// policy) and must equal the committed files byte for byte; invalid vectors are
// derived from them or crafted, must equal the committed files, and must be
// rejected by CheckManifest with the StatusCode and message the README gives.
//
// To refresh the files after a deliberate change:
//   DTM_WRITE_CONTAINER_VECTORS=1 dtm_tests --gtest_filter='ContainerVectors*'
// writes them into spec/vectors/container/ and prints what the README shows.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "base/posix_file.h"
#include "container/container_test_util.h"
#include "dtm/container.h"
#include "dtm/merkle.h"
#include "dtm/records.h"
#include "lookup/key_trees.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using test::CraftedManifest;
using test::CraftedOf;
using test::Frame;
using test::FramePayload;
using test::MakeFile;
using test::MakeSource;
using test::RawZstdFrame;
using test::RawZstdFrameWithWindow;
using test::SerializeDeterministic;
using test::U32;
using test::U64;

const std::string kVectorDir = std::string(DTM_SOURCE_DIR) + "/spec/vectors/container";
// The zstd the committed files were written with (spec/container.md,
// "Determinism": compressed bytes depend on the zstd version).
constexpr unsigned kVectorZstdVersion = 10504;  // 1.5.4

bool Refreshing() { return std::getenv("DTM_WRITE_CONTAINER_VECTORS") != nullptr; }

void WriteBytes(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// ---- Valid vectors

struct ValidVector {
  std::string name;
  std::string about;
  std::vector<v1::Record> records;
  v1::Header header;  // the fields the writer does not compute
  FramePolicy frames;
  uint64_t frame_count;  // what the footer must say
};

// Three sources of different classes and modalities, five files (one with a
// non-ASCII path), in frames of at most three records.
std::vector<v1::Record> FramesRecords() {
  std::vector<v1::Record> records = {
      MakeSource("code", v1::USE_CLASS_COMMERCIAL, v1::ACQUISITION_METHOD_CRAWLED,
                 v1::MODALITY_CODE, 5000),
      MakeSource("speech", v1::USE_CLASS_ACADEMIC_ONLY, v1::ACQUISITION_METHOD_LICENSED,
                 v1::MODALITY_AUDIO),
      MakeSource("synthetic", v1::USE_CLASS_COMMERCIAL, v1::ACQUISITION_METHOD_GENERATED_BY_MODEL,
                 v1::MODALITY_TEXT, 700),
  };
  records[0].mutable_source()->mutable_license()->set_expression("Apache-2.0 OR MIT");
  records[0].mutable_source()->mutable_counts()->set_tokenizer("example-bpe");
  records[1].mutable_source()->mutable_license()->set_expression("CC-BY-4.0");
  records[1].mutable_source()->mutable_counts()->set_hours(1.5);
  records[2].mutable_source()->mutable_counts()->set_tokenizer("example-bpe");
  records[2].mutable_source()->mutable_generation()->set_model("example-model");
  for (auto [source, path, content] :
       {std::tuple{"code", "src/lib.rs", "fn main() {}\n"},
        std::tuple{"code", "src/main.rs", "fn main() { lib(); }\n"},
        std::tuple{"speech", "clips/0001.flac", "fLaC"},
        std::tuple{"speech", "clips/caf\xc3\xa9.flac", "fLaC\x01"},
        std::tuple{"synthetic", "gen/part-0.jsonl", "{\"text\": \"hello\"}\n"}}) {
    const std::string_view bytes(content);
    v1::Record file = MakeFile(source, path, bytes.size());
    file.mutable_file()->set_sha256(std::string(AsBytes(Sha256Of(bytes))));
    records.push_back(file);
  }
  return records;
}

// One source whose file names needed the escaped form (container.md,
// "Escaped file names"), beside a UTF-8 name that needs none.
std::vector<v1::Record> EscapedNameRecords() {
  std::vector<v1::Record> records = {MakeSource(
      "scans", v1::USE_CLASS_COMMERCIAL, v1::ACQUISITION_METHOD_LICENSED, v1::MODALITY_TEXT)};
  // name on disk, as recorded: sorted by the recorded bytes.
  for (auto [raw, path] :
       {std::pair{"back\\slash.txt", "back\\x5Cslash.txt"},
        std::pair{"caf\\xE9.txt", "caf\\x5CxE9.txt"}, std::pair{"caf\xe9.txt", "caf\\xE9.txt"},
        std::pair{"caf\xc3\xa9.txt", "caf\xc3\xa9.txt"},
        std::pair{"new\nline.txt", "new\\x0Aline.txt"}}) {
    EXPECT_EQ(EscapeFileName(raw), path);
    const std::string content = std::string("named ") + raw;
    v1::Record file = MakeFile("scans", std::string("latin1/") + path, content.size());
    file.mutable_file()->set_sha256(std::string(AsBytes(Sha256Of(content))));
    records.push_back(file);
  }
  return records;
}

std::vector<ValidVector> ValidVectors() {
  v1::Header frames_header = test::MinimalHeader();
  frames_header.mutable_dataset()->set_version("2026.02");
  frames_header.mutable_dataset()->set_description("Records in several frames");
  frames_header.add_models()->set_name("example-model");
  frames_header.mutable_previous()->set_version("2026.01");
  frames_header.mutable_previous()->set_manifest_sha256(std::string(32, '\x11'));
  frames_header.mutable_previous()->set_merkle_root(std::string(32, '\x22'));
  return {
      {"empty.dtm", "no records: no frame", {}, test::MinimalHeader(), {}, 0},
      {"minimal.dtm",
       "2 sources and 3 files in one frame",
       test::MinimalRecords(),
       test::MinimalHeader(),
       {},
       1},
      {"frames.dtm", "3 sources and 5 files in frames of at most 3 records", FramesRecords(),
       frames_header, FramePolicy{1u << 20, 3}, 3},
      {"escaped-names.dtm",
       "1 source and 5 files, 4 of them with names in the escaped form",
       EscapedNameRecords(),
       test::MinimalHeader(),
       {},
       1},
  };
}

// Writes `v` with ManifestWriter to `path`.
StatusOr<v1::Header> WriteVector(const ValidVector& v, const std::string& path) {
  DTM_ASSIGN_OR_RETURN(auto writer, ManifestWriter::Create(path, {}, v.frames));
  for (const v1::Record& r : v.records) DTM_RETURN_IF_ERROR(writer->Add(r));
  return writer->Finish(v.header);
}

// ---- Invalid vectors

struct InvalidVector {
  std::string name;
  std::string bytes;
  StatusCode code;
  std::string message;  // what the message says after "<path>: "
};

// `bytes` with the u32 at `at` replaced.
std::string WithU32(std::string bytes, size_t at, uint32_t v) {
  bytes.replace(at, 4, U32(v));
  return bytes;
}
// `bytes` with the footer digest recomputed after an edit.
std::string WithFixedDigest(std::string bytes) {
  const size_t at = bytes.size() - 56 + 16;
  bytes.replace(at, 32, AsBytes(Sha256Of(std::string_view(bytes).substr(0, at))));
  return bytes;
}

// zstd blocks (RFC 8878 3.1.1.2): a 3-byte header, last-block bit, type, size.
std::string RleBlock(uint32_t size, bool last) {
  return U32((last ? 1u : 0u) | (1u << 1) | (size << 3)).substr(0, 3) + std::string(1, '\0');
}
// A zstd frame of `size` zero bytes in RLE blocks of 128 KiB, declaring
// `size` as its content size (single segment, 4-byte content size).
std::string ZeroBombFrame(uint32_t size) {
  std::string out = U32(0xFD2FB528) + std::string(1, '\xA0') + U32(size);
  constexpr uint32_t kBlock = 128u << 10;
  for (uint32_t done = 0; done < size; done += kBlock) {
    out += RleBlock(std::min(kBlock, size - done), done + kBlock >= size);
  }
  return out;
}

// A crafted manifest of `records` (serialized as given) in one frame whose
// zstd bytes are `zstd` and whose frame header says `size` and `count`.
CraftedManifest CraftedWithFrame(const std::vector<v1::Record>& records, const std::string& zstd,
                                 uint32_t size, uint32_t count) {
  CraftedManifest m;
  m.header = SerializeDeterministic(test::HeaderFor(records, test::MinimalHeader()));
  m.frames.push_back(Frame(zstd, size, count));
  return m;
}
// A crafted manifest holding `records` in one raw-block frame; `header_of`
// are the records the header is computed from (default: the same).
std::string CraftedBytes(const std::vector<v1::Record>& records,
                         std::vector<v1::Record> header_of = {},
                         const std::function<void(v1::Header*)>& edit = nullptr) {
  if (header_of.empty()) header_of = records;
  std::vector<std::string> bytes;
  for (const v1::Record& r : records) bytes.push_back(SerializeDeterministic(r));
  const std::string payload = FramePayload(bytes);
  CraftedManifest m;
  v1::Header header = test::HeaderFor(header_of, test::MinimalHeader());
  if (edit) edit(&header);
  m.header = SerializeDeterministic(header);
  m.frames.push_back(Frame(RawZstdFrame(payload, static_cast<uint32_t>(payload.size())),
                           static_cast<uint32_t>(payload.size()),
                           static_cast<uint32_t>(records.size())));
  return m.Build();
}

// A crafted manifest whose records are `bytes` as stored, decoding to
// `decoded`: the header is computed from `decoded`, but its Merkle root from
// the stored bytes, so that only the encoding rule is broken.
std::string CraftedEncoded(const std::vector<std::string>& bytes,
                           const std::vector<v1::Record>& decoded) {
  const std::string payload = FramePayload(bytes);
  MerkleRootBuilder root;
  for (const std::string& b : bytes) root.AddLeaf(b);
  v1::Header header = test::HeaderFor(decoded, test::MinimalHeader());
  const Sha256Digest r = root.Root();
  header.set_merkle_root(std::string(reinterpret_cast<const char*>(r.data()), r.size()));
  CraftedManifest m;
  m.header = SerializeDeterministic(header);
  m.frames.push_back(Frame(RawZstdFrame(payload, static_cast<uint32_t>(payload.size())),
                           static_cast<uint32_t>(payload.size()),
                           static_cast<uint32_t>(bytes.size())));
  return m.Build();
}

// Sets the header's key trees to those of `records` (proof.md, "Key trees").
std::function<void(v1::Header*)> KeyTreesOf(const std::vector<v1::Record>& records, int keep = 4) {
  internal::KeyTreeBuilder builder(internal::TemporaryFolder());
  for (const v1::Record& r : records) EXPECT_TRUE(builder.Add(r).ok());
  auto trees = builder.Finish();
  EXPECT_TRUE(trees.ok());
  return [trees = *trees, keep](v1::Header* h) {
    for (int i = 0; i < keep; ++i) *h->add_key_trees() = trees[static_cast<size_t>(i)];
  };
}

std::vector<InvalidVector> InvalidVectors(const std::string& minimal) {
  using C = StatusCode;
  const size_t header_length = test::GetU32(minimal, 16);
  const size_t frame0 = 20 + header_length;  // offset of frame 0
  const size_t frame0_end = frame0 + 12 + test::GetU32(minimal, frame0);
  const size_t footer = minimal.size() - 56;  // offset of the footer
  const auto records = test::MinimalRecords();
  auto at = [](size_t offset) { return "offset " + std::to_string(offset) + ": "; };
  std::vector<InvalidVector> out;
  auto add = [&out](std::string name, std::string bytes, C code, std::string message) {
    out.push_back({std::move(name), std::move(bytes), code, std::move(message)});
  };

  // Preamble and header.
  std::string bad_magic = minimal;
  bad_magic[1] = 'd';
  add("bad-magic.dtm", bad_magic, C::kCorruption, "offset 0: bad magic number: not a DTM manifest");
  add("wrong-version.dtm", WithU32(minimal, 8, 2), C::kCorruption,
      "offset 8: unsupported format version 2 (this reader reads 1)");
  add("nonzero-flags.dtm", WithU32(minimal, 12, 4), C::kCorruption,
      "offset 12: reserved flags are set (4; must be 0, 1 or 2)");
  add("build-part-flag.dtm", WithU32(minimal, 12, 2), C::kCorruption,
      "offset 12: flags 2: a part of a sharded build, not a manifest (dtm merge joins the parts "
      "into one)");
  add("header-build-part.dtm",
      CraftedBytes(records, {}, [](v1::Header* h) { h->mutable_build_part()->set_shards(1); }),
      C::kCorruption, "offset 20: header.build_part is set in a file that is not a build part");
  add("header-length-zero.dtm", WithU32(minimal, 16, 0), C::kCorruption,
      "offset 16: header length is 0");
  add("header-length-oversized.dtm", WithU32(minimal, 16, 0xffffffff), C::kLimitExceeded,
      "offset 16: header length 4294967295 exceeds limit 16777216");

  // Truncations.
  add("truncated-empty.dtm", "", C::kCorruption, "truncated: ended inside the preamble");
  add("truncated-in-preamble.dtm", minimal.substr(0, 10), C::kCorruption,
      "truncated: ended inside the preamble");
  add("truncated-in-header-length.dtm", minimal.substr(0, 18), C::kCorruption,
      "truncated: ended inside the header length");
  add("truncated-in-header.dtm", minimal.substr(0, 20 + header_length / 2), C::kCorruption,
      "truncated: ended inside the header");
  add("truncated-in-frame-header.dtm", minimal.substr(0, frame0 + 6), C::kCorruption,
      "truncated: ended inside frame 0");
  add("truncated-in-frame-data.dtm", minimal.substr(0, frame0 + 20), C::kCorruption,
      "truncated: ended inside frame 0");
  add("truncated-before-end-marker.dtm", minimal.substr(0, frame0_end), C::kCorruption,
      "truncated: ended before frame 1 or the end marker");
  add("truncated-in-footer.dtm", minimal.substr(0, footer + 20), C::kCorruption,
      "truncated: ended inside the footer");
  add("truncated-in-end-magic.dtm", minimal.substr(0, minimal.size() - 1), C::kCorruption,
      "truncated: ended inside the footer");

  // Frame headers over the limits: refused before anything is allocated.
  add("frame-compressed-size-oversized.dtm", WithU32(minimal, frame0, 0xffffffff),
      C::kLimitExceeded, at(frame0) + "frame 0: compressed size 4294967295 exceeds limit 8388608");
  add("frame-uncompressed-size-oversized.dtm", WithU32(minimal, frame0 + 4, 0x40000000),
      C::kLimitExceeded,
      at(frame0) + "frame 0: uncompressed size 1073741824 exceeds limit 8388608");
  add("frame-record-count-oversized.dtm", WithU32(minimal, frame0 + 8, 0x7fffffff),
      C::kLimitExceeded, at(frame0) + "frame 0: record count 2147483647 exceeds limit 1048576");
  // The public-view flag on a full manifest: more records than a view has.
  add("public-view-flag-on-a-manifest.dtm", WithU32(minimal, 12, 1), C::kCorruption,
      at(frame0) + "frame 0: its 5 records make more than a public view's 2 sources and one");
  add("frame-record-count-zero.dtm", WithU32(minimal, frame0 + 8, 0), C::kCorruption,
      at(frame0) + "frame 0: record count is 0");

  // Decompression bombs: 64 MiB of zeros in 2 KiB of zstd. The crafted files
  // have frame 0 at `crafted_frame0`, its zstd data 12 bytes later.
  const size_t crafted_frame0 = 20 + CraftedWithFrame(records, "", 0, 0).header.size();
  const size_t zstd0 = crafted_frame0 + 12;
  const std::string bomb = ZeroBombFrame(64u << 20);
  add("bomb-declared.dtm", CraftedWithFrame(records, bomb, 64u << 20, 5).Build(), C::kLimitExceeded,
      at(crafted_frame0) + "frame 0: uncompressed size 67108864 exceeds limit 8388608");
  add("bomb-content-size.dtm", CraftedWithFrame(records, bomb, 1000, 5).Build(), C::kCorruption,
      at(zstd0) + "frame 0: zstd content size 67108864 does not match the uncompressed size 1000");
  // 8 MiB of zeros, within every size limit, compressed more than 256 times:
  // refused before decompressing (work per input byte is bounded).
  {
    const std::string ratio_bomb = ZeroBombFrame(8u << 20);
    add("bomb-ratio.dtm", CraftedWithFrame(records, ratio_bomb, 8u << 20, 5).Build(),
        C::kLimitExceeded,
        at(crafted_frame0) + "frame 0: uncompressed size 8388608 is more than 256 times the " +
            "compressed size " + std::to_string(ratio_bomb.size()));
  }
  // A frame with more records than the header announces: refused before
  // decompressing it.
  add("frame-records-past-header.dtm",
      CraftedBytes(records, {}, [](v1::Header* h) { h->set_record_count(4); }), C::kCorruption,
      at(crafted_frame0) + "frame 0: its 5 records make more than the 4 of header.record_count");
  // A frame that declares a 1 GiB window (descriptor 0xA0: window log 30).
  add("bomb-window.dtm",
      CraftedWithFrame(records, RawZstdFrameWithWindow("x", 0xA0, true), 1, 1).Build(),
      C::kLimitExceeded, at(zstd0) + "frame 0: zstd window size 1073741824 exceeds limit 8388608");
  add("bomb-no-content-size.dtm",
      CraftedWithFrame(records, RawZstdFrameWithWindow("x", 0x00, false), 1, 1).Build(),
      C::kCorruption, at(zstd0) + "frame 0: zstd frame does not declare its content size");

  // Records inside a frame.
  {
    const std::string payload = test::Varint(4194305) + "x";
    add("record-length-oversized.dtm",
        CraftedWithFrame(records, RawZstdFrame(payload, payload.size()), payload.size(), 1).Build(),
        C::kLimitExceeded, "frame 0: record 0: length 4194305 exceeds limit 4194304");
    const std::string empty = test::Varint(0);
    add("record-empty.dtm",
        CraftedWithFrame(records, RawZstdFrame(empty, empty.size()), empty.size(), 1).Build(),
        C::kCorruption, "frame 0: record 0: length is 0 (a record is not empty)");
    const std::string past = test::Varint(100) + "x";
    add("record-length-past-frame.dtm",
        CraftedWithFrame(records, RawZstdFrame(past, past.size()), past.size(), 1).Build(),
        C::kCorruption, "frame 0: record 0: length 100 runs past the end of the frame");
    const std::string long_varint("\x81\x80\x00", 3);  // 1, not in shortest form
    add("record-length-not-shortest.dtm",
        CraftedWithFrame(records, RawZstdFrame(long_varint, 3), 3, 1).Build(), C::kCorruption,
        "frame 0: record 0: length is not a shortest-form varint");
    const std::string leftover = test::Varint(1) + "x" + "y";
    add("frame-bytes-left-over.dtm",
        CraftedWithFrame(records, RawZstdFrame(leftover, 3), 3, 1).Build(), C::kCorruption,
        "frame 0: 1 bytes left over after its 1 records");
    const std::string not_record = test::Varint(1) + "\xff";
    add("record-not-a-record.dtm",
        CraftedWithFrame(records, RawZstdFrame(not_record, 2), 2, 1).Build(), C::kCorruption,
        "record 0: not a valid dtm.v1.Record");
  }

  // Records and headers not in canonical encoding (container.md, "Canonical encoding").
  {
    std::vector<std::string> bytes;
    for (const v1::Record& r : records) bytes.push_back(SerializeDeterministic(r));
    const size_t file = 2;  // the first file entry of the minimal records
    EXPECT_TRUE(records[file].has_file());
    std::vector<std::string> two_kinds = bytes;
    two_kinds[file] = bytes[0] + bytes[file];  // a source, then a file: decodes as the file
    add("record-two-kinds.dtm", CraftedEncoded(two_kinds, records), C::kCorruption,
        "record 2: not in canonical encoding: the ");
    std::vector<std::string> twice = bytes;
    twice[file] = bytes[file] + bytes[file];  // every field twice: decodes as once
    add("record-field-twice.dtm", CraftedEncoded(twice, records), C::kCorruption,
        "record 2: not in canonical encoding: the ");
    std::vector<std::string> unknown = bytes;
    unknown[file] = bytes[file] + std::string("\xf8\x07\x01", 3);  // field 127 = 1
    add("record-unknown-field.dtm", CraftedEncoded(unknown, records), C::kCorruption,
        "record 2: not in canonical encoding: dtm.v1.Record with unknown fields");
    CraftedManifest m = CraftedOf(records);
    m.header += std::string("\xf8\x07\x01", 3);
    add("header-unknown-field.dtm", m.Build(), C::kCorruption,
        "offset 20: header: not in canonical encoding: dtm.v1.Header with unknown fields");
    add("header-created-year-10000.dtm",
        CraftedBytes(records, {},
                     [](v1::Header* h) { h->mutable_created()->set_seconds(253402300800); }),
        C::kCorruption, "offset 20: header.created: a time outside years 1 to 9999");
    add("header-created-nanos.dtm",
        CraftedBytes(records, {},
                     [](v1::Header* h) { h->mutable_created()->set_nanos(1000000000); }),
        C::kCorruption, "offset 20: header.created: a time outside years 1 to 9999");
  }

  // Footer.
  std::string damaged = minimal;
  damaged[damaged.find("example")] = 'E';  // the dataset name, in the header
  add("footer-digest-mismatch.dtm", damaged, C::kCorruption,
      "footer digest mismatch: file is damaged");
  add("footer-record-count.dtm",
      WithFixedDigest(minimal.substr(0, footer) + U64(6) + minimal.substr(footer + 8)),
      C::kCorruption, at(footer) + "footer counts 6 records, the file has 5");
  add("footer-frame-count.dtm",
      WithFixedDigest(minimal.substr(0, footer + 8) + U64(2) + minimal.substr(footer + 16)),
      C::kCorruption, at(footer) + "footer counts 2 frames, the file has 1");
  std::string end_magic = minimal;
  end_magic[end_magic.size() - 1] = '\0';
  add("bad-end-magic.dtm", end_magic, C::kCorruption, at(minimal.size() - 8) + "bad end magic");
  add("trailing-bytes.dtm", minimal + "\n", C::kCorruption,
      at(minimal.size()) + "unexpected bytes after the footer");

  // Header fields that differ from the records (footer digest correct).
  {
    add("header-record-count.dtm",
        CraftedBytes(records, {}, [](v1::Header* h) { h->set_record_count(6); }), C::kCorruption,
        "header.record_count is 6 but the records give 5");
    std::vector<v1::Record> other = records;
    other[4].mutable_file()->set_size(other[4].file().size() + 1);
    add("header-totals-bytes.dtm", CraftedBytes(records, other), C::kCorruption,
        "header.totals.bytes is 69 but the records give 68");
    other = records;
    other[2].mutable_file()->set_sha256(std::string(32, '\0'));
    add("header-merkle-root.dtm", CraftedBytes(records, other), C::kCorruption,
        "header.merkle_root is " + ToHex(test::HeaderFor(other).merkle_root()) +
            " but the records give " + ToHex(test::HeaderFor(records).merkle_root()));
  }

  // Key trees that differ from the records' keys.
  {
    std::vector<v1::Record> other = records;
    other[2].mutable_file()->set_path("novels/0.txt");
    v1::Header stated, computed;
    KeyTreesOf(other)(&stated);
    KeyTreesOf(records)(&computed);
    add("header-key-tree-root.dtm", CraftedBytes(records, {}, KeyTreesOf(other)), C::kCorruption,
        "header.key_trees[3].root (path) is " + ToHex(stated.key_trees(3).root()) +
            " but the records give " + ToHex(computed.key_trees(3).root()));
    other = records;
    other.pop_back();
    add("header-key-tree-size.dtm", CraftedBytes(records, {}, KeyTreesOf(other)), C::kCorruption,
        "header.key_trees[2].size (content) is 2 but the records give 3");
    add("header-key-trees-three.dtm", CraftedBytes(records, {}, KeyTreesOf(records, 3)),
        C::kCorruption, "header.key_trees has 3 trees; a manifest has none or 4");
  }

  // Records out of canonical order, or breaking a record rule.
  {
    std::vector<v1::Record> r = records;
    std::swap(r[2], r[3]);
    add("out-of-order-files.dtm", CraftedBytes(r, records), C::kCorruption,
        "record 3: file 'novels/a.txt' of source 'books' out of order (after "
        "'novels/b.txt')");
    r = records;
    std::swap(r[0], r[1]);
    add("out-of-order-sources.dtm", CraftedBytes(r, records), C::kCorruption,
        "record 1: source 'books' out of order (after 'web')");
    r = records;
    std::swap(r[3], r[4]);
    add("out-of-order-sources-of-files.dtm", CraftedBytes(r, records), C::kCorruption,
        "record 4: file 'novels/b.txt' of source 'books' out of order (after "
        "the files of source "
        "'web')");
    r = records;
    r[3] = r[2];
    add("duplicate-file.dtm", CraftedBytes(r, records), C::kCorruption,
        "record 3: duplicate file 'novels/a.txt' of source 'books'");
    r = records;
    r.push_back(r[0]);
    add("source-after-files.dtm", CraftedBytes(r, r), C::kCorruption,
        "record 5: source 'books' after the files (sources come first)");
    r = records;
    r[2].mutable_file()->set_path("../etc/passwd");
    add("path-escapes.dtm", CraftedBytes(r, records), C::kCorruption,
        "record 2: file '../etc/passwd' of source 'books': path has a '..' "
        "segment at byte 0");
    r = records;
    r[2].mutable_file()->set_path("novels/\\x61.txt");  // 'a' needs no escape
    add("path-escape-not-needed.dtm", CraftedBytes(r, records), C::kCorruption,
        "record 2: file 'novels/\\x5cx61.txt' of source 'books': path has an escape of a byte "
        "that needs none (the escaped form is not canonical) at byte 7");
    r = records;
    r[2].mutable_file()->set_path("novels/caf\\xe9.txt");
    add("path-escape-lowercase.dtm", CraftedBytes(r, records), C::kCorruption,
        "record 2: file 'novels/caf\\x5cxe9.txt' of source 'books': path has a backslash that "
        "does not begin an escape \\xHH (two uppercase hex digits) at byte 10");
    r = records;
    r[2].mutable_file()->set_path("novels/\\x00a.txt");
    add("path-escape-nul.dtm", CraftedBytes(r, records), C::kCorruption,
        "record 2: file 'novels/\\x5cx00a.txt' of source 'books': path has an escaped NUL byte, "
        "which no file name holds at byte 7");
    r = records;
    r[4].mutable_file()->set_source_id("wiki");
    add("unknown-source.dtm", CraftedBytes(r, records), C::kCorruption,
        "record 4: file 'pages/index.html' of source 'wiki' names an unknown "
        "source");
  }
  return out;
}

// ---- The README

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(message, &out, options).ok());
  return out;
}

// The facts about a valid vector that the README must state.
std::vector<std::string> FactsOf(const ValidVector& v, const std::string& bytes,
                                 const v1::Header& header) {
  std::vector<std::string> facts = {ToHex(Sha256Of(bytes)), ToHex(header.merkle_root()),
                                    ToJson(header)};
  for (const v1::Record& r : v.records) facts.push_back(ToJson(r));
  return facts;
}

std::string ReadFileBytes(const std::string& path) { return testing::ReadAll(path); }

class ContainerVectorsTest : public ::testing::Test {
 protected:
  // The vector `name`: compared with the committed file, or written.
  void Check(const std::string& name, const std::string& bytes) {
    const std::string path = kVectorDir + "/" + name;
    if (Refreshing()) {
      std::filesystem::create_directories(std::filesystem::path(path).parent_path());
      WriteBytes(path, bytes);
      return;
    }
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing";
    EXPECT_TRUE(ReadFileBytes(path) == bytes)
        << path << " differs from what the generator makes (zstd " << ZSTD_versionString()
        << "; the vectors were made with " << kVectorZstdVersion << ")";
  }

  testing::TempDir tmp_;
};

TEST_F(ContainerVectorsTest, ValidVectorsAreReproducedAndCheck) {
  const std::string readme = ReadFileBytes(kVectorDir + "/README.md");
  for (const ValidVector& v : ValidVectors()) {
    SCOPED_TRACE(v.name);
    const std::string path = tmp_.Path(v.name);
    auto header = WriteVector(v, path);
    ASSERT_TRUE(header.ok()) << header.status().ToString();
    const std::string bytes = ReadFileBytes(path);
    if (ZSTD_versionNumber() != kVectorZstdVersion && !Refreshing()) {
      std::printf("  zstd %s: skipping the byte comparison of %s\n", ZSTD_versionString(),
                  v.name.c_str());
    } else {
      Check(v.name, bytes);
    }
    auto integrity = CheckManifest(kVectorDir + "/" + v.name);
    ASSERT_TRUE(integrity.ok()) << integrity.status().ToString();
    EXPECT_EQ(integrity->records, v.records.size());
    EXPECT_EQ(test::GetU64(bytes, bytes.size() - 48), v.frame_count);
    EXPECT_EQ(ToHex(integrity->merkle_root), ToHex(header->merkle_root()));
    for (const std::string& fact : FactsOf(v, bytes, *header)) {
      if (Refreshing()) {
        std::printf("%s: %s\n", v.name.c_str(), fact.c_str());
      } else {
        EXPECT_NE(readme.find(fact), std::string::npos) << "README.md does not state " << fact;
      }
    }
  }
}

TEST_F(ContainerVectorsTest, InvalidVectorsAreReproducedAndRejected) {
  // Derived from the committed minimal.dtm (which the test above compares with
  // the writer's), so that they do not depend on the zstd version.
  std::string minimal_path = kVectorDir + "/minimal.dtm";
  if (Refreshing()) {
    minimal_path = tmp_.Path("minimal.dtm");
    ASSERT_TRUE(WriteVector(ValidVectors()[1], minimal_path).ok());
  }
  const std::string readme = ReadFileBytes(kVectorDir + "/README.md");
  const auto vectors = InvalidVectors(ReadFileBytes(minimal_path));
  for (const InvalidVector& v : vectors) {
    SCOPED_TRACE(v.name);
    Check("invalid/" + v.name, v.bytes);
    const std::string path = kVectorDir + "/invalid/" + v.name;
    auto result = CheckManifest(path);
    ASSERT_FALSE(result.ok()) << "accepted";
    EXPECT_EQ(result.status().code(), v.code) << result.status().ToString();
    EXPECT_EQ(result.status().message().rfind(path + ": " + v.message, 0), 0u)
        << result.status().message() << "\nwant: " << v.message;
    if (Refreshing()) {
      std::printf("| `%s` | %zu | %s | `%s` |\n", v.name.c_str(), v.bytes.size(),
                  v.code == StatusCode::kCorruption ? "kCorruption" : "kLimitExceeded",
                  v.message.c_str());
    } else {
      EXPECT_NE(readme.find("`" + v.name + "`"), std::string::npos) << "README.md lacks it";
      EXPECT_NE(readme.find(v.message), std::string::npos) << "README.md lacks " << v.message;
    }
  }
  // No stray files: every committed invalid vector is generated.
  if (!Refreshing()) {
    size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(kVectorDir + "/invalid")) {
      ++files;
      EXPECT_TRUE(std::any_of(
          vectors.begin(), vectors.end(),
          [&](const InvalidVector& v) { return v.name == e.path().filename().string(); }))
          << e.path() << " is not generated";
    }
    EXPECT_EQ(files, vectors.size());
  }
}

}  // namespace
}  // namespace dtm
