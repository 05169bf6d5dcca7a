#include "dtm/container.h"
#include "merkle/reference.h"

#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "container/container_test_util.h"
#include "testing/temp_dir.h"

namespace dtm {
namespace {

using internal::MerkleRootOf;

using test::CraftedManifest;
using test::CraftedOf;
using test::Frame;
using test::FrameOf;
using test::FramePayload;
using test::MakeFile;
using test::MakeSource;
using test::RawZstdFrame;
using test::SerializeDeterministic;

std::string ReadBytes(const std::string& path) { return testing::ReadAll(path); }
void WriteBytes(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Reads every record; the Status of the first failure otherwise.
StatusOr<std::vector<std::string>> ReadAll(const std::string& path,
                                           const ContainerLimits& limits = {}) {
  DTM_ASSIGN_OR_RETURN(auto reader, ManifestReader::Open(path, limits));
  std::vector<std::string> out;
  std::string_view record;
  for (;;) {
    DTM_ASSIGN_OR_RETURN(const bool more, reader->Next(&record));
    if (!more) break;
    out.emplace_back(record);
  }
  return out;
}

std::vector<v1::Record> ManyRecords(int sources, int files_per_source) {
  std::vector<v1::Record> records;
  for (int s = 0; s < sources; ++s) records.push_back(MakeSource("s" + std::to_string(s)));
  for (int s = 0; s < sources; ++s) {
    for (int f = 0; f < files_per_source; ++f) {
      char path[32];
      std::snprintf(path, sizeof path, "dir/%08d.txt", f);
      records.push_back(MakeFile("s" + std::to_string(s), path, f));
    }
  }
  return records;
}

class ContainerTest : public ::testing::Test {
 public:
  std::string Path(const std::string& name) const { return tmp_.Path(name); }
  std::vector<std::string> DirEntries() const { return tmp_.Names(); }
  StatusOr<v1::Header> Write(const std::string& path, const std::vector<v1::Record>& records,
                             v1::Header header = {}, const ContainerLimits& limits = {}) {
    DTM_ASSIGN_OR_RETURN(auto writer, ManifestWriter::Create(path, limits));
    for (const v1::Record& r : records) DTM_RETURN_IF_ERROR(writer->Add(r));
    return writer->Finish(header);
  }
  // Writes `bytes` as x.dtm and returns what reading all of it gives.
  Status ReadCrafted(const std::string& bytes, const ContainerLimits& limits = {}) {
    WriteBytes(Path("x.dtm"), bytes);
    return ReadAll(Path("x.dtm"), limits).status();
  }
  void ExpectError(const Status& s, StatusCode code, const std::string& message) {
    EXPECT_EQ(s.code(), code) << s.ToString();
    EXPECT_EQ(s.message(), message);
  }

  testing::TempDir tmp_;
  const std::string& dir_ = tmp_.path();
};

// Round trips N records and checks everything a reader can see.
void RoundTrip(ContainerTest* t, const std::string& path, const std::vector<v1::Record>& records,
               uint64_t expected_frames, const ContainerLimits& limits = {}) {
  v1::Header given;
  given.mutable_dataset()->set_name("rt");
  auto written = t->Write(path, records, given, limits);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  std::vector<Sha256Digest> leaves;
  for (const v1::Record& r : records) leaves.push_back(MerkleLeafHash(SerializeDeterministic(r)));

  auto reader = ManifestReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const v1::Header& h = (*reader)->header();
  EXPECT_EQ(h.schema(), "dtm/v1");
  EXPECT_EQ(h.dataset().name(), "rt");
  EXPECT_EQ(h.record_count(), records.size());
  EXPECT_EQ(h.merkle_root(), std::string(AsBytes(MerkleRootOf(leaves))));
  EXPECT_EQ(SerializeDeterministic(h), SerializeDeterministic(*written));
  EXPECT_EQ((*reader)->header_bytes(), SerializeDeterministic(*written));
  std::string_view bytes;
  for (size_t i = 0; i < records.size(); ++i) {
    auto more = (*reader)->Next(&bytes);
    ASSERT_TRUE(more.ok() && *more) << i << ": " << more.status().ToString();
    ASSERT_EQ(bytes, SerializeDeterministic(records[i])) << i;
  }
  auto end = (*reader)->Next(&bytes);
  ASSERT_TRUE(end.ok()) << end.status().ToString();
  EXPECT_FALSE(*end);
  EXPECT_EQ((*reader)->records_read(), records.size());
  const std::string file = ReadBytes(path);
  EXPECT_EQ((*reader)->file_sha256(), Sha256Of(file));
  EXPECT_EQ(test::GetU64(file, file.size() - 48), expected_frames);
  EXPECT_EQ(test::GetU64(file, file.size() - 56), records.size());

  auto check = CheckManifest(path, limits);
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(check->records, records.size());
  EXPECT_EQ(check->merkle_root, MerkleRootOf(leaves));
  EXPECT_EQ(check->file_sha256, Sha256Of(file));
}

TEST_F(ContainerTest, RoundTripEmpty) {
  RoundTrip(this, Path("empty.dtm"), {}, 0);
  auto reader = ManifestReader::Open(Path("empty.dtm"));
  ASSERT_TRUE(reader.ok());
  // Preamble, header length and header, end marker, footer: no frames.
  EXPECT_EQ(ReadBytes(Path("empty.dtm")).size(),
            16u + 4 + (*reader)->header_bytes().size() + 4 + 16 + 32 + 8);
}

TEST_F(ContainerTest, RoundTripOneRecord) {
  RoundTrip(this, Path("one.dtm"), {MakeSource("a")}, 1);
}

TEST_F(ContainerTest, RoundTripManyFramesByCount) {
  // 2 + 40000 records: frames of 16384 records.
  RoundTrip(this, Path("many.dtm"), ManyRecords(2, 20000), 3);
}

TEST_F(ContainerTest, RoundTripManyFramesByBytes) {
  // Sources with ~300 KB descriptions (of letters that do not repeat, so that
  // frames compress as real ones do): a frame closes before passing 1 MiB,
  // and a record larger than that gets a frame of its own. Sources this large
  // need limits above the defaults.
  uint32_t seed = 1;
  auto letters = [&](size_t n) {
    std::string text(n, ' ');
    for (char& c : text) {
      seed = seed * 1103515245u + 12345u;
      c = static_cast<char>('a' + (seed >> 16) % 26);
    }
    return text;
  };
  std::vector<v1::Record> records;
  for (int i = 0; i < 7; ++i) {
    v1::Record r = MakeSource("s" + std::to_string(i));
    r.mutable_source()->set_description(letters(300000));
    records.push_back(r);
  }
  v1::Record big = MakeSource("z");
  big.mutable_source()->set_description(letters(1500000));
  records.push_back(big);
  ContainerLimits limits;
  limits.max_source_record_bytes = 2u << 20;
  RoundTrip(this, Path("big.dtm"), records, 4, limits);  // 3 + 3 + 1 + 1
}

TEST_F(ContainerTest, WriterIsDeterministic) {
  const auto records = ManyRecords(3, 1000);
  v1::Header h = test::MinimalHeader();
  ASSERT_TRUE(Write(Path("a.dtm"), records, h).ok());
  ASSERT_TRUE(Write(Path("b.dtm"), records, h).ok());
  EXPECT_EQ(ReadBytes(Path("a.dtm")), ReadBytes(Path("b.dtm")));
}

TEST_F(ContainerTest, CraftedRawBlockManifestIsReadLikeAWrittenOne) {
  // A reader accepts any zstd encoding: here raw blocks, as an independent writer might make.
  const auto records = test::MinimalRecords();
  ASSERT_TRUE(ReadCrafted(CraftedOf(records).Build()).ok());
  auto check = CheckManifest(Path("x.dtm"));
  ASSERT_TRUE(check.ok()) << check.status().ToString();
}

TEST_F(ContainerTest, UnfinishedWriterLeavesNothing) {
  WriteBytes(Path("m.dtm"), "old");
  {
    auto writer = ManifestWriter::Create(Path("m.dtm"));
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Add(MakeSource("a")).ok());
    // The body file is unlinked from the start: a crash here leaves nothing.
    EXPECT_EQ(DirEntries(), std::vector<std::string>{"m.dtm"});
  }
  EXPECT_EQ(DirEntries(), std::vector<std::string>{"m.dtm"});
  EXPECT_EQ(ReadBytes(Path("m.dtm")), "old");
}

TEST_F(ContainerTest, FailedWriterLeavesNothing) {
  {
    auto writer = ManifestWriter::Create(Path("m.dtm"));
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Add(MakeSource("b")).ok());
    Status s = (*writer)->Add(MakeSource("a"));
    ExpectError(s, StatusCode::kInvalidArgument,
                Path("m.dtm") + ": record 1: source 'a' out of order (after 'b')");
    // Unusable after an error.
    EXPECT_EQ((*writer)->Add(MakeSource("c")).code(), StatusCode::kInvalidArgument);
    auto finished = (*writer)->Finish({});
    EXPECT_FALSE(finished.ok());
    EXPECT_NE(finished.status().message().find("writer unusable after an earlier error"),
              std::string::npos)
        << finished.status().message();
  }
  EXPECT_TRUE(DirEntries().empty());
}

TEST_F(ContainerTest, FinishedWriterLeavesOnlyTheTarget) {
  WriteBytes(Path("m.dtm"), "old");
  auto writer = ManifestWriter::Create(Path("m.dtm"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Add(MakeSource("a")).ok());
  ASSERT_TRUE((*writer)->Finish({}).ok());
  EXPECT_EQ(DirEntries(), std::vector<std::string>{"m.dtm"});
  EXPECT_TRUE(CheckManifest(Path("m.dtm")).ok());
  EXPECT_EQ((*writer)->Add(MakeSource("b")).code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE((*writer)->Finish({}).ok());
  writer->reset();
  EXPECT_EQ(DirEntries(), std::vector<std::string>{"m.dtm"});
}

TEST_F(ContainerTest, WriterInMissingDirectoryFails) {
  auto writer = ManifestWriter::Create(Path("no/such/m.dtm"));
  EXPECT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find("cannot create temporary file"), std::string::npos);
}

TEST_F(ContainerTest, WriterLimits) {
  ContainerLimits limits;
  limits.max_record_bytes = 100;
  auto writer = ManifestWriter::Create(Path("m.dtm"), limits);
  ASSERT_TRUE(writer.ok());
  v1::Record r = MakeSource("a");
  r.mutable_source()->set_description(std::string(200, 'x'));
  Status s = (*writer)->Add(r);
  EXPECT_EQ(s.code(), StatusCode::kLimitExceeded);
  EXPECT_NE(s.message().find("record 0 is "), std::string::npos) << s.message();

  limits = {};
  limits.max_sources = 1;
  writer = ManifestWriter::Create(Path("m.dtm"), limits);
  ASSERT_TRUE((*writer)->Add(MakeSource("a")).ok());
  EXPECT_EQ((*writer)->Add(MakeSource("b")).code(), StatusCode::kLimitExceeded);

  limits = {};
  limits.max_frame_bytes = limits.max_record_bytes;
  EXPECT_EQ(ManifestWriter::Create(Path("m.dtm"), limits).status().code(),
            StatusCode::kInvalidArgument);

  // The frame policy must fit the limits.
  for (FramePolicy policy :
       {FramePolicy{(8u << 20) + 1, 1}, FramePolicy{1024, 0}, FramePolicy{1024, (1u << 20) + 1}}) {
    auto bad = ManifestWriter::Create(Path("m.dtm"), {}, policy);
    EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(bad.status().message().find("frame policy"), std::string::npos)
        << bad.status().message();
  }

  // With custom limits a frame can compress to more than max_frame_bytes (an
  // incompressible record gains zstd's headers): the writer refuses to write
  // what a reader with those limits would refuse.
  limits = {};
  limits.max_record_bytes = 995;
  limits.max_frame_bytes = 1000;
  writer = ManifestWriter::Create(Path("m.dtm"), limits, FramePolicy{1000, 16});
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  std::string noise;
  for (int i = 0; noise.size() < 1000; ++i) noise += AsBytes(Sha256Of(std::to_string(i)));
  r = MakeSource("a");
  v1::CustomLicense* custom = r.mutable_source()->mutable_license()->add_custom();
  custom->set_text_sha256(noise.substr(0, 995 - r.ByteSizeLong() - 6));  // a bytes field
  ASSERT_EQ(r.ByteSizeLong(), 995u);  // 6: tags and lengths of custom and text_sha256
  ASSERT_TRUE((*writer)->Add(r).ok());
  auto finished = (*writer)->Finish({});
  EXPECT_EQ(finished.status().code(), StatusCode::kLimitExceeded) << finished.status().ToString();
  EXPECT_NE(finished.status().message().find("frame 0 compresses to "), std::string::npos)
      << finished.status().message();
  EXPECT_FALSE(std::filesystem::exists(Path("m.dtm")));
}

TEST_F(ContainerTest, FramePolicyCutsFrames) {
  const auto records = ManyRecords(2, 10);  // 22 records
  auto writer = ManifestWriter::Create(Path("m.dtm"), {}, FramePolicy{1u << 20, 5});
  ASSERT_TRUE(writer.ok());
  for (const v1::Record& r : records) ASSERT_TRUE((*writer)->Add(r).ok());
  ASSERT_TRUE((*writer)->Finish({}).ok());
  std::string bytes = ReadBytes(Path("m.dtm"));
  EXPECT_EQ(test::GetU64(bytes, bytes.size() - 48), 5u);  // 5 + 5 + 5 + 5 + 2
  auto read = ReadAll(Path("m.dtm"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->size(), records.size());

  // By bytes: each record is over 100 bytes, so each gets a frame of its own.
  writer = ManifestWriter::Create(Path("m.dtm"), {}, FramePolicy{100, 16384});
  ASSERT_TRUE(writer.ok());
  for (int i = 0; i < 3; ++i) {
    v1::Record r = MakeSource("s" + std::to_string(i));
    r.mutable_source()->set_description(std::string(120, 'x'));
    ASSERT_TRUE((*writer)->Add(r).ok());
  }
  ASSERT_TRUE((*writer)->Finish({}).ok());
  bytes = ReadBytes(Path("m.dtm"));
  EXPECT_EQ(test::GetU64(bytes, bytes.size() - 48), 3u);
}

TEST_F(ContainerTest, TruncationAtEveryOffsetIsRejected) {
  ASSERT_TRUE(test::WriteMinimalManifest(Path("m.dtm")).ok());
  const std::string full = ReadBytes(Path("m.dtm"));
  for (size_t len = 0; len < full.size(); ++len) {
    WriteBytes(Path("t.dtm"), std::string_view(full).substr(0, len));
    Status s = ReadAll(Path("t.dtm")).status();
    ASSERT_EQ(s.code(), StatusCode::kCorruption) << len << ": " << s.ToString();
    EXPECT_NE(s.message().find("truncated: ended "), std::string::npos)
        << len << ": " << s.message();
  }
}

TEST_F(ContainerTest, FlippingAnyByteIsRejected) {
  ASSERT_TRUE(test::WriteMinimalManifest(Path("m.dtm")).ok());
  const std::string full = ReadBytes(Path("m.dtm"));
  google::protobuf::LogSilencer quiet;  // damaged strings make protobuf log invalid UTF-8
  for (size_t i = 0; i < full.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80}) {
      std::string damaged = full;
      damaged[i] = static_cast<char>(damaged[i] ^ mask);
      WriteBytes(Path("d.dtm"), damaged);
      Status s = CheckManifest(Path("d.dtm")).status();
      ASSERT_FALSE(s.ok()) << "byte " << i << " mask " << int(mask);
      EXPECT_TRUE(s.code() == StatusCode::kCorruption || s.code() == StatusCode::kLimitExceeded)
          << i << ": " << s.ToString();
    }
  }
}

TEST_F(ContainerTest, PreambleAndHeaderErrors) {
  const CraftedManifest good = CraftedOf(test::MinimalRecords());
  const std::string x = Path("x.dtm");
  CraftedManifest m = good;
  m.magic[1] = 'X';
  ExpectError(ReadCrafted(m.Build()), StatusCode::kCorruption,
              x + ": offset 0: bad magic number: not a DTM manifest");
  m = good;
  m.version = 2;
  ExpectError(ReadCrafted(m.Build()), StatusCode::kCorruption,
              x + ": offset 8: unsupported format version 2 (this reader reads 1)");
  m = good;
  m.flags = 4;
  ExpectError(ReadCrafted(m.Build()), StatusCode::kCorruption,
              x + ": offset 12: reserved flags are set (4; must be 0, 1 or 2)");
  m = good;
  m.header_length = 0;
  ExpectError(ReadCrafted(m.Build()), StatusCode::kCorruption,
              x + ": offset 16: header length is 0");
  ContainerLimits limits;
  limits.max_header_bytes = 10;
  ExpectError(
      ReadCrafted(good.Build(), limits), StatusCode::kLimitExceeded,
      x + ": offset 16: header length " + std::to_string(good.header.size()) + " exceeds limit 10");
  m = good;
  m.header_length = 0xffffffff;
  ExpectError(ReadCrafted(m.Build()), StatusCode::kLimitExceeded,
              x + ": offset 16: header length 4294967295 exceeds limit 16777216");
  m = good;
  m.header = "\xff";
  ExpectError(ReadCrafted(m.Build()), StatusCode::kCorruption,
              x + ": offset 20: header: not a valid dtm.v1.Header");
  m = good;
  v1::Header h;
  h.set_schema("dtm/v2");
  m.header = SerializeDeterministic(h);
  ExpectError(ReadCrafted(m.Build()), StatusCode::kCorruption,
              x + ": offset 20: header.schema is 'dtm/v2', expected 'dtm/v1'");
  ExpectError(ReadCrafted(""), StatusCode::kCorruption,
              x + ": truncated: ended inside the preamble");
  ExpectError(ManifestReader::Open(Path("missing.dtm")).status(), StatusCode::kNotFound,
              Path("missing.dtm") + ": cannot open: No such file or directory");
  ExpectError(ManifestReader::Open(dir_).status(), StatusCode::kIOError,
              dir_ + ": read failed: Is a directory");
}

TEST_F(ContainerTest, FrameErrors) {
  const auto records = test::MinimalRecords();
  const CraftedManifest good = CraftedOf(records);
  const std::string x = Path("x.dtm");
  const std::string at = x + ": offset " + std::to_string(20 + good.header.size()) + ": frame 0: ";
  const std::string record0 = SerializeDeterministic(records[0]);
  const std::string payload = FramePayload({record0});
  const uint32_t n = static_cast<uint32_t>(payload.size());
  auto with_frame = [&](const std::string& frame) {
    CraftedManifest m = good;
    m.frames = {frame};
    return m.Build();
  };

  ExpectError(ReadCrafted(with_frame(Frame(std::string(9999999, 'z'), n, 1))),
              StatusCode::kLimitExceeded, at + "compressed size 9999999 exceeds limit 8388608");
  ExpectError(ReadCrafted(with_frame(Frame(RawZstdFrame(payload, n), 9000000, 1))),
              StatusCode::kLimitExceeded, at + "uncompressed size 9000000 exceeds limit 8388608");
  ExpectError(ReadCrafted(with_frame(Frame(RawZstdFrame(payload, n), n, 2000000))),
              StatusCode::kLimitExceeded, at + "record count 2000000 exceeds limit 1048576");
  ExpectError(ReadCrafted(with_frame(Frame(RawZstdFrame(payload, n), n, 0))),
              StatusCode::kCorruption, at + "record count is 0");
  ExpectError(ReadCrafted(with_frame(Frame(RawZstdFrame(payload, n), 3, 4))),
              StatusCode::kCorruption, at + "4 records cannot fit in 3 bytes");

  const std::string zat =
      x + ": offset " + std::to_string(20 + good.header.size() + 12) + ": frame 0: ";
  ExpectError(ReadCrafted(with_frame(Frame(RawZstdFrame(payload, n + 1), n, 1))),
              StatusCode::kCorruption,
              zat + "zstd content size " + std::to_string(n + 1) +
                  " does not match the uncompressed size " + std::to_string(n));
  ExpectError(
      ReadCrafted(with_frame(Frame(test::RawZstdFrameWithWindow(payload, 0x08, false), n, 1))),
      StatusCode::kCorruption, zat + "zstd frame does not declare its content size");
  // Window descriptor exponent 20: window log 30, 1 GiB.
  ExpectError(
      ReadCrafted(with_frame(Frame(test::RawZstdFrameWithWindow(payload, 20 << 3, true), n, 1))),
      StatusCode::kLimitExceeded, zat + "zstd window size 1073741824 exceeds limit 8388608");
  ExpectError(ReadCrafted(with_frame(Frame(RawZstdFrame(payload, n) + RawZstdFrame("", 0), n, 1))),
              StatusCode::kCorruption, zat + "12 bytes follow the zstd frame");
  ExpectError(ReadCrafted(with_frame(Frame("not zstd at all", n, 1))), StatusCode::kCorruption,
              zat + "not a zstd frame: Unknown frame descriptor");
  std::string skippable = test::U32(0x184D2A50) + test::U32(4) + "abcd";
  ExpectError(ReadCrafted(with_frame(Frame(skippable, n, 1))), StatusCode::kCorruption,
              zat + "is a zstd skippable frame");
  std::string damaged = RawZstdFrame(payload, n);
  damaged.pop_back();  // the block claims one byte more than there is
  ExpectError(ReadCrafted(with_frame(Frame(damaged, n, 1))), StatusCode::kCorruption,
              zat + "damaged zstd frame: Src size is incorrect");
}

TEST_F(ContainerTest, RecordFramingErrors) {
  const auto records = test::MinimalRecords();
  const CraftedManifest good = CraftedOf(records);
  const std::string x = Path("x.dtm");
  auto read_payload = [&](const std::string& payload, uint32_t count,
                          const ContainerLimits& limits = {}) {
    CraftedManifest m = good;
    m.frames = {Frame(RawZstdFrame(payload, static_cast<uint32_t>(payload.size())),
                      static_cast<uint32_t>(payload.size()), count)};
    return ReadCrafted(m.Build(), limits);
  };
  const std::string r0 = SerializeDeterministic(records[0]);
  ExpectError(read_payload(test::Varint(r0.size() + 1) + r0, 1), StatusCode::kCorruption,
              x + ": frame 0: record 0: length " + std::to_string(r0.size() + 1) +
                  " runs past the end of the frame");
  ExpectError(read_payload(FramePayload({r0}) + "\x01", 1), StatusCode::kCorruption,
              x + ": frame 0: 1 bytes left over after its 1 records");
  ExpectError(read_payload(FramePayload({r0}) + "\x80", 2), StatusCode::kCorruption,
              x + ": frame 0: record 1: the frame ends inside its length");
  ExpectError(read_payload(std::string("\x85\x00", 2) + std::string(5, 'a'), 1),
              StatusCode::kCorruption,
              x + ": frame 0: record 0: length is not a shortest-form varint");
  ExpectError(read_payload("\xff\xff\xff\xff\x7f", 1), StatusCode::kCorruption,
              x + ": frame 0: record 0: length is not a 32-bit varint");
  ContainerLimits limits;
  limits.max_record_bytes = 10;
  ExpectError(read_payload(FramePayload({r0}), 1, limits), StatusCode::kLimitExceeded,
              x + ": frame 0: record 0: length " + std::to_string(r0.size()) + " exceeds limit 10");
  // Well framed, but not a Record: the raw reader passes it, decoding fails.
  CraftedManifest m = good;
  m.frames = {FrameOf({"\xff\xff"})};
  WriteBytes(x, m.Build());
  auto reader = ManifestReader::Open(x);
  ASSERT_TRUE(reader.ok());
  v1::Record record;
  ExpectError((*reader)->Next(&record).status(), StatusCode::kCorruption,
              x + ": record 0: not a valid dtm.v1.Record");
  ExpectError(CheckManifest(x).status(), StatusCode::kCorruption,
              x + ": record 0: not a valid dtm.v1.Record");
}

TEST_F(ContainerTest, FooterErrors) {
  const CraftedManifest good = CraftedOf(test::MinimalRecords());
  const std::string x = Path("x.dtm");
  const std::string bytes = good.Build();
  const size_t footer_at = bytes.size() - 56;
  CraftedManifest m = good;
  m.trailing = "x";
  ExpectError(
      ReadCrafted(m.Build()), StatusCode::kCorruption,
      x + ": offset " + std::to_string(bytes.size()) + ": unexpected bytes after the footer");
  m = good;
  m.footer_records = 4;
  ExpectError(
      ReadCrafted(m.Build()), StatusCode::kCorruption,
      x + ": offset " + std::to_string(footer_at) + ": footer counts 4 records, the file has 5");
  m = good;
  m.footer_frames = 2;
  ExpectError(
      ReadCrafted(m.Build()), StatusCode::kCorruption,
      x + ": offset " + std::to_string(footer_at) + ": footer counts 2 frames, the file has 1");
  std::string damaged = bytes;
  damaged[footer_at - 4 - 1] ^= 1;  // last byte of the frame: zstd keeps it as raw data
  ExpectError(ReadCrafted(damaged), StatusCode::kCorruption,
              x + ": footer digest mismatch: file is damaged");
  damaged = bytes;
  damaged.back() = 'X';
  ExpectError(ReadCrafted(damaged), StatusCode::kCorruption,
              x + ": offset " + std::to_string(bytes.size() - 8) + ": bad end magic");
  ExpectError(ReadCrafted(bytes.substr(0, footer_at - 4)), StatusCode::kCorruption,
              x + ": truncated: ended before frame 1 or the end marker");
  ExpectError(ReadCrafted(bytes.substr(0, footer_at - 6)), StatusCode::kCorruption,
              x + ": truncated: ended inside frame 0");
  ExpectError(ReadCrafted(bytes.substr(0, footer_at + 3)), StatusCode::kCorruption,
              x + ": truncated: ended inside the footer");
}

TEST_F(ContainerTest, CheckManifestComparesHeaderWithRecords) {
  const auto records = test::MinimalRecords();
  const std::string x = Path("x.dtm");
  auto check_with = [&](void (*edit)(v1::Header*)) {
    CraftedManifest m = CraftedOf(records);
    v1::Header h = test::HeaderFor(records);
    edit(&h);
    m.header = SerializeDeterministic(h);
    WriteBytes(x, m.Build());
    return CheckManifest(x).status();
  };
  // Fewer records announced than a frame holds: refused before the frame is
  // decompressed (a reader does no more work than the header announces).
  const Status fewer = check_with([](v1::Header* h) { h->set_record_count(4); });
  EXPECT_EQ(fewer.code(), StatusCode::kCorruption);
  EXPECT_TRUE(fewer.message().ends_with(
      ": frame 0: its 5 records make more than the 4 of header.record_count"))
      << fewer.ToString();
  ExpectError(check_with([](v1::Header* h) { h->set_record_count(6); }), StatusCode::kCorruption,
              x + ": header.record_count is 6 but the records give 5");
  ExpectError(check_with([](v1::Header* h) { h->mutable_totals()->set_bytes(100); }),
              StatusCode::kCorruption, x + ": header.totals.bytes is 100 but the records give 68");
  ExpectError(check_with([](v1::Header* h) { h->mutable_totals()->set_hours(0.5); }),
              StatusCode::kCorruption, x + ": header.totals.hours is 0.5 but the records give 0");
  ExpectError(check_with([](v1::Header* h) { h->mutable_composition()->clear_by_modality(); }),
              StatusCode::kCorruption,
              x + ": header.composition.by_modality has 0 rows but the records give 1");
  ExpectError(check_with([](v1::Header* h) {
                h->mutable_composition()->mutable_by_use_class(1)->set_files(9);
              }),
              StatusCode::kCorruption,
              x + ": header.composition.by_use_class[1].files is 9 but the records give 2");
  ExpectError(check_with([](v1::Header* h) { h->set_merkle_root("short"); }),
              StatusCode::kCorruption, x + ": header.merkle_root is 5 bytes, must be 32");
  const Sha256Digest zero{};
  ExpectError(check_with([](v1::Header* h) { h->set_merkle_root(std::string(32, '\0')); }),
              StatusCode::kCorruption,
              x + ": header.merkle_root is " + ToHex(zero) + " but the records give " +
                  ToHex(MerkleRootOf([&] {
                    std::vector<Sha256Digest> leaves;
                    for (const auto& r : records) {
                      leaves.push_back(MerkleLeafHash(SerializeDeterministic(r)));
                    }
                    return leaves;
                  }())));
}

TEST_F(ContainerTest, CheckManifestAppliesRecordRules) {
  const std::string x = Path("x.dtm");
  std::vector<v1::Record> records = {MakeSource("web"), MakeFile("web", "a/c"),
                                     MakeFile("web", "a/b")};
  WriteBytes(x, CraftedOf(records).Build());
  ExpectError(CheckManifest(x).status(), StatusCode::kCorruption,
              x + ": record 2: file 'a/b' of source 'web' out of order (after 'a/c')");
  records = {MakeSource("a"), MakeSource("b")};
  ContainerLimits limits;
  limits.max_sources = 1;
  WriteBytes(x, CraftedOf(records).Build());
  ExpectError(CheckManifest(x, limits).status(), StatusCode::kLimitExceeded,
              x + ": record 1: source 'b': more than 1 sources");
  // An empty record is refused by the reader; a record of an unknown kind (a
  // field this schema does not have) by the record rules.
  records = {v1::Record()};
  WriteBytes(x, CraftedOf(records).Build());
  ExpectError(CheckManifest(x).status(), StatusCode::kCorruption,
              x + ": frame 0: record 0: length is 0 (a record is not empty)");
  v1::Record unknown;
  unknown.GetReflection()->MutableUnknownFields(&unknown)->AddVarint(99, 0);
  records = {unknown};
  WriteBytes(x, CraftedOf(records).Build());
  ExpectError(CheckManifest(x).status(), StatusCode::kCorruption,
              x + ": record 0: not in canonical encoding: dtm.v1.Record with unknown fields");
}

}  // namespace
}  // namespace dtm
