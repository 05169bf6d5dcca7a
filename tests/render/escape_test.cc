// The one control-character filter and the escapers that reports and diffs
// share (render/escape.h): known answers for each mode and each format.
#include "render/escape.h"

#include <gtest/gtest.h>

#include <string>

namespace dtm::internal {
namespace {

TEST(PrintableTest, ShowEscapedShowsC0DelAndC1) {
  EXPECT_EQ(Printable("a\nb\tc\x7f", ControlCharacters::kShowEscaped), "a\\u000ab\\u0009c\\u007f");
  EXPECT_EQ(Printable("x\xc2\x85y", ControlCharacters::kShowEscaped), "x\\u0085y");  // NEL
  EXPECT_EQ(Printable("caf\xc3\xa9", ControlCharacters::kShowEscaped), "caf\xc3\xa9");
}

// The direction marks that reorder what a terminal shows, and bytes that are
// not UTF-8 (0x9b alone is the one-byte CSI of some terminals).
TEST(PrintableTest, ShowEscapedShowsDirectionMarksAndBytesThatAreNotUtf8) {
  EXPECT_EQ(Printable("a\xe2\x80\xae"
                      "b",
                      ControlCharacters::kShowEscaped),
            "a\\u202eb");
  EXPECT_EQ(Printable("\xe2\x81\xa6x\xe2\x81\xa9", ControlCharacters::kShowEscaped),
            "\\u2066x\\u2069");
  EXPECT_EQ(Printable("\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f", ControlCharacters::kShowEscaped),
            "\\u061c\\u200e\\u200f");
  EXPECT_EQ(Printable("a\x9b"
                      "4Ab\xff",
                      ControlCharacters::kShowEscaped),
            "a\\x9b4Ab\\xff");
  EXPECT_EQ(Printable("\xc3", ControlCharacters::kShowEscaped), "\\xc3");  // cut short
  EXPECT_EQ(Printable("a\xe2\x80\xae"
                      "b\xff",
                      ControlCharacters::kAsSpace),
            "ab\xef\xbf\xbd");
}

TEST(PrintableTest, KeepLinesKeepsNewlineAndTabOnly) {
  EXPECT_EQ(Printable("a\nb\tc\r\x1b[2J", ControlCharacters::kShowEscapedKeepLines),
            "a\nb\tc\\u000d\\u001b[2J");
}

TEST(PrintableTest, AsSpaceTurnsLineBreaksIntoSpacesAndDropsOtherControls) {
  EXPECT_EQ(Printable("a\r\nb\tc", ControlCharacters::kAsSpace), "a  b c");
  EXPECT_EQ(Printable(std::string("a\0b\x1b[31mc\x7f", 10), ControlCharacters::kAsSpace),
            "ab[31mc");
}

TEST(EscapeMarkdownTest, EscapesEveryCharacterThatCanOpenMarkup) {
  EXPECT_EQ(EscapeMarkdown("\\`*_[]<>|#~&!$"), "\\\\\\`\\*\\_\\[\\]\\<\\>\\|\\#\\~\\&\\!\\$");
  EXPECT_EQ(EscapeMarkdown("C# costs $5"), "C\\# costs \\$5");
  EXPECT_EQ(EscapeMarkdown("plain text, 1-2."), "plain text, 1-2.");
}

TEST(EscapeMarkdownTest, ControlCharactersFollowTheMode) {
  EXPECT_EQ(EscapeMarkdown("a\n# b"), "a \\# b");
  EXPECT_EQ(EscapeMarkdown("a\n*b", ControlCharacters::kShowEscaped), "a\\\\u000a\\*b");
}

TEST(EscapeHtmlTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(EscapeHtml("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(EscapeHtml("a\nb\x01"), "a b");
}

}  // namespace
}  // namespace dtm::internal
