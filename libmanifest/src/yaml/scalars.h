// Conversions of YAML scalar text to protobuf field values (spec/spec-file.md,
// "Scalars"). Each takes the scalar's text as written, whatever its quoting.
// Errors are kInvalidArgument and state only the problem; callers add the
// place. All functions are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dtm/status.h"
#include "google/protobuf/descriptor.h"

namespace dtm::internal {

// Decimal digits with an optional "+": 0 .. max. "-5" is "negative", "1.5"
// "not an integer", "99999999999999999999" "out of range".
StatusOr<uint64_t> ParseYamlUint(std::string_view text, uint64_t max);
// Decimal digits with an optional sign: min .. max.
StatusOr<int64_t> ParseYamlInt(std::string_view text, int64_t min, int64_t max);
// A finite decimal number ("2", "-1.5", "3e6"); no infinities or NaN.
StatusOr<double> ParseYamlDouble(std::string_view text);
// "true", "True", "TRUE", "false", "False" or "FALSE".
StatusOr<bool> ParseYamlBool(std::string_view text);

// An enum value by name, in any letter case: the full name ("MODALITY_TEXT")
// or the name without the enum's prefix ("text"). The prefix is the name of
// value 0 without "UNSPECIFIED" ("MODALITY_"). Value 0 is never accepted.
StatusOr<const google::protobuf::EnumValueDescriptor*> ParseYamlEnum(
    std::string_view text, const google::protobuf::EnumDescriptor* type);
// The enum's prefix as described above.
std::string EnumPrefix(const google::protobuf::EnumDescriptor* type);
// "non_commercial" for USE_CLASS_NON_COMMERCIAL: the short lower-case name.
std::string EnumShortName(const google::protobuf::EnumValueDescriptor* value);

// A google.protobuf.Timestamp value.
struct TimestampValue {
  int64_t seconds = 0;
  int32_t nanos = 0;
};
// Oldest and newest seconds a Timestamp holds: 0001-01-01T00:00:00Z and
// 9999-12-31T23:59:59Z.
inline constexpr int64_t kMinTimestampSeconds = -62135596800;
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;

// "YYYY-MM-DD" (midnight UTC) or RFC 3339 "YYYY-MM-DDTHH:MM:SS[.fraction]"
// followed by "Z" or "+HH:MM"/"-HH:MM" ("T" and "Z" in either case; 1 to 9
// fraction digits). Fields are range-checked (day against the month, leap
// years included; second 60 is refused), the offset is applied, and the
// result must lie in 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
StatusOr<TimestampValue> ParseYamlTimestamp(std::string_view text);

}  // namespace dtm::internal
