// Value formats shared by every rendering: show, diff, reports, policy output.
#include "dtm/format.h"

#include <google/protobuf/util/time_util.h>

#include <cctype>
#include <cstdio>

namespace dtm {

using google::protobuf::EnumDescriptor;

std::string EnumLabel(const EnumDescriptor* type, int value) {
  const auto* v = type->FindValueByNumber(value);
  if (v == nullptr) return "unknown(" + std::to_string(value) + ")";
  // The prefix is the enum name in UPPER_SNAKE_CASE followed by "_".
  std::string prefix;
  for (char c : type->name()) {
    if (std::isupper(static_cast<unsigned char>(c)) && !prefix.empty()) prefix += '_';
    prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  prefix += '_';
  std::string name = v->name();
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::string HumanBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 6) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf,
                v >= 100  ? "%.0f %s"
                : v >= 10 ? "%.1f %s"
                          : "%.2f %s",
                v, kUnits[unit]);
  return buf;
}

std::string GroupDigits(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string FormatDate(int64_t unix_seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(unix_seconds);
  return FormatDate(t);
}

std::string FormatDate(const google::protobuf::Timestamp& t) {
  using google::protobuf::util::TimeUtil;
  if (t.seconds() < TimeUtil::kTimestampMinSeconds ||
      t.seconds() > TimeUtil::kTimestampMaxSeconds || t.nanos() < 0 || t.nanos() > 999'999'999) {
    return "invalid date";
  }
  std::string s = TimeUtil::ToString(t);
  // A calendar date is stored as midnight UTC: show the date alone.
  if (t.nanos() == 0 && t.seconds() % 86400 == 0) return s.substr(0, 10);
  return s;
}

}  // namespace dtm
