// Tests of the YAML-to-message mapping and scalar conversions of
// spec/spec-file.md ("Mapping YAML to messages", "Scalars"), driven by the
// schema's descriptors so that every field and enum value is covered.
#include <google/protobuf/struct.pb.h>

#include <functional>
#include <limits>

#include <gtest/gtest.h>

#include "dtm/v1/manifest.pb.h"
#include "yaml/scalars.h"
#include "yaml/yaml_to_proto.h"

namespace dtm {

using internal::EnumPrefix;
using internal::EnumShortName;
using internal::IsValidUtf8;
using internal::kMaxTimestampSeconds;
using internal::kMinTimestampSeconds;
using internal::ParseYamlBool;
using internal::ParseYamlDocument;
using internal::ParseYamlDouble;
using internal::ParseYamlEnum;
using internal::ParseYamlInt;
using internal::ParseYamlTimestamp;
using internal::ParseYamlUint;
using internal::QuoteForMessage;
using internal::YamlEntry;
using internal::YamlLocation;
using internal::YamlToProto;
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const google::protobuf::FileDescriptor* Schema() { return v1::Source::descriptor()->file(); }

// Every enum of the schema, nested ones included.
std::vector<const EnumDescriptor*> AllEnums() {
  std::vector<const EnumDescriptor*> out;
  for (int i = 0; i < Schema()->enum_type_count(); ++i) out.push_back(Schema()->enum_type(i));
  for (int i = 0; i < Schema()->message_type_count(); ++i) {
    const Descriptor* m = Schema()->message_type(i);
    for (int k = 0; k < m->enum_type_count(); ++k) out.push_back(m->enum_type(k));
  }
  return out;
}

// Maps `yaml` into `msg` and returns the status.
Status Map(const std::string& yaml, Message* msg, YamlToProto::Options options = {}) {
  StatusOr<internal::YamlNode> root = ParseYamlDocument(yaml, "t.yaml");
  if (!root.ok()) return root.status();
  YamlToProto mapper("t.yaml", 1u << 20);
  return mapper.ToMessage(*root, msg, "", options);
}

TEST(BuildSpecYamlTest, EveryEnumValueOfTheSchemaIsAccepted) {
  int checked = 0, named_values = 0;
  for (const EnumDescriptor* type : AllEnums()) {
    named_values += type->value_count() - 1;
    const std::string prefix = EnumPrefix(type);
    EXPECT_EQ(type->value(0)->name(), prefix + "UNSPECIFIED");
    for (int i = 0; i < type->value_count(); ++i) {
      const auto* value = type->value(i);
      const std::string short_name = EnumShortName(value);
      std::string upper_short = value->name().substr(prefix.size());
      std::string mixed = short_name;
      mixed[0] = static_cast<char>(std::toupper(mixed[0]));
      for (const std::string& text : {short_name, upper_short, mixed, value->name()}) {
        auto parsed = ParseYamlEnum(text, type);
        if (value->number() == 0) {
          EXPECT_FALSE(parsed.ok()) << text;
          continue;
        }
        ASSERT_TRUE(parsed.ok()) << type->name() << " " << text << ": "
                                 << parsed.status().ToString();
        EXPECT_EQ(*parsed, value);
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 4 * named_values);
  EXPECT_GT(named_values, 70);
}

// Each enum field of each message accepts each value through the mapper too.
TEST(BuildSpecYamlTest, EveryEnumFieldMapsEveryValue) {
  for (int m = 0; m < Schema()->message_type_count(); ++m) {
    const Descriptor* type = Schema()->message_type(m);
    for (int f = 0; f < type->field_count(); ++f) {
      const FieldDescriptor* field = type->field(f);
      if (field->enum_type() == nullptr) continue;
      for (int v = 1; v < field->enum_type()->value_count(); ++v) {
        const auto* value = field->enum_type()->value(v);
        const std::string text = EnumShortName(value);
        std::unique_ptr<Message> msg(
            google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
        const std::string yaml =
            field->name() + ": " + (field->is_repeated() ? "[" + text + "]" : text);
        ASSERT_TRUE(Map(yaml, msg.get()).ok()) << type->name() << "." << yaml;
        const auto* r = msg->GetReflection();
        const int number = field->is_repeated() ? r->GetRepeatedEnumValue(*msg, field, 0)
                                                : r->GetEnumValue(*msg, field);
        EXPECT_EQ(number, value->number()) << yaml;
      }
    }
  }
}

// A YAML value for every field of `type`, recursively: proof that the mapping
// reaches every field of the schema with no field-specific code.
std::string YamlSettingEveryField(const Descriptor* type, int depth) {
  std::string out = "{";
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (f->real_containing_oneof() && f->index_in_oneof() > 0) continue;  // one per oneof
    std::string value;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        value = f->type() == FieldDescriptor::TYPE_BYTES ? std::string(64, 'c') : "\"text\"";
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        value = EnumShortName(f->enum_type()->value(1));
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        value = "true";
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
      case FieldDescriptor::CPPTYPE_FLOAT:
        value = "2.5";
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        value = f->message_type()->full_name() == "google.protobuf.Timestamp"
                    ? "2024-02-29T23:59:59.5-01:30"
                    : YamlSettingEveryField(f->message_type(), depth + 1);
        break;
      default:
        value = "7";
    }
    out += (out.size() > 1 ? ", " : "") + f->name() + ": " +
           (f->is_repeated() ? "[" + value + "]" : value);
  }
  return out + "}";
}

// Checks that every field of msg (and of its sub-messages) is set.
void ExpectEveryFieldSet(const Message& msg, const std::string& path) {
  const Descriptor* type = msg.GetDescriptor();
  const auto* r = msg.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (f->real_containing_oneof() && f->index_in_oneof() > 0) continue;
    const std::string field_path = path + "." + f->name();
    if (f->is_repeated()) {
      ASSERT_EQ(r->FieldSize(msg, f), 1) << field_path;
      if (f->message_type()) ExpectEveryFieldSet(r->GetRepeatedMessage(msg, f, 0), field_path);
    } else {
      ASSERT_TRUE(r->HasField(msg, f)) << field_path;
      if (f->message_type()) ExpectEveryFieldSet(r->GetMessage(msg, f), field_path);
    }
  }
}

TEST(BuildSpecYamlTest, EveryFieldOfEveryMessageIsReachable) {
  for (int m = 0; m < Schema()->message_type_count(); ++m) {
    const Descriptor* type = Schema()->message_type(m);
    std::unique_ptr<Message> msg(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
    const std::string yaml = YamlSettingEveryField(type, 0);
    Status s = Map(yaml, msg.get());
    ASSERT_TRUE(s.ok()) << type->name() << ": " << s.ToString() << "\n" << yaml;
    ExpectEveryFieldSet(*msg, type->name());
  }
  v1::Source source;
  ASSERT_TRUE(Map(YamlSettingEveryField(v1::Source::descriptor(), 0), &source).ok());
  EXPECT_EQ(source.provenance().collection_start().seconds(), 1709256599);  // 2024-03-01T01:29:59Z
  EXPECT_EQ(source.provenance().collection_start().nanos(), 500000000);
  EXPECT_EQ(source.counts().hours(), 2.5);
  EXPECT_EQ(source.license().custom(0).text_sha256(), std::string(32, '\xcc'));
}

TEST(BuildSpecYamlTest, Integers) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(*ParseYamlUint("0", kMax), 0u);
  EXPECT_EQ(*ParseYamlUint("+42", kMax), 42u);
  EXPECT_EQ(*ParseYamlUint("007", kMax), 7u);
  EXPECT_EQ(*ParseYamlUint("18446744073709551615", kMax), kMax);
  EXPECT_NE(ParseYamlUint("18446744073709551616", kMax).status().message().find("out of range"),
            std::string::npos);
  EXPECT_NE(ParseYamlUint("4294967296", 4294967295u).status().message().find("out of range"),
            std::string::npos);
  EXPECT_NE(ParseYamlUint("-1", kMax).status().message().find("must not be negative"),
            std::string::npos);
  for (const char* bad : {"", "1.5", "1e3", "0x10", "1_000", " 1", "one", "+", "--1"}) {
    EXPECT_NE(ParseYamlUint(bad, kMax).status().message().find("expected an integer"),
              std::string::npos)
        << bad;
  }
  EXPECT_EQ(*ParseYamlInt("-2147483648", INT32_MIN, INT32_MAX), INT32_MIN);
  EXPECT_FALSE(ParseYamlInt("2147483648", INT32_MIN, INT32_MAX).ok());
  EXPECT_FALSE(ParseYamlInt("-9223372036854775809", INT64_MIN, INT64_MAX).ok());
  v1::Counts counts;
  Status s = Map("tokens: 1.5", &counts);
  EXPECT_EQ(s.message(), "t.yaml:1:9: tokens: expected an integer, got '1.5'");
}

TEST(BuildSpecYamlTest, NumbersBoolsAndDigests) {
  EXPECT_EQ(*ParseYamlDouble("1.5"), 1.5);
  EXPECT_EQ(*ParseYamlDouble("+3e2"), 300);
  EXPECT_EQ(*ParseYamlDouble("-0.25"), -0.25);
  for (const char* bad :
       {"", ".inf", "inf", "nan", "1.5h", "1e999", "0x1p3", "+-1", "++1", "--1", "+"}) {
    EXPECT_FALSE(ParseYamlDouble(bad).ok()) << bad;
  }
  for (const char* yes : {"true", "True", "TRUE"}) EXPECT_TRUE(*ParseYamlBool(yes));
  for (const char* no : {"false", "False", "FALSE"}) EXPECT_FALSE(*ParseYamlBool(no));
  for (const char* bad : {"yes", "no", "on", "1", "tRue", ""})
    EXPECT_FALSE(ParseYamlBool(bad).ok());
  v1::Counts counts;
  EXPECT_EQ(Map("estimated: yes", &counts).message(),
            "t.yaml:1:12: estimated: expected true or false, got 'yes'");
  v1::Upstream upstream;
  EXPECT_TRUE(Map("manifest_sha256: \"sha256:" + std::string(64, 'F') + "\"", &upstream).ok());
  EXPECT_EQ(upstream.manifest_sha256(), std::string(32, '\xff'));
  EXPECT_NE(Map("manifest_sha256: " + std::string(63, 'a') + "g", &upstream)
                .message()
                .find("character 64 is not a hex digit"),
            std::string::npos);
}

TEST(BuildSpecYamlTest, Timestamps) {
  struct Case {
    const char* text;
    int64_t seconds;
    int32_t nanos;
  };
  for (const Case& c : std::vector<Case>{
           {"1970-01-01", 0, 0},
           {"2024-02-29", 1709164800, 0},
           {"2000-03-01T00:00:00Z", 951868800, 0},
           {"2024-01-01T00:00:00+01:00", 1704063600, 0},
           {"2024-01-01t12:00:00z", 1704110400, 0},
           {"2024-01-01T00:00:00.000000001Z", 1704067200, 1},
           {"2024-01-01T00:00:00.1Z", 1704067200, 100000000},
           {"0001-01-01T00:00:00Z", kMinTimestampSeconds, 0},
           {"9999-12-31T23:59:59.999999999Z", kMaxTimestampSeconds, 999999999},
           {"9999-12-31T23:59:59-00:00", kMaxTimestampSeconds, 0},
       }) {
    auto t = ParseYamlTimestamp(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.status().ToString();
    EXPECT_EQ(t->seconds, c.seconds) << c.text;
    EXPECT_EQ(t->nanos, c.nanos) << c.text;
  }
  for (const char* bad : {"",
                          "2024",
                          "2024-1-01",
                          "2024-13-01",
                          "2024-00-10",
                          "2023-02-29",
                          "2024-04-31",
                          "2024-01-00",
                          "0000-01-01",
                          "2024-01-01T24:00:00Z",
                          "2024-01-01T23:60:00Z",
                          "2024-01-01T23:59:60Z",
                          "2024-01-01T12:00:00",
                          "2024-01-01 12:00:00Z",
                          "2024-01-01T12:00Z",
                          "2024-01-01T12:00:00.Z",
                          "2024-01-01T12:00:00.1234567890Z",
                          "2024-01-01T12:00:00+24:00",
                          "2024-01-01T12:00:00+01:60",
                          "2024-01-01T12:00:00+0100",
                          "0001-01-01T00:00:00+00:01",
                          "9999-12-31T23:59:59-00:01",
                          "2024-01-01x",
                          "2024-01-01T00:00:00-00:30z",
                          "２０２４-01-01"}) {
    EXPECT_FALSE(ParseYamlTimestamp(bad).ok()) << bad;
  }
  EXPECT_NE(ParseYamlTimestamp("2024-02-30").status().message().find("day out of range"),
            std::string::npos);
}

TEST(BuildSpecYamlTest, KeysSequencesAndNulls) {
  v1::Source source;
  EXPECT_EQ(Map("licence: {}", &source).message(),
            "t.yaml:1:1: unknown key 'licence'; did you mean 'license'?");
  EXPECT_NE(Map("zzzzzzzzzzzz: 1", &source).message().find("expected one of: id, name,"),
            std::string::npos);
  EXPECT_EQ(Map("urls: https://x", &source).message(),
            "t.yaml:1:7: urls: expected a sequence, got a scalar");
  EXPECT_EQ(Map("urls: [a, ~]", &source).message(), "t.yaml:1:11: urls[1]: null in a sequence");
  EXPECT_EQ(Map("name: [a]", &source).message(),
            "t.yaml:1:7: name: expected a scalar, got a sequence");
  EXPECT_EQ(Map("license: x", &source).message(),
            "t.yaml:1:10: license: expected a mapping, got a scalar");
  EXPECT_EQ(Map("license:\n  expression: MIT\n  expression: X", &source).message(),
            "t.yaml:3:3: license.expression: duplicate key (first at t.yaml:2:3)");
  EXPECT_EQ(Map("{[a]: 1}", &source).message(),
            "t.yaml:1:2: expected a scalar key, got a sequence");
  // YAML escapes give code points: "\xff" is U+00FF, valid; a lone surrogate is not.
  EXPECT_TRUE(Map("name: \"\\xff\"", &source).ok());
  EXPECT_EQ(source.name(), "\xc3\xbf");
  EXPECT_NE(Map("name: \"\\ud800\"", &source).message().find("YAML syntax error"),
            std::string::npos);
  source.Clear();
  ASSERT_TRUE(Map("name: ~\nurls:\nlicense: null\ncounts: {}", &source).ok());
  EXPECT_FALSE(source.has_license());
  EXPECT_TRUE(source.has_counts());
  EXPECT_EQ(Map("opt_outs: [{observed_at: 2024-02-30}]", &source)
                .message()
                .rfind("t.yaml:1:26: opt_outs[0].observed_at: bad timestamp '2024-02-30'", 0),
            0u);
}

TEST(BuildSpecYamlTest, OptionsRestrictKeysAndReturnExtras) {
  v1::Header header;
  YamlToProto::Options options;
  options.only_fields = {"dataset"};
  options.extra_keys = {"extra"};
  StatusOr<internal::YamlNode> root =
      ParseYamlDocument("dataset: {name: d}\nextra: [1]\n", "t.yaml");
  ASSERT_TRUE(root.ok());
  YamlToProto mapper("t.yaml", 100);
  std::vector<YamlEntry> extras;
  ASSERT_TRUE(mapper.ToMessage(*root, &header, "", options, &extras).ok());
  EXPECT_EQ(header.dataset().name(), "d");
  ASSERT_EQ(extras.size(), 1u);
  EXPECT_EQ(extras[0].key, "extra");
  EXPECT_TRUE(extras[0].value.IsSequence());
  ASSERT_NE(mapper.MarkOf("dataset.name"), nullptr);
  EXPECT_EQ(YamlLocation("t.yaml", *mapper.MarkOf("dataset.name")), "t.yaml:1:17");
  EXPECT_EQ(mapper.MarkOf("dataset.version"), nullptr);
  EXPECT_EQ(Map("merkle_root: " + std::string(64, 'a'), &header, options).message(),
            "t.yaml:1:1: unknown key 'merkle_root'; expected one of: dataset, extra");
}

TEST(BuildSpecYamlTest, OneofAllowsOneAlternative) {
  v1::Record record;
  ASSERT_TRUE(Map("file: {path: a}", &record).ok());
  EXPECT_EQ(record.file().path(), "a");
  EXPECT_EQ(Map("source: {id: a}\nfile: {path: b}", &record).message(),
            "t.yaml:2:1: file: 'source' is already set; only one of kind may be given");
  EXPECT_TRUE(Map("source: {id: a}\nfile: ~", &record).ok());
}

TEST(BuildSpecYamlTest, MapFields) {
  google::protobuf::Struct s;
  ASSERT_TRUE(Map("fields: {a: {string_value: x}, b: {bool_value: true}}", &s).ok());
  EXPECT_EQ(s.fields().at("a").string_value(), "x");
  EXPECT_TRUE(s.fields().at("b").bool_value());
  EXPECT_EQ(Map("fields: {a: {}, a: {}}", &s).message(),
            "t.yaml:1:17: fields['a']: duplicate key (first at t.yaml:1:10)");
  EXPECT_EQ(Map("fields: {a: }", &s).message(), "t.yaml:1:10: fields['a']: null map value");
}

TEST(BuildSpecYamlTest, NodeBudget) {
  StatusOr<internal::YamlNode> root = ParseYamlDocument("urls: [a, b, c, d]", "t.yaml");
  ASSERT_TRUE(root.ok());
  v1::Source source;
  YamlToProto mapper("t.yaml", 5);
  Status s = mapper.ToMessage(*root, &source, "", {});
  EXPECT_EQ(s.code(), StatusCode::kLimitExceeded);
  EXPECT_NE(s.message().find("more than 5 YAML nodes and scalar bytes"), std::string::npos);
}

TEST(BuildSpecYamlTest, Utf8) {
  EXPECT_TRUE(IsValidUtf8("plain \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  for (const char* bad : {"\xff", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                          "\xc3", "\xe2\x82", "\x80"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << QuoteForMessage(bad);
  }
  EXPECT_EQ(QuoteForMessage("a'b\n"), "'a\\x27b\\x0a'");
  EXPECT_EQ(QuoteForMessage(std::string(100, 'x')), "'" + std::string(80, 'x') + "'...");
}

}  // namespace
}  // namespace dtm

namespace dtm {
namespace {

// The alias bomb of a scalar: one long string, aliased a thousand times. The
// budget counts the bytes each alias expands to, so mapping stops at about
// twice the text instead of building 100 MB of strings.
TEST(YamlBombTest, AliasesOfALongScalarStopAtTheBudget) {
  std::string text = "urls: [&a " + std::string(100000, 'y');
  for (int i = 0; i < 1000; ++i) text += ", *a";
  text += "]\n";
  StatusOr<internal::YamlNode> root = internal::ParseYamlDocument(text, "t.yaml");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  v1::Source source;
  internal::YamlToProto mapper("t.yaml", internal::YamlToProto::BudgetFor(text.size()));
  Status s = mapper.ToMessage(*root, &source, "", {});
  EXPECT_EQ(s.code(), StatusCode::kLimitExceeded) << s.ToString();
  EXPECT_NE(s.message().find("do aliases expand too much?"), std::string::npos) << s.ToString();
  EXPECT_LE(source.urls_size(), 3);
}

// Deep flow nesting on one line costs the reader nothing ahead of the limit:
// 12 MiB of '[' is refused at the 65th.
TEST(YamlBombTest, DeepFlowNestingIsRefusedAtTheLimit) {
  const std::string text(12u << 20, '[');
  StatusOr<internal::YamlNode> root = internal::ParseYamlDocument(text, "t.yaml");
  EXPECT_EQ(root.status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(root.status().message(), "t.yaml:1:65: nested deeper than 64 levels");
}

// An alias of a node that encloses it would be a cycle: refused.
TEST(YamlBombTest, AliasOfAnEnclosingNodeIsRefused) {
  StatusOr<internal::YamlNode> root = internal::ParseYamlDocument("a: &x [1, *x]\n", "t.yaml");
  EXPECT_EQ(root.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(root.status().message().find("alias of an unknown anchor"), std::string::npos)
      << root.status().ToString();
}

// The inputs are UTF-8: UTF-16 (with its byte-order mark) is refused.
TEST(YamlBombTest, Utf16IsRefused) {
  const std::string utf16(
      "\xff\xfe"
      "a\0:\0 \0"
      "1\0\n\0",
      12);
  StatusOr<internal::YamlNode> root = internal::ParseYamlDocument(utf16, "t.yaml");
  EXPECT_EQ(root.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(root.status().message().find("UTF-8"), std::string::npos) << root.status().ToString();
}

}  // namespace
}  // namespace dtm
