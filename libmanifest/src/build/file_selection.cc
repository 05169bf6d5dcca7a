#include "build/file_selection.h"

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <optional>

#include "base/text.h"
#include "dtm/file_io.h"
#include "dtm/records.h"
#include "files/ignore_rules.h"
#include "files/path_glob.h"
#include "files/walker.h"

namespace dtm::internal {

namespace {

struct SourcePatterns {
  std::vector<GlobPattern> include;
  std::vector<GlobPattern> exclude;
  IgnoreRules ignored;            // the source's exclude_from files
  std::vector<uint64_t> matches;  // per include pattern
};

// A name on disk between quotes, in the escaped form a manifest would record
// (so a literal backslash shows as \x5C, unlike an escaped byte), with what
// Printable still escapes (spec/errors.md): never a raw control byte.
std::string Quote(std::string_view raw_path) {
  return "'" + Printable(EscapeFileName(raw_path), ControlCharacters::kShowEscaped) + "'";
}

Status SourceError(const SourceSpec& s, std::string_view what) {
  return Status::InvalidArgument(s.location + ": source '" + s.source.id() + "'", what);
}

void AddFile(FileSelection* sel, uint32_t source, std::string_view path, uint64_t size,
             const Sha256Digest& digest, uint64_t task) {
  SelectedFile f;
  f.source = source;
  f.path_len = static_cast<uint32_t>(path.size());
  f.path_offset = sel->paths.size();
  f.size = size;
  f.sha256 = digest;
  f.task = task;
  sel->paths.append(path);
  sel->files.push_back(f);
}

// Where the output's files would appear in the walk: its folder relative to
// the root ("" for the root itself), or nullopt when it is not under the root.
struct OutputFiles {
  std::optional<std::string> rel_dir;
  std::string name;

  bool Matches(std::string_view rel_path) const {
    if (!rel_dir) return false;
    if (!rel_dir->empty()) {
      if (!rel_path.starts_with(*rel_dir) || rel_path.size() <= rel_dir->size() ||
          rel_path[rel_dir->size()] != '/') {
        return false;
      }
      rel_path.remove_prefix(rel_dir->size() + 1);
    }
    if (rel_path.find('/') != std::string_view::npos) return false;
    return rel_path == name || rel_path == name + ".checkpoint" ||
           (rel_path.starts_with("." + name + ".") && !name.empty());
  }
};

OutputFiles LocateOutput(const std::string& root, const std::string& output_path) {
  OutputFiles out;
  size_t slash = output_path.rfind('/');
  out.name = slash == std::string::npos ? output_path : output_path.substr(slash + 1);
  std::string folder = slash == std::string::npos ? "." : output_path.substr(0, slash + 1);
  char* real_root = realpath(root.c_str(), nullptr);
  char* real_folder = realpath(folder.c_str(), nullptr);
  if (real_root != nullptr && real_folder != nullptr) {
    std::string r = real_root, f = real_folder;
    if (f == r) {
      out.rel_dir = "";
    } else if (r == "/" || (f.starts_with(r) && f[r.size()] == '/')) {
      out.rel_dir = f.substr(r == "/" ? 1 : r.size() + 1);
    }
  }
  free(real_root);
  free(real_folder);
  return out;
}

// Counts one skipped entry; `first` keeps the smallest valid path.
void CountSkipped(v1::SkippedEntries* skipped, bool link, const std::string& path) {
  if (link) {
    skipped->set_symlinks(skipped->symlinks() + 1);
  } else {
    skipped->set_special_files(skipped->special_files() + 1);
  }
  const std::string escaped = EscapeFileName(path);
  if (ValidateRelativePath(escaped).ok() &&
      (skipped->first().empty() || escaped < skipped->first())) {
    skipped->set_first(escaped);
  }
}

Status SelectOnDisk(const BuildSpec& spec, const std::string& root, const OutputFiles& output,
                    const WalkPolicy& policy, FileSelection* sel) {
  std::vector<SourcePatterns> patterns(sel->source_order.size());
  bool any = false;
  for (size_t k = 0; k < sel->source_order.size(); ++k) {
    const SourceSpec& s = spec.sources[sel->source_order[k]];
    for (const std::string& p : s.include) {
      auto g = GlobPattern::Parse(p);
      if (!g.ok()) return SourceError(s, g.status().message());
      patterns[k].include.push_back(std::move(*g));
      any = true;
    }
    for (const std::string& p : s.exclude) {
      auto g = GlobPattern::Parse(p);
      if (!g.ok()) return SourceError(s, g.status().message());
      patterns[k].exclude.push_back(std::move(*g));
    }
    for (const std::string& file : s.exclude_from) {
      DTM_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(file, 16u << 20));
      if (Status st = patterns[k].ignored.Add(text, file); !st.ok()) {
        return SourceError(s, st.message());
      }
    }
    patterns[k].matches.assign(patterns[k].include.size(), 0);
  }
  if (!any) return Status::Ok();
  // The .dtmignore files of the data root and of every folder the walk
  // enters apply to every source, each to its own folder; ignored folders
  // are not entered.
  IgnoreRules root_ignore;
  Status ignore_error;
  DTM_RETURN_IF_ERROR(root_ignore.AddDtmignoreIn(root, ""));

  auto wanted = [&](std::string_view dir) {
    if (root_ignore.Ignored(dir, true)) return false;
    for (const SourcePatterns& sp : patterns) {
      for (const GlobPattern& g : sp.include) {
        if (g.CouldMatchUnder(dir)) return true;
      }
    }
    return false;
  };
  auto descend = [&](std::string_view dir) {
    if (!ignore_error.ok() || !wanted(dir)) return false;
    ignore_error = root_ignore.AddDtmignoreIn(root, dir);
    return ignore_error.ok();
  };
  std::vector<uint32_t> hits;
  auto visit = [&](const WalkEntry& e) -> Status {
    if (output.Matches(e.rel_path)) return Status::Ok();
    if (root_ignore.Ignored(e.rel_path, false)) return Status::Ok();
    hits.clear();
    for (uint32_t k = 0; k < patterns.size(); ++k) {
      SourcePatterns& sp = patterns[k];
      bool included = false;
      for (size_t i = 0; i < sp.include.size(); ++i) {
        if (sp.include[i].Matches(e.rel_path)) {
          ++sp.matches[i];
          included = true;
        }
      }
      // A link to a folder is selected when a pattern could match under it.
      if (!included && e.type == WalkEntry::Type::kSymlink && e.target_is_folder) {
        included = std::any_of(sp.include.begin(), sp.include.end(),
                               [&](const GlobPattern& g) { return g.CouldMatchUnder(e.rel_path); });
      }
      if (!included) continue;
      bool excluded = std::any_of(sp.exclude.begin(), sp.exclude.end(),
                                  [&](const GlobPattern& g) { return g.Matches(e.rel_path); }) ||
                      sp.ignored.Ignored(e.rel_path, false);
      if (!excluded) hits.push_back(k);
    }
    if (hits.empty()) return Status::Ok();
    const SourceSpec& first = spec.sources[sel->source_order[hits[0]]];
    const bool link = e.type == WalkEntry::Type::kSymlink;
    if (link || e.type != WalkEntry::Type::kRegular) {
      const bool skip = link ? policy.symlinks == SymlinkPolicy::kSkip : policy.skip_special;
      if (!skip) {
        return SourceError(
            first, Quote(e.rel_path) + (link ? " is a symbolic link (--symlinks skip leaves links "
                                               "out, --symlinks follow follows those that stay "
                                               "inside the data root)"
                                             : std::string(" is ") + FileTypeName(e.mode) +
                                                   ", a special file, never opened "
                                                   "(--skip-special leaves them out)"));
      }
      for (uint32_t k : hits) CountSkipped(&sel->skipped[k], link, e.rel_path);
      return Status::Ok();
    }
    std::string escaped;
    if (Status raw = ValidateRawFileName(e.rel_path); !raw.ok()) {
      escaped = EscapeFileName(e.rel_path);
      if (!policy.escape_names) {
        // The hint only where escaping is what the name needs (not its length).
        const bool escapable = escaped != e.rel_path;
        return SourceError(
            first, "path " + Quote(e.rel_path) + ": " + raw.message() +
                       (escapable ? " (file_names: escape records such names escaped)" : ""));
      }
      if (Status valid = ValidateRelativePath(escaped); !valid.ok()) {
        return SourceError(first, "path " + Quote(e.rel_path) + ", escaped: " + valid.message());
      }
    }
    const std::string_view path = escaped.empty() ? std::string_view(e.rel_path) : escaped;
    uint64_t task = sel->tasks.size();
    sel->tasks.push_back(HashTaskFor(e));
    // The size is the task's, set when it is listed (HashSelection).
    for (uint32_t k : hits) AddFile(sel, k, path, 0, Sha256Digest{}, task);
    return Status::Ok();
  };
  WalkOptions wo;
  wo.follow_symlinks = policy.symlinks == SymlinkPolicy::kFollow;
  wo.defer_regular_stat = true;  // stat'ed on every core (ListFilesInParallel)
  // Only links that an include pattern selects, or under which one could
  // match, are resolved (spec/cli.md, "Symbolic links and special files").
  wo.link_wanted = [&](std::string_view rel) {
    if (wanted(rel)) return true;
    for (const SourcePatterns& sp : patterns) {
      for (const GlobPattern& g : sp.include) {
        if (g.Matches(rel)) return true;
      }
    }
    return false;
  };
  DTM_ASSIGN_OR_RETURN(sel->root_fd, OpenTaskRoot(root));
  wo.root_fd = sel->root_fd.get();
  DTM_RETURN_IF_ERROR(WalkTree(root, wo, descend, visit).WithContext("data root '" + root + "'"));
  DTM_RETURN_IF_ERROR(ignore_error);

  for (size_t k = 0; k < patterns.size(); ++k) {
    const SourceSpec& s = spec.sources[sel->source_order[k]];
    for (size_t i = 0; i < patterns[k].include.size(); ++i) {
      if (patterns[k].matches[i] == 0) {
        return SourceError(s,
                           "pattern '" + s.include[i] + "' matches no file under '" + root + "'");
      }
    }
  }
  return Status::Ok();
}

Status SelectDeclared(const BuildSpec& spec, FileSelection* sel) {
  for (uint32_t k = 0; k < sel->source_order.size(); ++k) {
    const SourceSpec& s = spec.sources[sel->source_order[k]];
    for (const DeclaredFile& d : s.declared) {
      AddFile(sel, k, d.path, d.size, d.sha256, SelectedFile::kDeclared);
    }
    if (!s.listing.empty()) {
      DTM_RETURN_IF_ERROR(ForEachListedFile(s.listing, [&](DeclaredFile&& d) {
        AddFile(sel, k, d.path, d.size, d.sha256, SelectedFile::kDeclared);
        return Status::Ok();
      }));
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<FileSelection> SelectFiles(const BuildSpec& spec, const std::string& data_root,
                                    const std::string& output_path, const WalkPolicy& policy) {
  FileSelection sel;
  sel.source_order.resize(spec.sources.size());
  sel.skipped.resize(spec.sources.size());
  std::iota(sel.source_order.begin(), sel.source_order.end(), size_t{0});
  std::sort(sel.source_order.begin(), sel.source_order.end(), [&](size_t a, size_t b) {
    return spec.sources[a].source.id() < spec.sources[b].source.id();
  });
  DTM_RETURN_IF_ERROR(SelectDeclared(spec, &sel));
  DTM_RETURN_IF_ERROR(
      SelectOnDisk(spec, data_root, LocateOutput(data_root, output_path), policy, &sel));
  return sel;
}

}  // namespace dtm::internal
