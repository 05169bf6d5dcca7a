// Walks a data root and reports every entry a source could select, without ever
// leaving the root (spec/cli.md, "Paths and the data root").
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "dtm/digest.h"
#include "dtm/file_hash.h"
#include "dtm/status.h"

namespace dtm::internal {

struct WalkEntry {
  enum class Type { kRegular, kSymlink, kOther };
  Type type = Type::kOther;
  std::string rel_path;  // relative to the root, "/"-separated, as the bytes on disk
  // The file's absolute name (the resolved target for followed links), for
  // messages; open_path.substr(at_offset) is the same file relative to the
  // root, which is what must be opened: beneath the root's descriptor with no
  // link at any component (OpenBeneath, HashFileAt), never by open_path.
  std::string open_path;
  uint32_t at_offset = 0;
  // For kRegular: whether `listed` holds the file's stat (see
  // WalkOptions::defer_regular_stat).
  bool is_listed = false;
  FileIdentity listed;
  // For kOther: the entry's st_mode (a FIFO, socket or device), for messages.
  uint32_t mode = 0;
  // For kSymlink: whether the link's target is a folder (a stat through the
  // link: metadata only, nothing is opened), so a caller can tell whether a
  // pattern could select something under it.
  bool target_is_folder = false;
};

struct WalkOptions {
  // Follow symbolic links to files and folders, but only to targets inside the
  // root; a link out of the root is an error naming it. When false, links are
  // reported as kSymlink and never followed.
  bool follow_symlinks = false;
  // With follow_symlinks: when set, a link is resolved only if link_wanted(its
  // relative path) is true (a file that could be selected, or a folder worth
  // entering); other links are skipped unread, so a link nobody asked for can
  // point anywhere without failing the walk. Unset: every link is resolved.
  std::function<bool(std::string_view rel_path)> link_wanted;
  // When the folder listing says an entry is a regular file, report it without
  // a stat (is_listed false): the caller stats the files it wants on every core
  // (ListFilesInParallel), and the walk itself costs one system call per
  // folder instead of one per file. Entries of unknown type are still stat'ed.
  // A deferred stat must pass no link on the way, which a stat of a path
  // cannot promise: ListFilesInParallel opens each folder beneath the root
  // and stats its files by name relative to it.
  bool defer_regular_stat = false;
  // The root's descriptor (OpenTaskRoot), which the caller opens the reported
  // files relative to; the walk checks that it is the folder it reads. -1: the
  // walk opens the root itself.
  int root_fd = -1;
};

// Calls `descend(rel_dir)` before entering each folder below the root (return
// false to skip it) and `visit(entry)` for every non-folder entry, in no
// particular order. Every folder is read through a descriptor opened from its
// parent's (or, for a followed link, from the root's) with no link followed,
// so a folder swapped for a link while the walk runs fails the walk
// (kVerificationFailed) instead of leading it outside the root. Stops at the first error of `visit`
// or of the walk itself (unreadable folder: kIOError naming it; loop of followed links; depth >
// 256).
Status WalkTree(const std::string& root, const WalkOptions& options,
                const std::function<bool(std::string_view rel_dir)>& descend,
                const std::function<Status(const WalkEntry& entry)>& visit);

// "a FIFO", "a socket", "a character device", "a block device", "a
// directory", "a symbolic link", or "not a regular file", for an st_mode.
const char* FileTypeName(uint32_t mode);

// Joins a root and a relative path with one "/".
std::string JoinPath(std::string_view root, std::string_view rel);

}  // namespace dtm::internal
