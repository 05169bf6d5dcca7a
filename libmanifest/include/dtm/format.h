// Value formats for showing manifests to people: sizes, counts, enum labels
// and dates, as show, diff, reports and the CLI print them. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <streambuf>
#include <string>
#include <string_view>

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

// Text from an input made safe to show to a person (spec/cli.md, "Text from
// inputs"): every control character (C0 but newline and tab, DEL, C1) and
// every invisible direction mark (U+061C, U+200E, U+200F, U+202A..U+202E,
// U+2066..U+2069) written as \uNNNN, every byte that is not UTF-8 as \xNN;
// the rest unchanged. JSON stays valid JSON of the same value.
std::string TerminalText(std::string_view text);

// A stream buffer that writes what it is given to `target` through
// TerminalText, a line at a time (a line longer than 64 KiB is cut, never
// inside a UTF-8 character), and on every flush. The CLI puts its standard
// output, standard error and text outputs behind one, so no byte from an input
// can move the cursor, erase, recolour, reorder or hide what dtm prints.
// A failed write of `target` makes writes to this buffer fail.
class TerminalTextBuf : public std::streambuf {
 public:
  explicit TerminalTextBuf(std::streambuf* target) : target_(target) {}
  ~TerminalTextBuf() override;
  TerminalTextBuf(const TerminalTextBuf&) = delete;
  TerminalTextBuf& operator=(const TerminalTextBuf&) = delete;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* data, std::streamsize size) override;
  int sync() override;

 private:
  // Writes the complete lines of pending_ (with `all`, all of it).
  bool Emit(bool all);
  std::streambuf* target_;
  std::string pending_;
};

}  // namespace dtm
