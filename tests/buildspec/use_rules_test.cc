// The rules of spec/spec-file.md, "Validation", for what a source says about
// its use: models, roles, processing "none", content kinds and media types.
#include <gtest/gtest.h>

#include "buildspec/buildspec_test_util.h"
#include "dtm/records.h"

namespace dtm {
namespace {

// minimal.yaml with one model in the header and `lines` (indented 4) in its
// source in place of line 6.
std::string WithModelAndSourceLines(const std::string& lines) {
  const std::string spec = ReplaceOnce(MinimalSpec(), "sources:", "models: [{name: m1}]\nsources:");
  return ReplaceOnce(spec, "    name: Lab notes\n", "    name: Lab notes\n" + lines);
}

TEST(UseRulesTest, ModelsNameTheHeadersModelsOnce) {
  auto ok =
      ParseBuildSpec(WithModelAndSourceLines("    models: [m1]\n"), "dtm.yaml", SpecDataDir());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->sources[0].source.models(0), "m1");
  EXPECT_TRUE(SpecFails(WithModelAndSourceLines("    models: [m2]\n"), "8:14",
                        "sources[0].models[0]",
                        "'m2' is not among the models the spec names: 'm1'"));
  EXPECT_TRUE(SpecFails(WithModelAndSourceLines("    models: [m1, m1]\n"), "8:18",
                        "sources[0].models[1]", "'m1' is listed twice"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "    name: Lab notes\n",
                                    "    name: Lab notes\n    models: [m1]\n"),
                        "7:14", "sources[0].models[0]", "(it names none)"));
}

TEST(UseRulesTest, RolesOnceEachAndKnown) {
  auto ok = ParseBuildSpec(WithModelAndSourceLines("    roles: [pre_training, test]\n"), "dtm.yaml",
                           SpecDataDir());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->sources[0].source.roles(1), v1::DEVELOPMENT_ROLE_TEST);
  EXPECT_TRUE(SpecFails(WithModelAndSourceLines("    roles: [test, test]\n"), "8:19",
                        "sources[0].roles[1]", "is listed twice"));
  EXPECT_TRUE(SpecFails(WithModelAndSourceLines("    roles: [training]\n"), "8:13",
                        "sources[0].roles[0]", "training"));
}

TEST(UseRulesTest, ProcessingNoneStandsAlone) {
  auto ok = ParseBuildSpec(WithModelAndSourceLines("    processing: [{purpose: none}]\n"),
                           "dtm.yaml", SpecDataDir());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(SpecFails(
      WithModelAndSourceLines("    processing: [{purpose: none}, {purpose: deduplication}]\n"),
      "8:28", "sources[0].processing[0].purpose", "must be the only step"));
}

TEST(UseRulesTest, KindsInWordsAndMediaTypesApart) {
  auto ok = ParseBuildSpec(
      WithModelAndSourceLines("    content_types: [lab notes]\n    media_types: [text/plain]\n"),
      "dtm.yaml", SpecDataDir());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(SpecFails(WithModelAndSourceLines("    content_types: [lab notes, text/plain]\n"),
                        "8:32", "sources[0].content_types[1]",
                        "'text/plain' is a media type (a file format); list it under media_types"));
  EXPECT_TRUE(SpecFails(WithModelAndSourceLines("    media_types: [lab notes]\n"), "8:19",
                        "sources[0].media_types[0]", "'lab notes' is not a media type"));
}

TEST(MediaTypeTest, TopLevelTypeAndRestrictedNameSubtype) {
  for (const char* yes : {"text/html", "application/x-ndjson", "application/vnd.apache.parquet",
                          "image/svg+xml", "Text/HTML", "audio/flac", "model/gltf-binary"}) {
    EXPECT_TRUE(IsMediaType(yes)) << yes;
  }
  for (const char* no : {"news articles", "Q&A threads", "text/", "/html", "text/html; charset=x",
                         "source code/snippets", "text/-x", "textual/plain", "input/output", ""}) {
    EXPECT_FALSE(IsMediaType(no)) << no;
  }
}

}  // namespace
}  // namespace dtm
