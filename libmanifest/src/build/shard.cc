#include "build/shard.h"

#include <sys/stat.h>

#include <algorithm>
#include <charconv>

#include "base/posix_file.h"
#include "base/text.h"

namespace dtm {

StatusOr<ShardSpec> ParseShardSpec(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("shard " + internal::QuoteForMessage(text),
                                   std::string(why) + " (expected I/N: shard I of N, 0 <= I < N)");
  };
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad("no '/'");
  auto number = [](std::string_view digits, uint32_t* out) {
    if (digits.empty() || digits.size() > 9) return false;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), *out);
    return ec == std::errc() && end == digits.data() + digits.size();
  };
  ShardSpec shard;
  if (!number(text.substr(0, slash), &shard.index) ||
      !number(text.substr(slash + 1), &shard.count)) {
    return bad("not two decimal numbers");
  }
  if (shard.count == 0) return bad("N is 0");
  if (shard.count > kMaxShards) {
    return bad("N is over the limit of " + std::to_string(kMaxShards));
  }
  if (shard.index >= shard.count) return bad("I is not below N");
  return shard;
}

uint32_t ShardOfWeight(unsigned __int128 before, unsigned __int128 total, uint32_t shards) {
  return total == 0 ? 0 : static_cast<uint32_t>(before * shards / total);
}

std::vector<uint64_t> PartitionByWeight(uint64_t count,
                                        const std::function<uint64_t(uint64_t)>& weight_of,
                                        uint32_t shards) {
  unsigned __int128 total = 0;
  for (uint64_t i = 0; i < count; ++i) total += weight_of(i);
  std::vector<uint64_t> bounds(shards + 1, count);
  bounds[0] = 0;
  // Item i belongs to shard floor(N * W(i) / W), W(i) being the weight of the
  // items before it: so a shard starts at its first item whose preceding weight
  // reaches k * W / N.
  unsigned __int128 before = 0;
  uint32_t next = 1;  // the shard whose first item we look for
  for (uint64_t i = 0; i < count && next < shards; ++i) {
    const uint32_t shard = ShardOfWeight(before, total, shards);
    while (next < shards && shard >= next) bounds[next++] = i;
    before += weight_of(i);
  }
  return bounds;
}

std::string BuildPartFileName(const ShardSpec& shard) {
  char name[64];
  std::snprintf(name, sizeof name, "part-%05u-of-%05u.dtmpart", shard.index, shard.count);
  return name;
}

StatusOr<std::string> BuildPartPath(const std::string& output, const ShardSpec& shard) {
  struct stat st;
  const bool folder =
      output.ends_with('/') || (::stat(output.c_str(), &st) == 0 && S_ISDIR(st.st_mode));
  if (!folder) return output;
  DTM_RETURN_IF_ERROR(internal::MakeFolders(output, 0755));
  return (output.ends_with('/') ? output : output + "/") + BuildPartFileName(shard);
}

StatusOr<std::vector<std::string>> ListBuildParts(const std::string& folder) {
  DTM_ASSIGN_OR_RETURN(std::vector<std::string> names, internal::ListRegularFiles(folder));
  std::vector<std::string> parts;
  const std::string prefix = folder.ends_with('/') ? folder : folder + "/";
  for (const std::string& name : names) {
    if (name.ends_with(".dtmpart") && !name.starts_with('.')) parts.push_back(prefix + name);
  }
  if (parts.empty()) return Status::NotFound(folder, "holds no part (*.dtmpart)");
  std::sort(parts.begin(), parts.end());
  return parts;
}

namespace internal {

namespace {

uint64_t FileWeight(const SelectedFile& f) {
  return (f.task == SelectedFile::kDeclared ? 0 : f.size) + kShardFileWeight;
}

void AppendU64(Sha256& hash, uint64_t v) {
  uint8_t le[8];
  for (int i = 0; i < 8; ++i) le[i] = static_cast<uint8_t>(v >> (8 * i));
  hash.Update(std::string_view(reinterpret_cast<const char*>(le), 8));
}

}  // namespace

ShardRun ShardRunOf(const FileSelection& sel, const ShardSpec& shard) {
  const std::vector<uint64_t> bounds = PartitionByWeight(
      sel.files.size(), [&](uint64_t i) { return FileWeight(sel.files[i]); }, shard.count);
  return ShardRun{bounds[shard.index], bounds[shard.index + 1]};
}

Sha256Digest SelectionDigest(const BuildSpec& spec, const FileSelection& sel) {
  Sha256 hash;
  for (const SelectedFile& f : sel.files) {
    const std::string& id = spec.sources[sel.source_order[f.source]].source.id();
    const std::string_view path = sel.PathOf(f);
    AppendU64(hash, id.size());
    hash.Update(id);
    AppendU64(hash, path.size());
    hash.Update(path);
    AppendU64(hash, f.size);
    const uint8_t read = f.task == SelectedFile::kDeclared ? 0 : 1;
    hash.Update(std::string_view(reinterpret_cast<const char*>(&read), 1));
  }
  return hash.Finish();
}

}  // namespace internal
}  // namespace dtm
