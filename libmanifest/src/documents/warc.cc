// WARC 1.0/1.1 documents (spec/documents.md, "WARC"): response, resource and
// conversion records, plain or one gzip member per record.
#include <zlib.h>

#include <cstring>
#include <optional>

#include "base/text.h"
#include "documents/decompress.h"
#include "documents/formats.h"
#include "dtm/documents.h"

namespace dtm::internal {
namespace {

constexpr size_t kMaxWarcHeaderBytes = 64u << 10;

// Buffered reads of the decompressed stream, with its offset.
class StreamReader {
 public:
  explicit StreamReader(DecompressingSource& in) : in_(in) {}

  // The next line without its "\r\n" or "\n"; nullopt at the end of the
  // stream. A line over `max` bytes is kLimitExceeded; errors of the stream
  // are returned as they are.
  StatusOr<std::optional<std::string>> Line(size_t max) {
    std::string line;
    for (;;) {
      if (pos_ == buf_.size()) {
        DTM_ASSIGN_OR_RETURN(bool more, Fill());
        if (!more) {
          if (line.empty()) return std::optional<std::string>();
          return std::optional<std::string>(std::move(line));
        }
      }
      const char* start = buf_.data() + pos_;
      const char* nl = static_cast<const char*>(std::memchr(start, '\n', buf_.size() - pos_));
      const size_t take = nl != nullptr ? static_cast<size_t>(nl - start) : buf_.size() - pos_;
      line.append(start, take);
      pos_ += take;
      offset_ += take;
      if (line.size() > max) return Status::LimitExceeded("line", "too long");
      if (nl != nullptr) {
        ++pos_;
        ++offset_;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return std::optional<std::string>(std::move(line));
      }
    }
  }

  // Up to `n` bytes appended to *out (fewer only at the end of the stream);
  // with out == nullptr they are only passed over. Each block is also given
  // to `sha`, when set.
  StatusOr<uint64_t> Take(uint64_t n, std::string* out, Sha256* sha) {
    uint64_t got = 0;
    while (got < n) {
      if (pos_ == buf_.size()) {
        DTM_ASSIGN_OR_RETURN(bool more, Fill());
        if (!more) break;
      }
      const size_t take = static_cast<size_t>(std::min<uint64_t>(n - got, buf_.size() - pos_));
      if (out != nullptr) out->append(buf_.data() + pos_, take);
      if (sha != nullptr) sha->Update(buf_.data() + pos_, take);
      pos_ += take;
      offset_ += take;
      got += take;
    }
    return got;
  }

  // Passes over "\r" and "\n" bytes (the blank lines between records).
  Status SkipLineEnds() {
    for (;;) {
      if (pos_ == buf_.size()) {
        DTM_ASSIGN_OR_RETURN(bool more, Fill());
        if (!more) return Status::Ok();
      }
      if (buf_[pos_] != '\r' && buf_[pos_] != '\n') return Status::Ok();
      ++pos_;
      ++offset_;
    }
  }

  uint64_t offset() const { return offset_; }
  // The compressed offset of the gzip member that holds the next byte.
  uint64_t member_start() const { return in_.member_start(); }
  bool gzip() const { return in_.compression() == Compression::kGzip; }

 private:
  StatusOr<bool> Fill() {
    buf_.resize(1u << 16);
    DTM_ASSIGN_OR_RETURN(size_t n, in_.Read(buf_.data(), buf_.size()));
    buf_.resize(n);
    pos_ = 0;
    return n > 0;
  }

  DecompressingSource& in_;
  std::string buf_;
  size_t pos_ = 0;
  uint64_t offset_ = 0;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string FieldOf(const Fields& fields, std::string_view name) {
  for (const auto& [k, v] : fields) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return {};
}

// "Name: value" lines (a line starting with space or tab continues the
// previous value) from `text` up to an empty line; returns the offset after
// it, or npos if there is none.
size_t ParseFields(std::string_view text, Fields* fields) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) return std::string_view::npos;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    if (line.empty()) return pos;
    if ((line[0] == ' ' || line[0] == '\t') && !fields->empty()) {
      fields->back().second += " " + std::string(Trim(line));
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // not a field: ignored, as readers do
    fields->emplace_back(std::string(Trim(line.substr(0, colon))),
                         std::string(Trim(line.substr(colon + 1))));
  }
  return std::string_view::npos;
}

// The body of "Transfer-Encoding: chunked", or nullopt if it is not validly
// chunked (then the payload is taken as it is).
std::optional<std::string> Dechunk(std::string_view body) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    const size_t eol = body.find("\r\n", pos);
    if (eol == std::string_view::npos) return std::nullopt;
    std::string_view size_text = body.substr(pos, eol - pos);
    size_text = size_text.substr(0, size_text.find(';'));  // chunk extensions
    size_text = Trim(size_text);
    if (size_text.empty() || size_text.size() > 15) return std::nullopt;
    uint64_t size = 0;
    for (char c : size_text) {
      const int v =
          std::isxdigit(static_cast<unsigned char>(c))
              ? (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (c | 0x20) - 'a' + 10)
              : -1;
      if (v < 0) return std::nullopt;
      size = size * 16 + static_cast<uint64_t>(v);
    }
    pos = eol + 2;
    if (size == 0) return out;  // trailers, if any, are not payload
    if (body.size() - pos < size + 2 || body.substr(pos + size, 2) != "\r\n") return std::nullopt;
    out.append(body.substr(pos, size));
    pos += size + 2;
  }
}

// gzip or zlib/deflate content decoded, or nullopt if it is not.
std::optional<std::string> Inflate(std::string_view data, bool gzip) {
  z_stream z{};
  if (inflateInit2(&z, gzip ? 16 + MAX_WBITS : MAX_WBITS) != Z_OK) return std::nullopt;
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  char buf[1 << 14];
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (out.size() > kMaxDocumentBytes) rc = Z_MEM_ERROR;
    if (rc == Z_BUF_ERROR) break;
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

// The payload of a response record's HTTP message: after the header, de-chunked
// when it says chunked (and is), decoded from gzip or deflate. nullopt when it
// has no text (another content encoding, or one that does not decode).
std::optional<std::string> HttpPayload(std::string_view block) {
  Fields headers;
  const size_t body_at = ParseFields(block, &headers);
  if (body_at == std::string_view::npos) return std::nullopt;  // no end of header
  std::string_view body = block.substr(body_at);
  std::string payload(body);
  std::string te = FieldOf(headers, "Transfer-Encoding");
  for (char& c : te) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (te.find("chunked") != std::string::npos) {
    if (std::optional<std::string> d = Dechunk(body)) payload = std::move(*d);
  }
  std::string ce = FieldOf(headers, "Content-Encoding");
  for (char& c : ce) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ce.empty() || ce == "identity") return payload;
  if (ce == "gzip" || ce == "x-gzip") return Inflate(payload, true);
  if (ce == "deflate") return Inflate(payload, false);
  return std::nullopt;
}

bool IsDocumentType(std::string_view type) {
  return type == "response" || type == "resource" || type == "conversion";
}

}  // namespace

Status ExtractWarc(const v1::DocumentRule& rule, const std::string& file_name, ByteSource& raw,
                   const DocumentSink& sink, SkippedDocuments* skipped) {
  DecompressingSource in(raw, file_name);
  StreamReader reader(in);
  uint64_t ordinal = 0, record = 0;
  ExtractedDocument doc;
  std::string block;
  std::string previous_place;  // of the record before, whose end is checked by the next
  uint64_t previous_length = 0;
  for (;; ++record) {
    DTM_RETURN_IF_ERROR(reader.SkipLineEnds());
    const uint64_t record_offset = reader.gzip() ? reader.member_start() : reader.offset();
    const std::string place =
        "record " + std::to_string(record) + " at byte " + std::to_string(record_offset);
    auto fail = [&](const std::string& problem) {
      return Status::InvalidArgument(file_name + ": " + place, problem);
    };
    auto version = reader.Line(kMaxWarcHeaderBytes);
    if (!version.ok() && version.status().code() == StatusCode::kLimitExceeded) {
      return fail("version line too long");
    }
    if (!version.ok()) return version.status();
    if (!version->has_value()) break;  // end of the file
    if (**version != "WARC/1.0" && **version != "WARC/1.1") {
      if (!previous_place.empty()) {
        // Line ends may follow a block; anything else means the block was
        // not as long as its record said.
        return Status::InvalidArgument(
            file_name + ": " + previous_place,
            "the " + std::to_string(previous_length) +
                " bytes its Content-Length gives are not followed by the next record (found " +
                QuoteForMessage(**version) + "): the record is cut short or damaged");
      }
      return fail("not a WARC record (expected WARC/1.0 or WARC/1.1, found " +
                  QuoteForMessage(**version) + ")");
    }
    std::string header_text;
    for (;;) {
      auto line = reader.Line(kMaxWarcHeaderBytes);
      if (!line.ok() && line.status().code() != StatusCode::kLimitExceeded) return line.status();
      if (!line.ok() || header_text.size() > kMaxWarcHeaderBytes) {
        return fail("header longer than " + std::to_string(kMaxWarcHeaderBytes) + " bytes");
      }
      if (!line->has_value()) return fail("truncated: the header has no end");
      header_text += **line + "\n";
      if ((*line)->empty()) break;
    }
    Fields fields;
    ParseFields(header_text, &fields);
    const std::string length_text = FieldOf(fields, "Content-Length");
    if (length_text.empty() || length_text.size() > 15 ||
        length_text.find_first_not_of("0123456789") != std::string::npos) {
      return fail("Content-Length is missing or not a number");
    }
    const uint64_t length = std::stoull(length_text);
    const std::string type = FieldOf(fields, "WARC-Type");
    const bool is_document = IsDocumentType(type);
    const bool keep = is_document && length <= kMaxDocumentBytes;
    block.clear();
    Sha256 sha;
    DTM_ASSIGN_OR_RETURN(uint64_t got, reader.Take(length, keep ? &block : nullptr,
                                                   is_document && !keep ? &sha : nullptr));
    if (got < length) {
      return fail("truncated: the block has " + std::to_string(got) + " of its " +
                  std::to_string(length) + " bytes (Content-Length)");
    }
    previous_place = place;
    previous_length = length;
    if (!is_document) continue;
    doc = ExtractedDocument();
    doc.ordinal = ordinal++;
    doc.offset = record_offset;
    doc.id = FieldOf(fields, "WARC-Record-ID");
    const std::string target = FieldOf(fields, "WARC-Target-URI");
    if (!keep) {
      // Too large for its text: its bytes' digest still identifies it.
      doc.size = length;
      doc.sha256 = sha.Finish();
      Status s = doc.id.size() > kMaxDocumentFieldBytes ? Status::InvalidArgument("id", "too long")
                                                        : Status::Ok();
      if (s.ok() && !target.empty()) {
        auto url = CanonicalUrl(target);
        if (url.ok())
          doc.url = *url;
        else
          s = url.status();
      }
      if (!s.ok()) {
        if (!rule.skip_bad()) return fail(s.message());
        if (skipped->count++ == 0) skipped->first = place + ": " + s.message();
        continue;
      }
      DTM_RETURN_IF_ERROR(sink(doc));
      continue;
    }
    std::string content_type = FieldOf(fields, "Content-Type");
    for (char& c : content_type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::optional<std::string> payload;
    if (type == "response" && content_type.starts_with("application/http")) {
      payload = HttpPayload(block);
    } else {
      payload = block;
    }
    Status s;
    if (payload.has_value() && IsValidUtf8(*payload)) {
      s = FillDocument(block, *payload, target, &doc);
    } else {
      // No text: the bytes' digest, id and URL only.
      s = FillDocument(block, "", target, &doc);
      doc.has_text = false;
      doc.text_bytes = 0;
    }
    if (!s.ok()) {
      if (!rule.skip_bad()) return fail(s.message());
      if (skipped->count++ == 0) skipped->first = place + ": " + s.message();
      continue;
    }
    DTM_RETURN_IF_ERROR(sink(doc));
  }
  return Status::Ok();
}

}  // namespace dtm::internal
