// Adding RFC 3161 timestamps to a bundle: one request per TSA and signature.
#include <algorithm>

#include "attestation/format.h"
#include "base/base64.h"
#include "dtm/attestation.h"
#include "dtm/timestamp.h"
#include "http/http_client.h"

namespace dtm {
namespace {

constexpr std::string_view kQueryType = "application/timestamp-query";
constexpr std::string_view kReplyType = "application/timestamp-reply";
// A TimeStampResp with a certificate chain is a few kilobytes.
constexpr size_t kMaxReplyBytes = 256u << 10;

// One token over `signature` from the TSA at `url`.
StatusOr<std::string> RequestToken(const std::string& url, std::string_view signature,
                                   const TimestampOptions& options) {
  DTM_ASSIGN_OR_RETURN(TimestampRequest request, MakeTimestampRequest(signature));
  internal::HttpLimits limits;
  limits.total_timeout_seconds = options.timeout_seconds;
  limits.connect_timeout_seconds =
      std::min(options.timeout_seconds, limits.connect_timeout_seconds);
  limits.max_response_bytes = kMaxReplyBytes;
  DTM_ASSIGN_OR_RETURN(internal::HttpResponse response,
                       internal::HttpPost(url, kQueryType, request.der, limits));
  const std::string where = "TSA '" + url + "'";
  if (response.status != 200) {
    return Status::IOError(where, "answered HTTP " + std::to_string(response.status));
  }
  if (response.content_type != kReplyType) {
    return Status::Corruption(where, "answered with content type '" + response.content_type +
                                         "', not " + std::string(kReplyType));
  }
  auto checked = CheckTimestampResponse(response.body, request);
  if (!checked.ok()) return checked.status().WithContext(where);
  return std::move(response.body);
}

}  // namespace

StatusOr<std::string> AddTimestamps(std::string_view bundle_json, const TimestampOptions& options) {
  if (options.tsa_urls.empty()) return Status::InvalidArgument("no TSA URL given");
  if (options.timeout_seconds < 1) {
    return Status::InvalidArgument("TSA timeout " + std::to_string(options.timeout_seconds) +
                                   " is less than 1 second");
  }
  DTM_ASSIGN_OR_RETURN(internal::Bundle bundle, internal::ParseBundle(bundle_json));
  const size_t wanted =
      bundle.timestamps.size() + options.tsa_urls.size() * bundle.envelope.signatures.size();
  if (wanted > kMaxTimestamps) {
    return Status::LimitExceeded("bundle", "would hold " + std::to_string(wanted) +
                                               " timestamps; the limit is " +
                                               std::to_string(kMaxTimestamps));
  }
  // Edited as JSON, so that members DTM does not use (tlogEntries) stay. The
  // text parsed strictly above, so neither parse nor dump throws; the guard
  // keeps exceptions from crossing the API all the same.
  nlohmann::ordered_json json;
  try {
    json = nlohmann::ordered_json::parse(bundle_json);
  } catch (const nlohmann::json::exception& e) {
    return Status::Internal("bundle", e.what());
  }
  auto& list = json["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"];
  if (list.is_null()) list = nlohmann::ordered_json::array();
  for (const std::string& url : options.tsa_urls) {
    for (const DsseSignature& sig : bundle.envelope.signatures) {
      DTM_ASSIGN_OR_RETURN(std::string token, RequestToken(url, sig.sig, options));
      list.push_back({{"signedTimestamp", internal::Base64Encode(token)}});
    }
  }
  try {
    return json.dump(2) + "\n";
  } catch (const nlohmann::json::exception& e) {
    return Status::Internal("bundle", e.what());
  }
}

}  // namespace dtm
