// Listing files of spec/spec-file.md, "Listing files": one declared file a
// line, "path TAB size TAB sha256".
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "base/posix_file.h"
#include "dtm/buildspec.h"
#include "dtm/records.h"
#include "yaml/scalars.h"
#include "yaml/yaml_to_proto.h"

namespace dtm {

using internal::ParseYamlUint;
using internal::QuoteForMessage;

namespace {

// The longest line accepted, without its line ending.
constexpr size_t kMaxListingLine = 64u << 10;
constexpr size_t kReadBlock = 1u << 20;

std::string LineTooLong() {
  return "line longer than " + std::to_string(kMaxListingLine) + " bytes";
}

// Parses one line (without "\n"). Sets *file and returns true for a file line,
// false for a blank or comment line.
StatusOr<bool> ParseListingLine(std::string_view line, DeclaredFile* file) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > kMaxListingLine) return Status::InvalidArgument(LineTooLong());
  if (line.empty() || line.front() == '#') return false;
  std::string_view fields[3];
  size_t count = 0;
  for (size_t start = 0;;) {
    const size_t tab = line.find('\t', start);
    const std::string_view field =
        line.substr(start, tab == std::string_view::npos ? tab : tab - start);
    if (count < 3) fields[count] = field;
    ++count;
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  if (count != 3) {
    return Status::InvalidArgument("expected 3 TAB-separated fields (path, size, sha256), found " +
                                   std::to_string(count));
  }
  if (Status s = ValidateRelativePath(fields[0]); !s.ok()) {
    return Status::InvalidArgument("bad path " + QuoteForMessage(fields[0]), s.message());
  }
  const bool digits_only =
      !fields[1].empty() && fields[1].front() >= '0' && fields[1].front() <= '9';
  StatusOr<uint64_t> size = ParseYamlUint(fields[1], UINT64_MAX);
  if (!digits_only || !size.ok()) {
    return Status::InvalidArgument("bad size " + QuoteForMessage(fields[1]),
                                   "expected a decimal number of bytes");
  }
  StatusOr<Sha256Digest> digest = ParseSha256Hex(fields[2]);
  if (!digest.ok()) return digest.status();
  file->path.assign(fields[0]);
  file->size = *size;
  file->sha256 = *digest;
  return true;
}

}  // namespace

Status ForEachListedFile(const std::string& listing_path,
                         const std::function<Status(DeclaredFile&& file)>& fn) {
  // O_NONBLOCK: a FIFO named by mistake is refused below instead of waited on.
  internal::FileDescriptor fd(open(listing_path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (fd.get() < 0) return internal::ErrnoStatus(listing_path, "cannot open", errno);
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return internal::ErrnoStatus(listing_path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(listing_path + ": not a regular file");

  uint64_t line_number = 0;
  auto line_error = [&](uint64_t line, std::string_view problem) {
    return Status::InvalidArgument(listing_path + ":" + std::to_string(line) + ": " +
                                   std::string(problem));
  };
  auto handle = [&](std::string_view line) -> Status {
    ++line_number;
    if (line_number == 1 && line.starts_with("\xEF\xBB\xBF")) {
      return line_error(1, "starts with a UTF-8 byte-order mark; save the listing without one");
    }
    DeclaredFile file;
    StatusOr<bool> parsed = ParseListingLine(line, &file);
    if (!parsed.ok()) return line_error(line_number, parsed.status().message());
    return *parsed ? fn(std::move(file)) : Status::Ok();
  };

  std::unique_ptr<char[]> block(new char[kReadBlock]);
  std::string carry;  // the start of a line that continues in the next block
  for (;;) {
    const ssize_t n = internal::ReadRetrying(fd.get(), block.get(), kReadBlock);
    if (n < 0) return internal::ErrnoStatus(listing_path, "read failed", errno);
    if (n == 0) break;
    std::string_view data(block.get(), static_cast<size_t>(n));
    while (!data.empty()) {
      const size_t newline = data.find('\n');
      const std::string_view piece = data.substr(0, newline);
      // Memory bound: a line with its "\r" has at most kMaxListingLine + 1 bytes.
      if (carry.size() + piece.size() > kMaxListingLine + 1) {
        return line_error(line_number + 1, LineTooLong());
      }
      if (newline == std::string_view::npos) {
        carry.append(piece);
        break;
      }
      data.remove_prefix(newline + 1);
      if (carry.empty()) {
        DTM_RETURN_IF_ERROR(handle(piece));
      } else {
        carry.append(piece);
        DTM_RETURN_IF_ERROR(handle(carry));
        carry.clear();
      }
    }
  }
  if (!carry.empty()) DTM_RETURN_IF_ERROR(handle(carry));
  return Status::Ok();
}

}  // namespace dtm
