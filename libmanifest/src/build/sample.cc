// Sampled audits (spec/sharding.md, "Sampled audits").
#include <cmath>
#include <cstdlib>

#include "base/text.h"
#include "dtm/datacheck.h"
#include "dtm/digest.h"

namespace dtm {

StatusOr<double> ParseSampleFraction(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("sample " + internal::QuoteForMessage(text),
                                   std::string(why) +
                                       " (expected a fraction such as 0.001, or a "
                                       "percentage such as 0.1%)");
  };
  std::string number(text);
  const bool percent = !number.empty() && number.back() == '%';
  if (percent) number.pop_back();
  if (number.empty() || number.size() > 32 ||
      number.find_first_not_of("0123456789.") != std::string::npos) {
    return bad("not a number");
  }
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size()) return bad("not a number");
  if (percent) value /= 100;
  if (!(value > 0) || value > 1) return bad("must be above 0 and at most 1 (100%)");
  return value;
}

StatusOr<std::string> ParseSampleSeed(std::string_view hex) {
  std::string bytes;
  if (!DecodeHex(hex, &bytes)) {
    return Status::InvalidArgument("seed", "not an even number of hex digits");
  }
  if (bytes.size() < DataSample::kMinSeedBytes || bytes.size() > DataSample::kMaxSeedBytes) {
    return Status::InvalidArgument("seed", std::to_string(bytes.size()) + " bytes; a seed has " +
                                               std::to_string(DataSample::kMinSeedBytes) + " to " +
                                               std::to_string(DataSample::kMaxSeedBytes) +
                                               " (32 to 128 hex digits)");
  }
  return bytes;
}

StatusOr<std::string> DrawSampleSeed() {
  std::string seed(32, '\0');
  DTM_RETURN_IF_ERROR(RandomBytes(seed.data(), seed.size()));
  return seed;
}

bool InSample(const DataSample& sample, std::string_view source_id, std::string_view path) {
  if (sample.fraction >= 1) return true;
  std::string message;
  message.reserve(source_id.size() + 1 + path.size());
  message.append(source_id);
  message.push_back('\0');
  message.append(path);
  const Sha256Digest mac = HmacSha256(sample.seed, message);
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | mac[i];
  // floor(P * 2^64), P < 1: ldexp is exact, the conversion truncates.
  const auto threshold = static_cast<uint64_t>(std::ldexp(sample.fraction, 64));
  return value < threshold;
}

uint64_t SampleDetectableDifferences(double fraction) {
  if (fraction >= 1) return 1;
  return static_cast<uint64_t>(std::ceil(std::log(0.01) / std::log1p(-fraction)));
}

}  // namespace dtm
