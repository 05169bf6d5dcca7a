// The one control-character filter and the escapers that reports and diffs
// share (render/escape.h): known answers for each mode and each format.
#include "render/escape.h"

#include <gtest/gtest.h>

#include <string>

namespace dtm::internal {
namespace {

TEST(PrintableTest, ShowEscapedShowsC0DelAndC1) {
  EXPECT_EQ(Printable("a\nb\tc\x7f", ControlCharacters::kShowEscaped), "a\\x0ab\\x09c\\x7f");
  EXPECT_EQ(Printable("x\xc2\x85y", ControlCharacters::kShowEscaped), "x\\u0085y");  // NEL
  EXPECT_EQ(Printable("caf\xc3\xa9", ControlCharacters::kShowEscaped), "caf\xc3\xa9");
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
  EXPECT_EQ(EscapeMarkdown("a\n*b", ControlCharacters::kShowEscaped), "a\\\\x0a\\*b");
}

TEST(EscapeHtmlTest, EscapesMarkupAndQuotes) {
  EXPECT_EQ(EscapeHtml("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(EscapeHtml("a\nb\x01"), "a b");
}

}  // namespace
}  // namespace dtm::internal
