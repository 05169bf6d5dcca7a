// Value formats shared by every rendering: show, diff, reports, policy output.
#include "dtm/format.h"

#include <google/protobuf/util/time_util.h>

#include <cctype>
#include <cstdio>

#include "base/text.h"

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

std::string TerminalText(std::string_view text) {
  return internal::Printable(text, internal::ControlCharacters::kShowEscapedKeepLines);
}

namespace {

constexpr size_t kMaxPendingLine = 64u << 10;

// Where to cut `text` so that no UTF-8 sequence is split: before a lead
// byte among the last three whose sequence would not end inside `text`.
size_t CutBeforeIncompleteCharacter(std::string_view text) {
  for (size_t k = 1; k <= 3 && k <= text.size(); ++k) {
    const unsigned char c = static_cast<unsigned char>(text[text.size() - k]);
    if (c < 0xc0) continue;  // ASCII or a continuation byte
    const size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    return len > k ? text.size() - k : text.size();
  }
  return text.size();
}

}  // namespace

TerminalTextBuf::~TerminalTextBuf() { Emit(true); }

bool TerminalTextBuf::Emit(bool all) {
  size_t end = pending_.size();
  if (!all) {
    const size_t newline = pending_.rfind('\n');
    if (newline != std::string::npos) {
      end = newline + 1;
    } else if (pending_.size() > kMaxPendingLine) {
      end = CutBeforeIncompleteCharacter(pending_);
    } else {
      return true;
    }
  }
  if (end == 0) return true;
  const std::string out = TerminalText(std::string_view(pending_).substr(0, end));
  pending_.erase(0, end);
  const auto n = static_cast<std::streamsize>(out.size());
  return target_->sputn(out.data(), n) == n;
}

TerminalTextBuf::int_type TerminalTextBuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  pending_ += traits_type::to_char_type(c);
  if (c == '\n' || pending_.size() > kMaxPendingLine) {
    if (!Emit(false)) return traits_type::eof();
  }
  return c;
}

std::streamsize TerminalTextBuf::xsputn(const char* data, std::streamsize size) {
  pending_.append(data, static_cast<size_t>(size));
  if (pending_.find('\n', pending_.size() - static_cast<size_t>(size)) != std::string::npos ||
      pending_.size() > kMaxPendingLine) {
    if (!Emit(false)) return 0;
  }
  return size;
}

int TerminalTextBuf::sync() {
  if (!Emit(true)) return -1;
  return target_->pubsync();
}

}  // namespace dtm
