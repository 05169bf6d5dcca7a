#include "build/incremental.h"

#include <chrono>

#include "build/checkpoint.h"

namespace dtm::internal {

IncrementalBuild IncrementalBuild::Start(const BuildOptions& options, const std::string& root,
                                         const std::optional<Sha256Digest>& previous,
                                         std::vector<std::string>* warnings) {
  IncrementalBuild b;
  if (!options.use_cache || options.shard) return b;
  b.path_ = options.cache_path.empty() ? StatCache::PathFor(root) : options.cache_path;
  if (b.path_.empty()) return b;
  auto key = LoadOrCreateCheckpointKey(BuildCheckpoint::KeyPath());
  if (!key.ok()) {
    warnings->push_back("no stat cache: " + key.status().ToString());
    b.path_.clear();
    return b;
  }
  b.key_ = *key;
  // Files changed from now on are not trusted by the next build's cache.
  b.listed_at_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  if (previous) {
    std::string warning;
    b.cache_ = StatCache::Load(b.path_, b.key_, *previous, &warning);
    if (!warning.empty()) warnings->push_back(warning);
  }
  return b;
}

const Sha256Digest* IncrementalBuild::Lookup(const HashTask& task) const {
  if (cache_.size() == 0 || !task.is_listed) return nullptr;
  return cache_.Lookup(std::string_view(task.open_path).substr(task.at_offset), task.listed);
}

void IncrementalBuild::Save(const FileSelection& sel, const std::string& output_path,
                            std::vector<std::string>* warnings) const {
  if (path_.empty()) return;
  auto manifest = HashFile(output_path);
  if (!manifest.ok()) {
    warnings->push_back("stat cache not written: " + manifest.status().ToString());
    return;
  }
  std::vector<StatCache::Entry> entries;
  entries.reserve(sel.tasks.size());
  for (const SelectedFile& f : sel.files) {
    if (f.task == SelectedFile::kDeclared) continue;
    const HashTask& t = sel.tasks[f.task];
    entries.push_back({std::string_view(t.open_path).substr(t.at_offset), &t.listed, &f.sha256});
  }
  Status saved = StatCache::Save(path_, key_, manifest->sha256, listed_at_ns_, std::move(entries));
  if (!saved.ok()) warnings->push_back("stat cache not written: " + saved.ToString());
}

}  // namespace dtm::internal
