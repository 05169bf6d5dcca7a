#include "dtm/status.h"

#include "base/text.h"

namespace dtm {

namespace {
const char* CodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      return "Invalid argument";
    case StatusCode::kNotFound:
      return "Not found";
    case StatusCode::kCorruption:
      return "Corruption";
    case StatusCode::kLimitExceeded:
      return "Limit exceeded";
    case StatusCode::kVerificationFailed:
      return "Verification failed";
    case StatusCode::kIOError:
      return "I/O error";
    case StatusCode::kCancelled:
      return "Cancelled";
    case StatusCode::kInternal:
      return "Internal error";
  }
  return "Unknown";
}
}  // namespace

std::string Status::Escaped(std::string_view text) {
  return internal::Printable(text, internal::ControlCharacters::kShowEscaped);
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code_)) + ": " + message_;
}

}  // namespace dtm
