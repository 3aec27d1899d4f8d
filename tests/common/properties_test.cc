#include "brook/common/properties.h"

#include <gtest/gtest.h>

namespace brook {
namespace {

std::string value_of(const properties_parse_result& r, const std::string& key) {
    for (const auto& p : r.entries) {
        if (p.key == key) {
            return p.value;
        }
    }
    return "<missing>";
}

TEST(properties, key_value_forms) {
    auto r = parse_properties("a=1\nb: 2\nc 3\nd\t=\t4  \ne=\n  f = six\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(value_of(r, "a"), "1");
    EXPECT_EQ(value_of(r, "b"), "2");
    EXPECT_EQ(value_of(r, "c"), "3");
    EXPECT_EQ(value_of(r, "d"), "4  ");
    EXPECT_EQ(value_of(r, "e"), "");
    EXPECT_EQ(value_of(r, "f"), "six");
}

TEST(properties, comments_and_blank_lines_are_skipped) {
    auto r = parse_properties("# comment\n! also comment\n\n   \n  # indented\nkey=value # not a comment\n");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.entries.size(), 1u);
    EXPECT_EQ(r.entries[0].value, "value # not a comment");
    EXPECT_EQ(r.entries[0].line, 6u);
}

TEST(properties, escapes) {
    auto r = parse_properties("k\\=ey=a\\tb\\nc\\\\d\ncolon\\:key=\\u0041\\u00e9\nsp\\ ace=x\\y\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(value_of(r, "k=ey"), "a\tb\nc\\d");
    EXPECT_EQ(value_of(r, "colon:key"), "A\xc3\xa9");
    EXPECT_EQ(value_of(r, "sp ace"), "xy");
}

TEST(properties, line_continuations_join_and_strip_leading_blanks) {
    auto r = parse_properties("list=a,\\\n    b,\\\n\tc\nnext=1\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(value_of(r, "list"), "a,b,c");
    EXPECT_EQ(value_of(r, "next"), "1");
    EXPECT_EQ(r.entries[1].line, 4u);
}

TEST(properties, escaped_backslash_at_end_is_not_a_continuation) {
    auto r = parse_properties("path=c:\\\\\nother=2\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(value_of(r, "path"), "c:\\");
    EXPECT_EQ(value_of(r, "other"), "2");
}

TEST(properties, crlf_line_endings) {
    auto r = parse_properties("a=1\r\nb=2\r\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(value_of(r, "a"), "1");
    EXPECT_EQ(value_of(r, "b"), "2");
}

TEST(properties, later_duplicate_wins) {
    auto r = parse_properties("a=1\nb=2\na=3\n");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.entries.size(), 2u);
    EXPECT_EQ(value_of(r, "a"), "3");
    EXPECT_EQ(r.entries[0].line, 3u);
}

TEST(properties, bad_unicode_escape_reports_its_line) {
    auto r = parse_properties("good=1\n\nbad=\\u12G4\nalso=2\n");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].line, 3u);
    EXPECT_NE(r.errors[0].reason.find("\\u"), std::string::npos);
    EXPECT_EQ(value_of(r, "also"), "2");
}

TEST(properties, truncated_unicode_escape_at_end_of_input) {
    auto r = parse_properties("k=\\u12");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].line, 1u);
}

TEST(properties, continuation_on_last_line_ends_cleanly) {
    auto r = parse_properties("k=abc\\");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(value_of(r, "k"), "abc");
}

} // namespace
} // namespace brook
