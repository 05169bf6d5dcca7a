// Scalar conversions of spec/spec-file.md, "Scalars".
#include "yaml/scalars.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "yaml/yaml_to_proto.h"

namespace dtm::internal {

namespace {

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Status NotAnInteger(std::string_view text) {
  return Status::InvalidArgument("expected an integer, got " + QuoteForMessage(text));
}

// Parses exactly `width` digits at text[pos]; -1 if they are not all digits.
int Digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant,
// "chrono-Compatible Low-Level Date Algorithms", days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

StatusOr<uint64_t> ParseYamlUint(std::string_view text, uint64_t max) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (!digits.empty() && digits.front() == '-' && IsDigits(digits.substr(1))) {
    return Status::InvalidArgument("must not be negative, got " + QuoteForMessage(text));
  }
  if (!IsDigits(digits)) return NotAnInteger(text);
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec == std::errc::result_out_of_range || value > max) {
    return Status::InvalidArgument(QuoteForMessage(text) + " is out of range (at most " +
                                   std::to_string(max) + ")");
  }
  if (ec != std::errc() || end != digits.data() + digits.size()) return NotAnInteger(text);
  return value;
}

StatusOr<int64_t> ParseYamlInt(std::string_view text, int64_t min, int64_t max) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  if (!IsDigits(digits)) return NotAnInteger(text);
  const std::string signed_text = (negative ? "-" : "") + std::string(digits);
  int64_t value = 0;
  auto [end, ec] =
      std::from_chars(signed_text.data(), signed_text.data() + signed_text.size(), value);
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    return Status::InvalidArgument(QuoteForMessage(text) + " is out of range (" +
                                   std::to_string(min) + " to " + std::to_string(max) + ")");
  }
  if (ec != std::errc() || end != signed_text.data() + signed_text.size()) {
    return NotAnInteger(text);
  }
  return value;
}

StatusOr<double> ParseYamlDouble(std::string_view text) {
  std::string_view number = text;
  // One optional sign: from_chars takes '-' itself, so "+-1" must be refused here.
  if (!number.empty() && number.front() == '+') {
    number.remove_prefix(1);
    if (!number.empty() && number.front() == '-') number = {};
  }
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  const bool all_used = end == number.data() + number.size();
  if (number.empty() || ec != std::errc() || !all_used || !std::isfinite(value)) {
    return Status::InvalidArgument("expected a finite number, got " + QuoteForMessage(text));
  }
  return value;
}

StatusOr<bool> ParseYamlBool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return Status::InvalidArgument("expected true or false, got " + QuoteForMessage(text));
}

std::string EnumPrefix(const google::protobuf::EnumDescriptor* type) {
  static constexpr std::string_view kUnspecified = "UNSPECIFIED";
  const google::protobuf::EnumValueDescriptor* zero = type->FindValueByNumber(0);
  if (zero != nullptr && zero->name().size() >= kUnspecified.size() &&
      zero->name().ends_with(kUnspecified)) {
    return zero->name().substr(0, zero->name().size() - kUnspecified.size());
  }
  // No X_UNSPECIFIED: derive "USE_CLASS_" from "UseClass".
  std::string prefix;
  for (char c : type->name()) {
    if (c >= 'A' && c <= 'Z' && !prefix.empty()) prefix += '_';
    prefix += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return prefix + "_";
}

std::string EnumShortName(const google::protobuf::EnumValueDescriptor* value) {
  const std::string prefix = EnumPrefix(value->type());
  std::string_view name = value->name();
  if (name.starts_with(prefix) && name.size() > prefix.size()) name.remove_prefix(prefix.size());
  return Lower(name);
}

StatusOr<const google::protobuf::EnumValueDescriptor*> ParseYamlEnum(
    std::string_view text, const google::protobuf::EnumDescriptor* type) {
  const std::string upper = Upper(text);
  const google::protobuf::EnumValueDescriptor* value = type->FindValueByName(upper);
  if (value == nullptr && !upper.empty()) value = type->FindValueByName(EnumPrefix(type) + upper);
  if (value != nullptr && value->number() != 0) return value;
  std::string expected;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() == 0) continue;
    expected += (expected.empty() ? "" : ", ") + EnumShortName(type->value(i));
  }
  if (value != nullptr) {
    return Status::InvalidArgument(QuoteForMessage(text) +
                                   " is not accepted (leave the field out instead); expected "
                                   "one of: " +
                                   expected);
  }
  return Status::InvalidArgument("unknown " + type->name() + " " + QuoteForMessage(text) +
                                 "; expected one of: " + expected);
}

StatusOr<TimestampValue> ParseYamlTimestamp(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(
        "bad timestamp " + QuoteForMessage(text),
        std::string(why) + " (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM))");
  };
  const int year = Digits(text, 0, 4), month = Digits(text, 5, 2), day = Digits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0 || text[4] != '-' || text[7] != '-') {
    return bad("not a date");
  }
  if (year < 1) return bad("year 0000 is out of range");
  if (month < 1 || month > 12) return bad("month out of range");
  if (day < 1 || day > DaysInMonth(year, month)) return bad("day out of range for the month");
  int64_t seconds = DaysFromCivil(year, month, day) * 86400;
  int32_t nanos = 0;
  if (text.size() > 10) {
    if (text[10] != 'T' && text[10] != 't') return bad("date followed by something other than T");
    const int hour = Digits(text, 11, 2), minute = Digits(text, 14, 2),
              second = Digits(text, 17, 2);
    if (hour < 0 || minute < 0 || second < 0 || text[13] != ':' || text[16] != ':') {
      return bad("not a time of day HH:MM:SS");
    }
    if (hour > 23 || minute > 59) return bad("hour or minute out of range");
    if (second == 60) return bad("leap second 60 cannot be stored");
    if (second > 59) return bad("second out of range");
    seconds += hour * 3600 + minute * 60 + second;
    size_t pos = 19;
    if (pos < text.size() && text[pos] == '.') {
      size_t digits = 0;
      for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
        if (digits < 9) nanos = nanos * 10 + (text[pos] - '0');
      }
      if (digits == 0 || digits > 9) return bad("fraction of a second needs 1 to 9 digits");
      for (; digits < 9; ++digits) nanos *= 10;
    }
    const std::string_view zone = text.substr(std::min(pos, text.size()));
    if (zone == "Z" || zone == "z") {
      // UTC
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
      const int off_hour = Digits(zone, 1, 2), off_minute = Digits(zone, 4, 2);
      if (off_hour < 0 || off_minute < 0 || off_hour > 23 || off_minute > 59) {
        return bad("bad UTC offset");
      }
      const int64_t offset = off_hour * 3600 + off_minute * 60;
      seconds += zone[0] == '+' ? -offset : offset;
    } else {
      return bad(zone.empty() ? "no time zone (add Z or an offset)" : "bad time zone");
    }
  }
  if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds) {
    return bad("outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z");
  }
  return TimestampValue{seconds, nanos};
}

}  // namespace dtm::internal
