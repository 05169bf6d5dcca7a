// Value formats for showing manifests to people: sizes, counts, enum labels
// and dates, as show, diff, reports and the CLI print them. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"

namespace dtm {

// The short label of an enum value of the schema: the value name without the
// enum's prefix, lower-case ("ACQUISITION_METHOD_PUBLIC_DATASET" -> "public_dataset").
// Unknown numbers give "unknown(N)".
std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int value);

// "1.5 GiB", "512 B": binary units, three significant digits.
std::string HumanBytes(uint64_t bytes);
// "1,234,567"
std::string GroupDigits(uint64_t n);

// "2025-03-01" for a calendar date (midnight UTC), else RFC 3339; "invalid
// date" for a timestamp out of range.
std::string FormatDate(const google::protobuf::Timestamp& t);
std::string FormatDate(int64_t unix_seconds);

}  // namespace dtm
