// Private: one HTTP POST with the limits a client of an untrusted service
// needs. Thread-safe; each call has its own connection.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "dtm/status.h"

namespace dtm::internal {

struct HttpLimits {
  int connect_timeout_seconds = 10;
  int total_timeout_seconds = 30;  // the whole exchange, redirects included
  size_t max_response_bytes = 1u << 20;
  int max_redirects = 3;
};

struct HttpResponse {
  long status = 0;
  std::string content_type;  // as sent, without parameters, lower-cased
  std::string body;
};

// POSTs `body` with `content_type` to `url` (http:// or https://; https
// verifies the server against the system's CA certificates). Redirects are
// followed up to limits.max_redirects, to http and https only. Errors, all
// naming the URL: kInvalidArgument for another scheme or a malformed URL,
// kIOError when no answer came (refused, DNS, TLS, timeout), kLimitExceeded
// for a body over limits.max_response_bytes. Any HTTP status is returned;
// the caller judges it.
StatusOr<HttpResponse> HttpPost(const std::string& url, std::string_view content_type,
                                std::string_view body, const HttpLimits& limits);

}  // namespace dtm::internal
