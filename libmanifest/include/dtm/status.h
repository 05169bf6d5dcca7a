// The one error type of libmanifest. No exception crosses the public API:
// functions that can fail return Status or StatusOr<T>.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace dtm {

// What kind of failure. The CLI maps codes to exit codes (spec/cli.md).
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad usage or a malformed spec or input file
  kNotFound,            // a file, key, source or entry that does not exist
  kCorruption,          // a manifest, bundle or proof that is malformed or damaged
  kLimitExceeded,       // a size or count over a documented limit
  kVerificationFailed,  // a well-formed input that does not verify
  kIOError,             // the operating system refused a read or write
  kCancelled,           // stopped on request (SIGINT); nothing was written
  kInternal,            // a bug: something that should not happen
};

// A Status is OK or carries a code and a message. Messages name the file, the
// place and the problem: "data.dtm: record 12: path is absolute". A message
// is safe to print: the constructor and WithContext show every control
// character, direction mark and byte that is not UTF-8 escaped ("\u001b",
// "\xff"; spec/errors.md), so text quoted from a hostile input cannot act on
// a terminal. Escaping is idempotent: an escaped message stays as it is.
class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string_view msg, std::string_view detail = {}) {
    return Status(StatusCode::kInvalidArgument, msg, detail);
  }
  static Status NotFound(std::string_view msg, std::string_view detail = {}) {
    return Status(StatusCode::kNotFound, msg, detail);
  }
  static Status Corruption(std::string_view msg, std::string_view detail = {}) {
    return Status(StatusCode::kCorruption, msg, detail);
  }
  static Status LimitExceeded(std::string_view msg, std::string_view detail = {}) {
    return Status(StatusCode::kLimitExceeded, msg, detail);
  }
  static Status VerificationFailed(std::string_view msg, std::string_view detail = {}) {
    return Status(StatusCode::kVerificationFailed, msg, detail);
  }
  static Status IOError(std::string_view msg, std::string_view detail = {}) {
    return Status(StatusCode::kIOError, msg, detail);
  }
  static Status Cancelled(std::string_view msg, std::string_view detail = {}) {
    return Status(StatusCode::kCancelled, msg, detail);
  }
  static Status Internal(std::string_view msg, std::string_view detail = {}) {
    return Status(StatusCode::kInternal, msg, detail);
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "prefix: message", same code. Used to add
  // the file name or the place as an error travels up. A message that already
  // starts with "prefix: " is returned unchanged (the name is said once).
  Status WithContext(std::string_view prefix) const {
    if (ok()) return *this;
    if (message_.size() > prefix.size() + 1 && message_.starts_with(prefix) &&
        message_.compare(prefix.size(), 2, ": ") == 0) {
      return *this;
    }
    Status s = *this;
    s.message_ = Escaped(prefix) + ": " + message_;
    return s;
  }

  // "Corruption: data.dtm: bad magic number"
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string_view msg, std::string_view detail)
      : code_(code), message_(Escaped(msg)) {
    if (!detail.empty()) {
      message_ += ": ";
      message_ += Escaped(detail);
    }
  }
  // `text` with controls, marks and non-UTF-8 bytes escaped (base/text.h,
  // ControlCharacters::kShowEscaped).
  static std::string Escaped(std::string_view text);

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status saying why there is none.
// REQUIRES: constructed from a non-OK Status when there is no value.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = Status::Internal("StatusOr built from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok()
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace dtm

// Returns the Status of `expr` from the enclosing function if it is not OK.
#define DTM_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::dtm::Status dtm_status_ = (expr);        \
    if (!dtm_status_.ok()) return dtm_status_; \
  } while (0)

#define DTM_CONCAT_INNER_(a, b) a##b
#define DTM_CONCAT_(a, b) DTM_CONCAT_INNER_(a, b)
// Declares `lhs` from the value of a StatusOr, or returns its Status.
#define DTM_ASSIGN_OR_RETURN(lhs, expr) \
  DTM_ASSIGN_OR_RETURN_IMPL_(DTM_CONCAT_(dtm_statusor_, __LINE__), lhs, expr)
#define DTM_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()
