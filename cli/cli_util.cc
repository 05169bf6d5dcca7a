#include "cli_util.h"

#include <unistd.h>

#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <iostream>

#include "dtm/file_io.h"
#include "dtm/format.h"
#include "dtm/summary.h"

namespace dtm::cli {

ProgressFn TerminalProgress() {
  if (!isatty(STDERR_FILENO)) return {};
  return [](const Progress& p) {
    double rate = p.seconds > 0 ? static_cast<double>(p.bytes_done) / p.seconds : 0;
    std::string eta = "-";
    if (rate > 0 && p.bytes_total >= p.bytes_done) {
      auto secs = static_cast<uint64_t>(static_cast<double>(p.bytes_total - p.bytes_done) / rate);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%lu:%02lu:%02lu", static_cast<unsigned long>(secs / 3600),
                    static_cast<unsigned long>(secs / 60 % 60),
                    static_cast<unsigned long>(secs % 60));
      eta = buf;
    }
    std::fprintf(stderr, "\r\033[K%s %s/%s files, %s/%s, %s/s, ETA %s", p.phase,
                 GroupDigits(p.files_done).c_str(), GroupDigits(p.files_total).c_str(),
                 HumanBytes(p.bytes_done).c_str(), HumanBytes(p.bytes_total).c_str(),
                 HumanBytes(static_cast<uint64_t>(rate)).c_str(), eta.c_str());
    if (p.final) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  };
}

namespace {
std::atomic<bool> g_interrupted{false};

void OnSignal(int sig) {
  if (g_interrupted.exchange(true)) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}
}  // namespace

const std::atomic<bool>* InstallInterruptHandler() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  return &g_interrupted;
}

namespace {

std::string Format(const char* format, va_list args) {
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (n <= 0) return {};
  std::string text(static_cast<size_t>(n) + 1, '\0');
  std::vsnprintf(text.data(), text.size(), format, args);
  text.resize(static_cast<size_t>(n));
  return text;
}

}  // namespace

void Print(const char* format, ...) {
  va_list args;
  va_start(args, format);
  std::cout << Format(format, args);
  va_end(args);
}

void PrintError(const char* format, ...) {
  va_list args;
  va_start(args, format);
  std::cerr << Format(format, args);
  va_end(args);
}

Status WriteOutput(const std::string& path, const std::function<Status(std::ostream&)>& fn) {
  if (path.empty() || path == "-") {
    Status s = fn(std::cout);
    std::cout.flush();
    if (s.ok() && !std::cout) return Status::IOError("writing to standard output failed");
    return s;
  }
  DTM_ASSIGN_OR_RETURN(auto w, AtomicFileWriter::Create(path));
  {
    TerminalTextBuf filter(w->stream().rdbuf());
    std::ostream out(&filter);
    DTM_RETURN_IF_ERROR(fn(out));
    out.flush();
    if (!out) return Status::IOError("writing '" + path + "' failed");
  }
  return w->Commit();
}

}  // namespace dtm::cli
