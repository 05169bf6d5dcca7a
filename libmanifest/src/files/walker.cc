#include "files/walker.h"

#include "base/posix_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <utility>

namespace dtm::internal {

std::string JoinPath(std::string_view root, std::string_view rel) {
  std::string out(root);
  if (rel.empty()) return out;
  if (!out.empty() && out.back() != '/') out += '/';
  out += rel;
  return out;
}

namespace {

constexpr int kMaxDepth = 256;

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf) == nullptr) return {};
  return buf;
}

bool IsInside(const std::string& real_root, const std::string& real_path) {
  if (real_path == real_root) return true;
  if (real_root == "/") return true;
  return real_path.size() > real_root.size() &&
         real_path.compare(0, real_root.size(), real_root) == 0 &&
         real_path[real_root.size()] == '/';
}

// A folder held open while its entries are read: entries are stat'ed and
// opened relative to it, so renaming or swapping a folder above it changes
// nothing of what is read.
struct OpenFolder {
  std::unique_ptr<DIR, DirCloser> dir;
  int fd() const { return dirfd(dir.get()); }
};

class Walker {
 public:
  Walker(const WalkOptions& options, std::function<bool(std::string_view)> descend,
         std::function<Status(const WalkEntry&)> visit)
      : options_(options), descend_(std::move(descend)), visit_(std::move(visit)) {}

  Status Run(const std::string& root) {
    real_root_ = RealPath(root);
    if (real_root_.empty()) return internal::ErrnoStatus("data root '" + root + "'", errno);
    rel_offset_ = static_cast<uint32_t>(real_root_ == "/" ? 1 : real_root_.size() + 1);
    FileDescriptor own_root;
    root_fd_ = options_.root_fd;
    if (root_fd_ < 0) {
      own_root = FileDescriptor(::open(real_root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
      if (own_root.get() < 0) {
        if (errno == ENOTDIR)
          return Status::InvalidArgument("data root '" + root + "'", "not a folder");
        return internal::ErrnoStatus("data root '" + root + "'", errno);
      }
      root_fd_ = own_root.get();
    }
    struct stat st, named;
    if (::fstat(root_fd_, &st) != 0)
      return internal::ErrnoStatus("data root '" + root + "'", errno);
    if (!S_ISDIR(st.st_mode))
      return Status::InvalidArgument("data root '" + root + "'", "not a folder");
    // The descriptor the caller opens files with must be the folder the walk
    // reads, or a link target's place in it would be misread.
    if (::stat(real_root_.c_str(), &named) != 0 || named.st_dev != st.st_dev ||
        named.st_ino != st.st_ino) {
      return Status::VerificationFailed("data root '" + root + "'", "changed while it was opened");
    }
    visited_.insert({st.st_dev, st.st_ino});
    OpenFolder top;
    DTM_RETURN_IF_ERROR(OpenFolderBeneath(".", "", &top));
    return WalkDir(std::move(top), real_root_, "", 0);
  }

 private:
  // Opens the folder `rel` (relative to the root, no link at any component).
  Status OpenFolderBeneath(const std::string& open_rel, const std::string& rel, OpenFolder* out) {
    return Adopt(internal::OpenBeneath(root_fd_, open_rel.c_str(), O_RDONLY | O_DIRECTORY), rel,
                 out);
  }

  Status Adopt(int fd, const std::string& rel, OpenFolder* out) {
    const std::string name = "'" + (rel.empty() ? std::string(".") : rel) + "'";
    if (fd < 0) {
      const int err = errno;
      if (err == ELOOP || err == ENOTDIR || err == EXDEV) {
        return Status::VerificationFailed(
            name, "a folder became a symbolic link or another file while the tree was read");
      }
      return internal::ErrnoStatus("cannot read folder " + name, err);
    }
    out->dir.reset(fdopendir(fd));
    if (!out->dir) {
      const int err = errno;
      ::close(fd);
      return internal::ErrnoStatus("cannot read folder " + name, err);
    }
    return Status::Ok();
  }

  Status WalkDir(OpenFolder folder, const std::string& abs_dir, const std::string& rel_dir,
                 int depth) {
    if (depth > kMaxDepth) {
      return Status::LimitExceeded("'" + rel_dir + "'", "folders nested deeper than 256 levels");
    }
    const int dfd = folder.fd();
    while (true) {
      errno = 0;
      struct dirent* de = readdir(folder.dir.get());
      if (de == nullptr) {
        if (errno != 0) return internal::ErrnoStatus("reading folder '" + rel_dir + "'", errno);
        break;
      }
      std::string_view name = de->d_name;
      if (name == "." || name == "..") continue;
      std::string rel = rel_dir.empty() ? std::string(name) : rel_dir + "/" + std::string(name);
      std::string abs = JoinPath(abs_dir, name);
      if (options_.defer_regular_stat && de->d_type == DT_REG) {
        WalkEntry e;
        e.type = WalkEntry::Type::kRegular;
        e.rel_path = std::move(rel);
        e.open_path = std::move(abs);
        e.at_offset = rel_offset_;
        DTM_RETURN_IF_ERROR(visit_(e));
        continue;
      }
      struct stat st;
      if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return internal::ErrnoStatus("'" + rel + "'", errno);
      }
      DTM_RETURN_IF_ERROR(Visit(dfd, de->d_name, abs, rel, st, depth));
    }
    return Status::Ok();
  }

  Status Visit(int dfd, const char* name, const std::string& abs, const std::string& rel,
               const struct stat& lst, int depth) {
    if (!S_ISLNK(lst.st_mode)) {
      if (!S_ISDIR(lst.st_mode)) return VisitFile(abs, rel, lst);
      if (!descend_(rel)) return Status::Ok();
      OpenFolder sub;
      DTM_RETURN_IF_ERROR(
          Adopt(::openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), rel, &sub));
      return Descend(std::move(sub), abs, rel, depth);
    }
    if (!options_.follow_symlinks) {
      WalkEntry e;
      e.type = WalkEntry::Type::kSymlink;
      e.rel_path = rel;
      e.open_path = abs;
      struct stat target;
      e.target_is_folder = fstatat(dfd, name, &target, 0) == 0 && S_ISDIR(target.st_mode);
      return visit_(e);
    }
    if (options_.link_wanted && !options_.link_wanted(rel)) return Status::Ok();
    // The resolved name only says where in the root the target is; it is then
    // opened from the root with no link on the way, so a tree that changes
    // after realpath() cannot lead the walk outside.
    std::string target = RealPath(abs);
    if (target.empty()) {
      return Status::InvalidArgument("'" + rel + "'", errno == ELOOP
                                                          ? "symbolic links form a loop"
                                                          : "symbolic link to a missing target");
    }
    if (!IsInside(real_root_, target)) {
      return Status::InvalidArgument("'" + rel + "'",
                                     "symbolic link points outside the data root, to " + target);
    }
    const std::string target_rel =
        target.size() > real_root_.size() ? target.substr(rel_offset_) : std::string(".");
    struct stat st;
    {
      const FileDescriptor fd(internal::OpenBeneath(root_fd_, target_rel.c_str(), O_PATH));
      if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) {
        return internal::ErrnoStatus("'" + rel + "'", "cannot open the link's target", errno);
      }
    }
    if (!S_ISDIR(st.st_mode)) return VisitFile(target, rel, st);
    if (!descend_(rel)) return Status::Ok();
    OpenFolder sub;
    DTM_RETURN_IF_ERROR(OpenFolderBeneath(target_rel, rel, &sub));
    return Descend(std::move(sub), target, rel, depth);
  }

  Status Descend(OpenFolder sub, const std::string& abs, const std::string& rel, int depth) {
    struct stat st;
    if (::fstat(sub.fd(), &st) != 0) return internal::ErrnoStatus("'" + rel + "'", "stat", errno);
    if (!visited_.insert({st.st_dev, st.st_ino}).second) {
      return Status::InvalidArgument("'" + rel + "'", "followed symbolic links form a loop");
    }
    Status s = WalkDir(std::move(sub), abs, rel, depth + 1);
    visited_.erase({st.st_dev, st.st_ino});
    return s;
  }

  Status VisitFile(const std::string& abs, const std::string& rel, const struct stat& st) {
    WalkEntry e;
    e.rel_path = rel;
    e.open_path = abs;
    e.at_offset = rel_offset_;
    if (S_ISREG(st.st_mode)) {
      e.type = WalkEntry::Type::kRegular;
      e.is_listed = true;
      e.listed.device = static_cast<uint64_t>(st.st_dev);
      e.listed.inode = static_cast<uint64_t>(st.st_ino);
      e.listed.size = static_cast<uint64_t>(st.st_size);
      e.listed.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
      e.listed.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
    } else {
      e.type = WalkEntry::Type::kOther;
      e.mode = static_cast<uint32_t>(st.st_mode);
    }
    return visit_(e);
  }

  WalkOptions options_;
  std::function<bool(std::string_view)> descend_;
  std::function<Status(const WalkEntry&)> visit_;
  std::string real_root_;
  // Where a reported path's part below the real root starts (every path the
  // walk reports is under it: followed links lead only to targets inside).
  uint32_t rel_offset_ = 0;
  int root_fd_ = -1;
  std::set<std::pair<dev_t, ino_t>> visited_;  // folders on the current path
};

}  // namespace

const char* FileTypeName(uint32_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

Status WalkTree(const std::string& root, const WalkOptions& options,
                const std::function<bool(std::string_view rel_dir)>& descend,
                const std::function<Status(const WalkEntry& entry)>& visit) {
  Walker w(options, descend, visit);
  return w.Run(root);
}

}  // namespace dtm::internal
