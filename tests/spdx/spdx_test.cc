#include "dtm/spdx.h"

#include <gtest/gtest.h>

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dtm {
namespace {

using v1::UseClass;

const char kVectors[] = DTM_SOURCE_DIR "/spec/vectors/license-expressions.json";

nlohmann::json LoadVectors() {
  std::ifstream in(kVectors);
  EXPECT_TRUE(in.good()) << kVectors;
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

UseClass UseClassFromName(const std::string& name) {
  UseClass c = v1::USE_CLASS_UNSPECIFIED;
  EXPECT_TRUE(v1::UseClass_Parse("USE_CLASS_" + name, &c)) << name;
  return c;
}

const char* CodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return "InvalidArgument";
    case StatusCode::kLimitExceeded:
      return "LimitExceeded";
    default:
      return "other";
  }
}

// ---- The pinned list

TEST(SpdxListTest, VersionNamesThePackages) {
  EXPECT_EQ(SpdxLicenseListVersion(), "spdx-license-ids 3.0.12; spdx-exceptions 2.3.0");
  EXPECT_EQ(LoadVectors()["list_version"], std::string(SpdxLicenseListVersion()));
}

TEST(SpdxListTest, IsSpdxLicenseIdIsExactAndCaseInsensitive) {
  EXPECT_TRUE(IsSpdxLicenseId("MIT"));
  EXPECT_TRUE(IsSpdxLicenseId("mit"));
  EXPECT_TRUE(IsSpdxLicenseId("Apache-2.0"));
  EXPECT_TRUE(IsSpdxLicenseId("GPL-2.0"));  // deprecated, still on the list
  EXPECT_TRUE(IsSpdxLicenseId("CC-BY-NC-SA-4.0"));
  EXPECT_FALSE(IsSpdxLicenseId("MIT+"));
  EXPECT_FALSE(IsSpdxLicenseId("MIT "));
  EXPECT_FALSE(IsSpdxLicenseId("MI"));
  EXPECT_FALSE(IsSpdxLicenseId(""));
  EXPECT_FALSE(IsSpdxLicenseId("LLVM-exception"));  // an exception id
  EXPECT_FALSE(IsSpdxLicenseId("LicenseRef-MIT"));
}

namespace pinned {
#include "spdx/license_list.inc"  // the compiled-in list, to walk every id
}  // namespace pinned

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(SpdxListTest, EveryListIdParsesToItself) {
  int non_commercial = 0;
  for (std::string_view id : pinned::kSpdxLicenseIds) {
    const std::string spelled(id);
    auto r = ParseLicenseExpression(Lower(spelled) + "+");
    ASSERT_TRUE(r.ok()) << id << ": " << r.status().ToString();
    EXPECT_EQ(r->normalized, spelled + "+");
    EXPECT_EQ(r->license_ids, std::vector<std::string>{spelled});
    EXPECT_TRUE(r->deprecated_ids.empty()) << id;
    EXPECT_TRUE(IsSpdxLicenseId(spelled)) << id;
    if (r->use_class_floor == v1::USE_CLASS_NON_COMMERCIAL) {
      ++non_commercial;
      EXPECT_EQ(spelled.rfind("CC-BY-NC-", 0), 0u) << id;
    } else {
      EXPECT_EQ(r->use_class_floor, v1::USE_CLASS_COMMERCIAL) << id;
    }
  }
  EXPECT_EQ(non_commercial, 22);
  EXPECT_EQ(std::size(pinned::kSpdxLicenseIds), 465u);
}

TEST(SpdxListTest, EveryDeprecatedIdIsReported) {
  for (std::string_view id : pinned::kSpdxDeprecatedLicenseIds) {
    const std::string spelled(id);
    auto r = ParseLicenseExpression("MIT AND " + Lower(spelled));
    ASSERT_TRUE(r.ok()) << id << ": " << r.status().ToString();
    EXPECT_EQ(r->deprecated_ids, std::vector<std::string>{spelled});
  }
  EXPECT_EQ(std::size(pinned::kSpdxDeprecatedLicenseIds), 25u);
}

TEST(SpdxListTest, EveryExceptionIdFollowsWith) {
  for (std::string_view id : pinned::kSpdxExceptionIds) {
    const std::string spelled(id);
    auto r = ParseLicenseExpression("GPL-2.0-only with " + Lower(spelled));
    ASSERT_TRUE(r.ok()) << id << ": " << r.status().ToString();
    EXPECT_EQ(r->normalized, "GPL-2.0-only WITH " + spelled);
    EXPECT_EQ(r->exceptions, std::vector<std::string>{spelled});
    EXPECT_FALSE(IsSpdxLicenseId(spelled));
    EXPECT_FALSE(ParseLicenseExpression(spelled).ok()) << "an exception alone: " << id;
  }
  EXPECT_EQ(std::size(pinned::kSpdxExceptionIds), 38u);
}

// ---- Vectors (spec/vectors/license-expressions.json)

TEST(SpdxParseTest, ValidVectors) {
  nlohmann::json vectors = LoadVectors();
  ASSERT_TRUE(vectors.is_object());
  ASSERT_GE(vectors["valid"].size(), 20u);
  for (const auto& v : vectors["valid"]) {
    const std::string expression = v["expression"];
    SCOPED_TRACE(expression);
    auto r = ParseLicenseExpression(expression);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->normalized, v["normalized"]);
    EXPECT_EQ(r->license_ids, v["license_ids"].get<std::vector<std::string>>());
    EXPECT_EQ(r->license_refs, v["license_refs"].get<std::vector<std::string>>());
    EXPECT_EQ(r->exceptions, v["exceptions"].get<std::vector<std::string>>());
    EXPECT_EQ(r->deprecated_ids, v["deprecated_ids"].get<std::vector<std::string>>());
    EXPECT_EQ(r->use_class_floor, UseClassFromName(v["use_class_floor"]));
    // The normalized spelling is a fixed point.
    auto again = ParseLicenseExpression(r->normalized);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->normalized, r->normalized);
    EXPECT_EQ(again->use_class_floor, r->use_class_floor);
  }
}

TEST(SpdxParseTest, InvalidVectors) {
  nlohmann::json vectors = LoadVectors();
  ASSERT_TRUE(vectors.is_object());
  ASSERT_GE(vectors["invalid"].size(), 40u);
  for (const auto& v : vectors["invalid"]) {
    const std::string expression = v["expression"];
    SCOPED_TRACE(expression);
    auto r = ParseLicenseExpression(expression);
    ASSERT_FALSE(r.ok()) << "accepted as " << r->normalized;
    EXPECT_EQ(CodeName(r.status().code()), v["code"]);
    EXPECT_EQ(r.status().message(), v["message"]);
    if (v.contains("offset")) {
      EXPECT_EQ(
          r.status().message().rfind("offset " + std::to_string(v["offset"].get<int>()) + ": ", 0),
          0u);
    }
  }
}

// ---- Limits

std::string Nested(int levels) {
  return std::string(levels, '(') + "MIT" + std::string(levels, ')');
}

TEST(SpdxParseTest, NestingUpToTheLimitParses) {
  auto r = ParseLicenseExpression(Nested(kMaxLicenseExpressionNesting));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->normalized, Nested(kMaxLicenseExpressionNesting));
}

TEST(SpdxParseTest, NestingOverTheLimitIsLimitExceeded) {
  auto r = ParseLicenseExpression(Nested(kMaxLicenseExpressionNesting + 1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(r.status().message(), "offset 65: parentheses nested deeper than 64 levels");
  // Deep nesting far past the limit fails the same way, without exhausting the stack.
  auto deep = ParseLicenseExpression(std::string(4000, '('));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), StatusCode::kLimitExceeded);
}

TEST(SpdxParseTest, LengthLimit) {
  std::string at_limit = "MIT";
  while (at_limit.size() + 8 <= kMaxLicenseExpressionBytes) at_limit += " AND MIT";
  at_limit.append(kMaxLicenseExpressionBytes - at_limit.size(), ' ');
  ASSERT_EQ(at_limit.size(), kMaxLicenseExpressionBytes);
  auto ok = ParseLicenseExpression(at_limit);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->license_ids, std::vector<std::string>{"MIT"});

  auto over = ParseLicenseExpression(at_limit + " ");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(over.status().message(), "expression is 4097 bytes long; the limit is 4096");
}

// ---- Robustness: truncations and single-byte mutations

const char* const kRobustnessInputs[] = {
    "MIT AND (LGPL-2.1-or-later OR BSD-3-Clause)",
    "GPL-2.0-or-later WITH Bison-exception-2.2 OR (Apache-2.0 AND CC-BY-NC-4.0)",
    "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2 OR LicenseRef-x WITH LLVM-exception",
    "((gpl-2.0+ or mit) and (0BSD))",
};

// Either parses, with a normalized form that is a fixed point, or fails with
// kInvalidArgument and a message that names the problem.
void ExpectParsesOrIsRejected(const std::string& input) {
  SCOPED_TRACE(input);
  auto r = ParseLicenseExpression(input);
  if (r.ok()) {
    auto again = ParseLicenseExpression(r->normalized);
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->normalized, r->normalized);
    return;
  }
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  const std::string& m = r.status().message();
  EXPECT_TRUE(m.rfind("offset ", 0) == 0 || m == "empty expression") << m;
}

TEST(SpdxParseTest, EveryTruncationParsesOrIsRejected) {
  for (std::string full : kRobustnessInputs) {
    ASSERT_TRUE(ParseLicenseExpression(full).ok()) << full;
    for (size_t n = 0; n < full.size(); ++n) {
      ExpectParsesOrIsRejected(full.substr(0, n));  // prefix
      ExpectParsesOrIsRejected(full.substr(n));     // suffix
    }
  }
  // Some truncations must be rejected with a specific reason.
  EXPECT_FALSE(ParseLicenseExpression("MIT AND (LGPL-2.1-or-later OR BSD-3-Clause").ok());
  EXPECT_FALSE(ParseLicenseExpression("MIT AND (LGPL-2.1-or-later OR").ok());
  EXPECT_FALSE(ParseLicenseExpression("GPL-2.0-or-later WITH Bison-exception-2").ok());
}

TEST(SpdxParseTest, EverySingleByteMutationParsesOrIsRejected) {
  const char kReplacements[] = {'(', ')', ' ', '+', ':', '-', 'x', '\0', '\x80'};
  for (std::string full : kRobustnessInputs) {
    for (size_t i = 0; i < full.size(); ++i) {
      for (char c : kReplacements) {
        std::string mutated = full;
        mutated[i] = c;
        ExpectParsesOrIsRejected(mutated);
      }
    }
  }
}

// ---- Use-class floor

TEST(SpdxParseTest, UseClassFloor) {
  struct Case {
    const char* expression;
    UseClass floor;
  };
  const Case kCases[] = {
      {"MIT", v1::USE_CLASS_COMMERCIAL},
      {"CC-BY-NC-4.0", v1::USE_CLASS_NON_COMMERCIAL},
      {"CC-BY-NC-ND-3.0-IGO", v1::USE_CLASS_NON_COMMERCIAL},
      {"CC-BY-NC-SA-2.0-UK+", v1::USE_CLASS_NON_COMMERCIAL},
      {"CC-BY-ND-4.0", v1::USE_CLASS_COMMERCIAL},  // no-derivatives, but commercial use allowed
      {"NCSA", v1::USE_CLASS_COMMERCIAL},          // "NC" only as a whole "-"-separated part
      {"LicenseRef-x", v1::USE_CLASS_UNSPECIFIED},
      {"MIT AND CC-BY-NC-4.0", v1::USE_CLASS_NON_COMMERCIAL},  // AND: most restrictive
      {"MIT OR CC-BY-NC-4.0", v1::USE_CLASS_COMMERCIAL},       // OR: least restrictive
      {"MIT AND LicenseRef-x", v1::USE_CLASS_UNSPECIFIED},     // unknown terms dominate AND
      {"MIT OR LicenseRef-x", v1::USE_CLASS_COMMERCIAL},       // COMMERCIAL is the least possible
      {"LicenseRef-x OR MIT", v1::USE_CLASS_COMMERCIAL},
      // The unknown terms may allow more than NON_COMMERCIAL (dual licensing).
      {"CC-BY-NC-4.0 OR LicenseRef-x", v1::USE_CLASS_UNSPECIFIED},
      {"LicenseRef-x OR CC-BY-NC-4.0", v1::USE_CLASS_UNSPECIFIED},
      {"CC-BY-NC-4.0 OR CC-BY-NC-SA-4.0", v1::USE_CLASS_NON_COMMERCIAL},
      {"LicenseRef-a OR LicenseRef-b", v1::USE_CLASS_UNSPECIFIED},
      {"MIT OR CC-BY-NC-4.0 AND CC-BY-NC-SA-4.0", v1::USE_CLASS_COMMERCIAL},
      {"(MIT OR CC-BY-NC-4.0) AND CC-BY-NC-SA-4.0", v1::USE_CLASS_NON_COMMERCIAL},
      {"(MIT OR LicenseRef-x) AND CC-BY-4.0", v1::USE_CLASS_COMMERCIAL},
      {"(MIT AND LicenseRef-x) OR CC-BY-NC-4.0", v1::USE_CLASS_UNSPECIFIED},
      {"(MIT AND LicenseRef-x) OR ISC", v1::USE_CLASS_COMMERCIAL},
      {"GPL-2.0-only WITH Classpath-exception-2.0", v1::USE_CLASS_COMMERCIAL},
      {"LicenseRef-x WITH Classpath-exception-2.0", v1::USE_CLASS_UNSPECIFIED},
  };
  for (const Case& c : kCases) {
    auto r = ParseLicenseExpression(c.expression);
    ASSERT_TRUE(r.ok()) << c.expression << ": " << r.status().ToString();
    EXPECT_EQ(r->use_class_floor, c.floor) << c.expression;
  }
}

// ---- CheckLicense

v1::License MakeLicense(const std::string& expression, UseClass use_class) {
  v1::License l;
  l.set_expression(expression);
  l.set_use_class(use_class);
  return l;
}

void AddCustom(v1::License* l, const std::string& ref, const std::string& url,
               size_t sha256_bytes = 0) {
  v1::CustomLicense* c = l->add_custom();
  c->set_license_ref(ref);
  c->set_text_url(url);
  if (sha256_bytes > 0) c->set_text_sha256(std::string(sha256_bytes, '\x5a'));
}

void ExpectCheckFails(const v1::License& l, const std::string& message) {
  UseClass resolved = v1::USE_CLASS_ACADEMIC_ONLY;
  Status s = CheckLicense(l, &resolved);
  ASSERT_FALSE(s.ok()) << l.ShortDebugString();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), message);
  EXPECT_EQ(resolved, v1::USE_CLASS_ACADEMIC_ONLY) << "changed on failure";
}

TEST(SpdxCheckLicenseTest, ResolvesUnspecifiedToTheFloor) {
  UseClass resolved = v1::USE_CLASS_UNSPECIFIED;
  ASSERT_TRUE(CheckLicense(MakeLicense("cc-by-nc-4.0", v1::USE_CLASS_UNSPECIFIED), &resolved).ok());
  EXPECT_EQ(resolved, v1::USE_CLASS_NON_COMMERCIAL);
  ASSERT_TRUE(CheckLicense(MakeLicense("MIT OR ISC", v1::USE_CLASS_UNSPECIFIED), &resolved).ok());
  EXPECT_EQ(resolved, v1::USE_CLASS_COMMERCIAL);
  EXPECT_TRUE(CheckLicense(MakeLicense("MIT", v1::USE_CLASS_UNSPECIFIED), nullptr).ok());
}

TEST(SpdxCheckLicenseTest, KeepsTheDeclaredClass) {
  UseClass resolved = v1::USE_CLASS_UNSPECIFIED;
  // Declaring a more restrictive class than the floor is allowed.
  ASSERT_TRUE(CheckLicense(MakeLicense("MIT", v1::USE_CLASS_ACADEMIC_ONLY), &resolved).ok());
  EXPECT_EQ(resolved, v1::USE_CLASS_ACADEMIC_ONLY);
  ASSERT_TRUE(
      CheckLicense(MakeLicense("CC-BY-NC-4.0", v1::USE_CLASS_NON_COMMERCIAL), &resolved).ok());
  EXPECT_EQ(resolved, v1::USE_CLASS_NON_COMMERCIAL);
  // Unknown floor: whatever is declared stands, UNSPECIFIED included.
  v1::License l = MakeLicense("LicenseRef-acme", v1::USE_CLASS_COMMERCIAL);
  AddCustom(&l, "LicenseRef-acme", "https://example.com/terms");
  ASSERT_TRUE(CheckLicense(l, &resolved).ok());
  EXPECT_EQ(resolved, v1::USE_CLASS_COMMERCIAL);
  l.set_use_class(v1::USE_CLASS_UNSPECIFIED);
  ASSERT_TRUE(CheckLicense(l, &resolved).ok());
  EXPECT_EQ(resolved, v1::USE_CLASS_UNSPECIFIED);
  // Dual licensing: NC for everyone, or the publisher's own commercial terms.
  v1::License dual = MakeLicense("CC-BY-NC-4.0 OR LicenseRef-acme", v1::USE_CLASS_COMMERCIAL);
  AddCustom(&dual, "LicenseRef-acme", "https://example.com/commercial");
  ASSERT_TRUE(CheckLicense(dual, &resolved).ok());
  EXPECT_EQ(resolved, v1::USE_CLASS_COMMERCIAL);
  dual.set_use_class(v1::USE_CLASS_UNSPECIFIED);
  ASSERT_TRUE(CheckLicense(dual, &resolved).ok());
  EXPECT_EQ(resolved, v1::USE_CLASS_UNSPECIFIED);
}

TEST(SpdxCheckLicenseTest, RejectsAClassLessRestrictiveThanTheFloor) {
  ExpectCheckFails(MakeLicense("CC-BY-NC-4.0", v1::USE_CLASS_COMMERCIAL),
                   "license.use_class: declared COMMERCIAL but CC-BY-NC-4.0 allows only "
                   "NON_COMMERCIAL");
  ExpectCheckFails(MakeLicense("MIT AND cc-by-nc-sa-4.0", v1::USE_CLASS_COMMERCIAL),
                   "license.use_class: declared COMMERCIAL but 'MIT AND CC-BY-NC-SA-4.0' allows "
                   "only NON_COMMERCIAL");
  ExpectCheckFails(MakeLicense("MIT", static_cast<UseClass>(7)),
                   "license.use_class: unknown value 7");
}

TEST(SpdxCheckLicenseTest, ReportsExpressionErrorsUnderTheField) {
  ExpectCheckFails(MakeLicense("MIT2", v1::USE_CLASS_COMMERCIAL),
                   "license.expression: offset 1: unknown license id 'MIT2' (did you mean 'MIT'?)");
  ExpectCheckFails(MakeLicense("", v1::USE_CLASS_COMMERCIAL),
                   "license.expression: empty expression");
  v1::License deep = MakeLicense(Nested(65), v1::USE_CLASS_UNSPECIFIED);
  UseClass resolved;
  EXPECT_EQ(CheckLicense(deep, &resolved).code(), StatusCode::kLimitExceeded);
}

TEST(SpdxCheckLicenseTest, CustomEntriesMatchTheRefsUsed) {
  v1::License l =
      MakeLicense("LicenseRef-a OR DocumentRef-d:LicenseRef-b", v1::USE_CLASS_UNSPECIFIED);
  AddCustom(&l, "DocumentRef-d:LicenseRef-B", "", 32);  // refs match ignoring idstring case
  AddCustom(&l, "LicenseRef-a", "https://example.com/a");
  EXPECT_TRUE(CheckLicense(l, nullptr).ok());

  v1::License missing = MakeLicense("MIT AND LicenseRef-a", v1::USE_CLASS_UNSPECIFIED);
  ExpectCheckFails(missing,
                   "license.custom: no entry for 'LicenseRef-a' used in license.expression");

  v1::License unused = MakeLicense("MIT", v1::USE_CLASS_UNSPECIFIED);
  AddCustom(&unused, "LicenseRef-a", "https://example.com/a");
  ExpectCheckFails(
      unused, "license.custom[0].license_ref: 'LicenseRef-a' is not used in license.expression");

  v1::License twice = MakeLicense("LicenseRef-a", v1::USE_CLASS_UNSPECIFIED);
  AddCustom(&twice, "LicenseRef-a", "https://example.com/a");
  AddCustom(&twice, "LicenseRef-A", "https://example.com/A");
  ExpectCheckFails(twice,
                   "license.custom[1].license_ref: 'LicenseRef-A' already has an entry, "
                   "license.custom[0]");

  v1::License no_text = MakeLicense("LicenseRef-a", v1::USE_CLASS_UNSPECIFIED);
  AddCustom(&no_text, "LicenseRef-a", "");
  ExpectCheckFails(no_text, "license.custom[0]: one of text_url or text_sha256 MUST be set");

  v1::License short_digest = MakeLicense("LicenseRef-a", v1::USE_CLASS_UNSPECIFIED);
  AddCustom(&short_digest, "LicenseRef-a", "https://example.com/a", 31);
  ExpectCheckFails(short_digest, "license.custom[0].text_sha256: must be 32 bytes, got 31");
}

TEST(SpdxCheckLicenseTest, CustomEntryRefMustBeOneRef) {
  for (const char* bad : {"MIT", "", "licenseref-a", "LicenseRef-a ", "(LicenseRef-a)",
                          "LicenseRef-a OR LicenseRef-a", "LicenseRef-a WITH LLVM-exception"}) {
    v1::License l = MakeLicense("LicenseRef-a", v1::USE_CLASS_UNSPECIFIED);
    AddCustom(&l, bad, "https://example.com/a");
    ExpectCheckFails(l, "license.custom[0].license_ref: '" + std::string(bad) +
                            "' is not LicenseRef-<idstring> or "
                            "DocumentRef-<idstring>:LicenseRef-<idstring>");
  }
}

}  // namespace
}  // namespace dtm
