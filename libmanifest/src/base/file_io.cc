#include "dtm/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ext/stdio_filebuf.h>
#include <fstream>
#include <random>
#include <sstream>

#include "base/posix_file.h"

namespace dtm {

namespace {

Status Errno(const std::string& what) { return internal::ErrnoStatus(what, errno); }

// A name for a temporary file in `folder`, beside `base`: ".BASE.tmp-XXXXXX".
std::string TempName(const std::string& folder, const std::string& base, uint64_t nonce) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string suffix;
  for (int i = 0; i < 6; ++i, nonce /= 36) suffix += kDigits[nonce % 36];
  return folder + "/." + base + ".tmp-" + suffix;
}

// Gives the unnamed file `fd` a fresh name in `folder` (through /proc, which
// needs no privilege, unlike AT_EMPTY_PATH). Returns the name, or "" with errno.
std::string LinkUnnamed(int fd, const std::string& folder, const std::string& base) {
  const std::string proc = "/proc/self/fd/" + std::to_string(fd);
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    const uint64_t nonce = (uint64_t{random()} << 32) ^ random();
    std::string name = TempName(folder, base, nonce);
    if (linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      return name;
    }
    if (errno != EEXIST) return "";
  }
  return "";
}

}  // namespace

struct AtomicFileWriter::Impl {
  std::string path;
  std::string folder;
  std::string base;  // path's last component
  std::string temp;  // empty while the file is unnamed (O_TMPFILE)
  mode_t mode = 0644;
  int fd = -1;
  std::unique_ptr<__gnu_cxx::stdio_filebuf<char>> buf;
  std::unique_ptr<std::ostream> out;
  bool committed = false;
};

StatusOr<std::unique_ptr<AtomicFileWriter>> AtomicFileWriter::Create(const std::string& path,
                                                                     mode_t mode, bool overwrite) {
  if (!overwrite && access(path.c_str(), F_OK) == 0) {
    return Status::InvalidArgument(path, "already exists (not overwritten)");
  }
  // Renaming over a device, a pipe or a folder would replace it (as root, even
  // /dev/null): only regular files are outputs.
  if (struct stat st; stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(path, "exists and is not a regular file (outputs are files)");
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->mode = mode;
  impl->folder = internal::ParentDirectory(path);
  impl->base = internal::BaseName(path);
  // Unnamed where the file system can, and /proc can name it later.
  if (access("/proc/self/fd", X_OK) == 0) {
    impl->fd = open(impl->folder.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
  }
  if (impl->fd < 0) {
    impl->temp = impl->folder + "/." + impl->base + ".tmp-XXXXXX";
    impl->fd = mkostemp(impl->temp.data(), O_CLOEXEC);
  }
  if (impl->fd < 0) return Errno("cannot create a temporary file for '" + path + "'");
  fchmod(impl->fd, mode);
  impl->buf = std::make_unique<__gnu_cxx::stdio_filebuf<char>>(impl->fd, std::ios::out, 1 << 16);
  impl->out = std::make_unique<std::ostream>(impl->buf.get());
  return std::unique_ptr<AtomicFileWriter>(new AtomicFileWriter(std::move(impl)));
}

AtomicFileWriter::AtomicFileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AtomicFileWriter::~AtomicFileWriter() {
  if (!impl_->committed) {
    impl_->out.reset();
    impl_->buf.reset();  // closes the descriptor (an unnamed file goes with it)
    if (!impl_->temp.empty()) unlink(impl_->temp.c_str());
  }
}

std::ostream& AtomicFileWriter::stream() { return *impl_->out; }

Status AtomicFileWriter::Commit() {
  Impl& m = *impl_;
  m.out->flush();
  if (!*m.out) return Errno("writing '" + m.path + "' failed");
  if (fsync(m.fd) != 0) return Errno("writing '" + m.path + "' failed (fsync)");
  if (m.temp.empty()) {
    m.temp = LinkUnnamed(m.fd, m.folder, m.base);
    if (m.temp.empty()) return Errno("cannot name the temporary file of '" + m.path + "'");
  }
  m.out.reset();
  m.buf.reset();  // closes m.fd
  if (rename(m.temp.c_str(), m.path.c_str()) != 0) {
    Status s = Errno("cannot rename the temporary file to '" + m.path + "'");
    unlink(m.temp.c_str());
    m.committed = true;  // nothing left to remove
    return s;
  }
  m.committed = true;
  int dfd = open(m.folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view contents, mode_t mode,
                           bool overwrite) {
  DTM_ASSIGN_OR_RETURN(auto w, AtomicFileWriter::Create(path, mode, overwrite));
  w->stream().write(contents.data(), static_cast<std::streamsize>(contents.size()));
  return w->Commit();
}

StatusOr<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  using internal::ErrnoStatus;
  internal::FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return ErrnoStatus(path, "cannot open", errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path, "not a regular file");
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size > max_bytes) {
    return Status::LimitExceeded(
        path, std::to_string(size) + " bytes; the limit is " + std::to_string(max_bytes));
  }
  // One byte more than the size stat gave, to see a file that grew.
  std::string data(static_cast<size_t>(size) + 1, '\0');
  size_t got = 0;
  DTM_RETURN_IF_ERROR(internal::ReadFull(fd.get(), data.data(), data.size(), &got, path));
  if (got != size) return Status::IOError(path, "the file changed while it was read");
  data.resize(got);
  return data;
}

}  // namespace dtm
