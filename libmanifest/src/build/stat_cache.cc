#include "build/stat_cache.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "base/posix_file.h"
#include "dtm/file_io.h"

namespace dtm::internal {
namespace {

// Layout (integers little-endian):
//   magic "DTMSTAT1" | manifest sha256 (32) | listed_at_ns (8) | count (8)
//   count entries, sorted by path: path length (4) | path | device (8) |
//     inode (8) | size (8) | mtime_ns (8) | ctime_ns (8) | sha256 (32)
//   HMAC-SHA256(key, kMacLabel | everything before it) (32)
constexpr std::string_view kMagic = "DTMSTAT1";
constexpr std::string_view kMacLabel{"dtm stat cache\0", 15};
constexpr size_t kHead = 8 + 32 + 8 + 8;
constexpr size_t kEntryFixed = 4 + 5 * 8 + 32;
constexpr size_t kMaxPath = 64u << 10;
constexpr int64_t kRacyNs = 2'000'000'000;  // the coarsest timestamps: FAT's 2 s
constexpr size_t kMaxCacheBytes = size_t{64} << 30;

void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string_view PathAt(const std::string& bytes, uint64_t offset) {
  return std::string_view(bytes).substr(offset + 4, GetU32(bytes.data() + offset));
}

}  // namespace

std::string StatCache::PathFor(const std::string& root) {
  std::string folder;
  const char* cache = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  if (cache != nullptr && cache[0] == '/') {
    folder = std::string(cache) + "/dtm/stat";
  } else if (home != nullptr && home[0] == '/') {
    folder = std::string(home) + "/.cache/dtm/stat";
  } else {
    return "";
  }
  char* real = ::realpath(root.c_str(), nullptr);
  if (real == nullptr) return "";
  const std::string name = ToHex(Sha256Of(real));
  std::free(real);
  return folder + "/" + name;
}

StatCache StatCache::Load(const std::string& path, const std::string& key,
                          const Sha256Digest& previous, std::string* warning) {
  StatCache cache;
  const auto ignore = [&](const std::string& why) {
    *warning = "stat cache '" + path + "': " + why + "; every file is read";
    return StatCache();
  };
  auto bytes = ReadSmallFile(path, kMaxCacheBytes);
  if (!bytes.ok()) {
    if (bytes.status().code() == StatusCode::kNotFound) return cache;  // a first build
    return ignore(bytes.status().message());
  }
  std::string& b = *bytes;
  if (b.size() < kHead + 32 || std::string_view(b).substr(0, 8) != kMagic) {
    return ignore("not a stat cache (damaged?)");
  }
  const std::string_view body(b.data(), b.size() - 32);
  HmacSha256Stream stream(key);
  stream.Update(kMacLabel);
  stream.Update(body);
  const Sha256Digest mac = stream.Finish();
  if (std::memcmp(mac.data(), b.data() + body.size(), 32) != 0) {
    return ignore("not authenticated by your checkpoint key (damaged, or written by someone else)");
  }
  if (std::memcmp(b.data() + 8, previous.data(), 32) != 0) {
    return ignore("it belongs to another manifest than the previous version (sha256 " +
                  ToHex(std::string_view(b.data() + 8, 32)) + ")");
  }
  cache.listed_at_ns_ = static_cast<int64_t>(GetU64(b.data() + 40));
  const uint64_t count = GetU64(b.data() + 48);
  uint64_t at = kHead;
  for (uint64_t i = 0; i < count; ++i) {
    if (body.size() - at < kEntryFixed) return ignore("truncated");
    const uint32_t len = GetU32(b.data() + at);
    if (len > kMaxPath || body.size() - at - kEntryFixed < len) return ignore("truncated");
    if (!cache.offsets_.empty() && PathAt(b, cache.offsets_.back()) >= PathAt(b, at)) {
      return ignore("entries out of order");
    }
    cache.offsets_.push_back(at);
    at += kEntryFixed + len;
  }
  if (at != body.size()) return ignore("bytes after the last entry");
  cache.bytes_ = std::move(b);
  return cache;
}

const Sha256Digest* StatCache::Lookup(std::string_view rel, const FileIdentity& now) const {
  auto it = std::lower_bound(offsets_.begin(), offsets_.end(), rel,
                             [&](uint64_t o, auto r) { return PathAt(bytes_, o) < r; });
  if (it == offsets_.end() || PathAt(bytes_, *it) != rel) return nullptr;
  const char* p = bytes_.data() + *it + 4 + rel.size();
  FileIdentity cached;
  cached.device = GetU64(p);
  cached.inode = GetU64(p + 8);
  cached.size = GetU64(p + 16);
  cached.mtime_ns = static_cast<int64_t>(GetU64(p + 24));
  cached.ctime_ns = static_cast<int64_t>(GetU64(p + 32));
  if (cached.device != now.device || cached.inode != now.inode || cached.size != now.size ||
      cached.mtime_ns != now.mtime_ns || cached.ctime_ns != now.ctime_ns) {
    return nullptr;
  }
  // A file changed within a timestamp tick of being stated could change again
  // without changing its stat: its digest is not trusted.
  if (cached.mtime_ns >= listed_at_ns_ - kRacyNs || cached.ctime_ns >= listed_at_ns_ - kRacyNs) {
    return nullptr;
  }
  return reinterpret_cast<const Sha256Digest*>(p + 40);
}

Status StatCache::Save(const std::string& path, const std::string& key,
                       const Sha256Digest& manifest, int64_t listed_at_ns,
                       std::vector<Entry> entries) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.rel < b.rel; });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const Entry& a, const Entry& b) { return a.rel == b.rel; }),
                entries.end());
  DTM_RETURN_IF_ERROR(MakeFolders(ParentDirectory(path), 0700));
  DTM_ASSIGN_OR_RETURN(auto file, AtomicFileWriter::Create(path, 0600));
  HmacSha256Stream mac(key);
  mac.Update(kMacLabel);
  std::string out;
  const auto flush = [&] {
    mac.Update(out);
    file->stream().write(out.data(), static_cast<std::streamsize>(out.size()));
    out.clear();
  };
  out += kMagic;
  out.append(reinterpret_cast<const char*>(manifest.data()), manifest.size());
  PutU64(&out, static_cast<uint64_t>(listed_at_ns));
  PutU64(&out, entries.size());
  for (const Entry& e : entries) {
    const uint32_t len = static_cast<uint32_t>(e.rel.size());
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(len >> (8 * i)));
    out += e.rel;
    PutU64(&out, e.stat->device);
    PutU64(&out, e.stat->inode);
    PutU64(&out, e.stat->size);
    PutU64(&out, static_cast<uint64_t>(e.stat->mtime_ns));
    PutU64(&out, static_cast<uint64_t>(e.stat->ctime_ns));
    out.append(reinterpret_cast<const char*>(e.sha256->data()), e.sha256->size());
    if (out.size() >= (1u << 20)) flush();
  }
  flush();
  const Sha256Digest tag = mac.Finish();
  file->stream().write(reinterpret_cast<const char*>(tag.data()), tag.size());
  return file->Commit();
}

}  // namespace dtm::internal
