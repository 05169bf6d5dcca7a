// One test per validation rule of spec/spec-file.md, "Validation": each edits
// tests/data/specs/minimal.yaml (see buildspec/buildspec_test_util.h for its lines) and
// checks the code, file:line:column, field path and problem.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "buildspec/buildspec_test_util.h"

namespace dtm {
namespace {

namespace fs = std::filesystem;

// Replaces line 6 ("    name: Lab notes") by `lines` (each indented 4).
std::string WithSourceLines(const std::string& lines) {
  return ReplaceOnce(MinimalSpec(), "    name: Lab notes\n", lines);
}

TEST(BuildSpecErrorsTest, VersionMissingOrWrong) {
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "dtm: 1\n", ""), "1:1", "dtm",
                        "missing; a spec starts with 'dtm: 1'"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "dtm: 1", "dtm: 2"), "1:6", "dtm",
                        "unsupported spec version '2'"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "dtm: 1", "dtm: [1]"), "1:6", "dtm",
                        "unsupported spec version"));
}

TEST(BuildSpecErrorsTest, DatasetAndPublisherRequired) {
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "name: tiny, ", ""), "2:10", "dataset.name",
                        "missing (required)"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "version: \"1\"", "version: \"\""), "2:32",
                        "dataset.version", "must not be empty"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "dataset: {name: tiny, version: \"1\"}\n", ""),
                        "1:1", "dataset.name", "missing (required)"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "publisher: {name: Tiny Lab}\n", ""), "1:1",
                        "publisher", "missing (required)"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "{name: Tiny Lab}", "{url: https://x}"), "3:12",
                        "publisher.name", "missing (required)"));
  EXPECT_TRUE(
      SpecFails(ReplaceOnce(MinimalSpec(), "sources:", "models: [{version: \"2\"}]\nsources:"),
                "4:10", "models[0].name", "missing (required)"));
}

TEST(BuildSpecErrorsTest, SourcesRequired) {
  const std::string no_sources = MinimalSpec().substr(0, MinimalSpec().find("sources:"));
  EXPECT_TRUE(SpecFails(no_sources, "1:1", "sources", "missing; at least one source"));
  EXPECT_TRUE(SpecFails(no_sources + "sources: []\n", "4:10", "sources",
                        "at least one source is required"));
  EXPECT_TRUE(
      SpecFails(no_sources + "sources:\n", "4:1", "sources", "at least one source is required"));
  EXPECT_TRUE(SpecFails(no_sources + "sources: {id: x}\n", "4:10", "sources",
                        "expected a sequence of sources"));
  EXPECT_TRUE(SpecFails(no_sources + "sources: [x]\n", "4:11", "sources[0]",
                        "expected a mapping, got a scalar"));
}

TEST(BuildSpecErrorsTest, SourceIdInvalid) {
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "id: notes", "id: Lab Notes"), "5:9",
                        "sources[0].id", "bad source id 'Lab Notes': source id must start with"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "id: notes", "id: notes/x"), "5:9",
                        "sources[0].id", "bad source id 'notes/x'"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "id: notes", "id: " + std::string(129, 'a')),
                        "5:9", "sources[0].id", "longer than 128"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "  - id: notes\n    name", "  - name"), "5:5",
                        "sources[0].id", "missing (required)"));
}

TEST(BuildSpecErrorsTest, SourceIdDuplicateNamesTheFirst) {
  std::string yaml = MinimalSpec();
  yaml += yaml.substr(yaml.find("  - id: notes"));
  EXPECT_TRUE(SpecFails(yaml, "11:9", "sources[1].id",
                        "duplicate source id 'notes' (first at dtm.yaml:5:9)"));
}

TEST(BuildSpecErrorsTest, NameAndModalityRequired) {
  EXPECT_TRUE(SpecFails(WithSourceLines(""), "5:5", "sources[0].name", "missing (required)"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "    modality: text\n", ""), "5:5",
                        "sources[0].modality", "missing (required)"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "modality: text", "modality: txt"), "7:15",
                        "sources[0].modality",
                        "unknown Modality 'txt'; expected one of: text, code, image, audio, "
                        "video, other"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "modality: text", "modality: unspecified"),
                        "7:15", "sources[0].modality", "'unspecified' is not accepted"));
  EXPECT_TRUE(
      SpecFails(ReplaceOnce(MinimalSpec(), "modality: text", "modality: MODALITY_UNSPECIFIED"),
                "7:15", "sources[0].modality", "is not accepted"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "modality: text", "modality: 1"), "7:15",
                        "sources[0].modality", "unknown Modality '1'"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "modality: text", "modality:"), "7:5",
                        "sources[0].modality", "must not be empty or null"));
}

TEST(BuildSpecErrorsTest, LicenseRules) {
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "    license: {expression: MIT}\n", ""), "5:5",
                        "sources[0].license", "missing (required)"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "{expression: MIT}", "{notes: x}"), "8:14",
                        "sources[0].license.expression", "missing (required)"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "expression: MIT", "expression: MIT2"), "8:27",
                        "sources[0].license.expression",
                        "offset 1: unknown license id 'MIT2' (did you mean 'MIT'?)"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "expression: MIT", "expression: MIT AND"),
                        "8:27", "sources[0].license.expression", "offset"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "expression: MIT}",
                                    "expression: CC-BY-NC-4.0, use_class: commercial}"),
                        "8:52", "sources[0].license.use_class", "declared COMMERCIAL"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "expression: MIT}", "expression: LicenseRef-x}"),
                        "8:14", "sources[0].license.custom", "LicenseRef-x"));
  EXPECT_TRUE(
      SpecFails(ReplaceOnce(MinimalSpec(), "expression: MIT}",
                            "expression: LicenseRef-x, custom: [{license_ref: LicenseRef-x}]}"),
                "8:50", "sources[0].license.custom[0]", "text_url or text_sha256"));
}

TEST(BuildSpecErrorsTest, ResolvedUseClassIsStored) {
  StatusOr<BuildSpec> spec =
      ParseBuildSpec(ReplaceOnce(MinimalSpec(), "expression: MIT", "expression: CC-BY-NC-4.0"),
                     "dtm.yaml", SpecDataDir());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->sources[0].source.license().use_class(), v1::USE_CLASS_NON_COMMERCIAL);
}

TEST(BuildSpecErrorsTest, ProvenanceRules) {
  EXPECT_TRUE(
      SpecFails(ReplaceOnce(MinimalSpec(), "    provenance: {acquisition: human_written}\n", ""),
                "5:5", "sources[0].provenance", "missing (required)"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "{acquisition: human_written}", "{notes: x}"),
                        "9:17", "sources[0].provenance.acquisition", "missing (required)"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "human_written", "generated_by_model"), "5:5",
                        "sources[0].generation.model",
                        "missing (required when provenance.acquisition is generated_by_model)"));
  EXPECT_TRUE(SpecFails(WithSourceLines("    name: n\n    generation: {model_version: \"2\"}\n"),
                        "7:17", "sources[0].generation.model", "missing (required)"));
  const std::string times =
      "    name: n\n    provenance: {acquisition: crawled, "
      "collection_start: 2024-02-01, ";
  EXPECT_TRUE(SpecFails(ReplaceOnce(WithSourceLines(times + "collection_end: 2024-01-31}\n"),
                                    "    provenance: {acquisition: human_written}\n", ""),
                        "7:86", "sources[0].provenance.collection_end",
                        "is before collection_start"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(WithSourceLines(times + "collection_end: 2024-03-01,"
                                                            " collection_ongoing: true}\n"),
                                    "    provenance: {acquisition: human_written}\n", ""),
                        "7:86", "sources[0].provenance.collection_end",
                        "remove one of collection_end and collection_ongoing"));
}

TEST(BuildSpecErrorsTest, ProvenanceFieldsAreCheckedOnce) {
  // `provenance` given twice is a duplicate key, not a merge.
  EXPECT_TRUE(SpecFails(WithSourceLines("    name: n\n    provenance: {acquisition: crawled}\n"),
                        "10:5", "sources[0].provenance", "duplicate key (first at dtm.yaml:7:5)"));
}

TEST(BuildSpecErrorsTest, CountsRules) {
  EXPECT_TRUE(SpecFails(WithSourceLines("    name: n\n    counts: {tokens: 5}\n"), "7:13",
                        "sources[0].counts.tokenizer", "missing (required when tokens is given)"));
  EXPECT_TRUE(SpecFails(WithSourceLines("    name: n\n    counts: {hours: -1.5}\n"), "7:21",
                        "sources[0].counts.hours", "must not be negative"));
  EXPECT_TRUE(SpecFails(WithSourceLines("    name: n\n    counts: {documents_min: 9, "
                                        "documents_max: 3}\n"),
                        "7:29", "sources[0].counts.documents_min", "greater than documents_max"));
}

TEST(BuildSpecErrorsTest, PresentMessagesNeedTheirRequiredFields) {
  EXPECT_TRUE(SpecFails(WithSourceLines("    name: n\n    governance: {owners: [{url: u}]}\n"),
                        "7:27", "sources[0].governance.owners[0].name", "missing (required)"));
  EXPECT_TRUE(SpecFails(WithSourceLines("    name: n\n    opt_outs: [{mechanism: robots_txt}]\n"),
                        "7:16", "sources[0].opt_outs[0].observed_at", "missing (required)"));
  EXPECT_TRUE(SpecFails(WithSourceLines("    name: n\n    processing: [{description: d}]\n"),
                        "7:18", "sources[0].processing[0].purpose", "missing (required)"));
}

TEST(BuildSpecErrorsTest, DataBlockRequired) {
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "    data: {include: [\"notes/*.txt\"]}\n", ""),
                        "5:5", "sources[0].data", "missing; say where the files are"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "{include: [\"notes/*.txt\"]}", "{}"), "10:11",
                        "sources[0].data", "give at least one of include, listing or files"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "{include: [\"notes/*.txt\"]}", ""), "10:5",
                        "sources[0].data", "give at least one of include, listing or files"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "[\"notes/*.txt\"]}", "[], exclude: [x]}"),
                        "10:11", "sources[0].data", "give at least one of"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "{include:", "{includes:"), "10:12",
                        "sources[0].data", "unknown key 'includes'; did you mean 'include'?"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "[\"notes/*.txt\"]", "notes/*.txt"), "10:21",
                        "sources[0].data.include", "expected a sequence, got a scalar"));
}

TEST(BuildSpecErrorsTest, PatternsAreRelative) {
  const auto with_pattern = [](const std::string& pattern) {
    return ReplaceOnce(MinimalSpec(), "\"notes/*.txt\"", "\"notes/*.txt\", \"" + pattern + "\"");
  };
  EXPECT_TRUE(SpecFails(with_pattern(""), "10:37", "sources[0].data.include[1]", "empty pattern"));
  EXPECT_TRUE(
      SpecFails(with_pattern("/etc/*"), "10:37", "sources[0].data.include[1]", "no leading '/'"));
  EXPECT_TRUE(SpecFails(with_pattern("a/../b"), "10:37", "sources[0].data.include[1]",
                        "'.' and '..' segments are not allowed"));
  EXPECT_TRUE(
      SpecFails(with_pattern("a/[bc"), "10:37", "sources[0].data.include[1]", "unclosed '['"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "]}", "], exclude: [\"../x\"]}"), "10:48",
                        "sources[0].data.exclude[0]", "'..' segments"));
}

TEST(BuildSpecErrorsTest, DeclaredFilesAreChecked) {
  const auto with_file = [](const std::string& file) {
    return ReplaceOnce(MinimalSpec(), "{include: [\"notes/*.txt\"]}", "{files: [" + file + "]}");
  };
  const std::string hex(64, 'a');
  EXPECT_TRUE(ParseBuildSpec(with_file("{path: a/b, size: 1, sha256: " + hex + "}"), "dtm.yaml",
                             SpecDataDir())
                  .ok());
  EXPECT_TRUE(SpecFails(with_file("{path: /a/b, size: 1, sha256: " + hex + "}"), "10:27",
                        "sources[0].data.files[0].path", "bad path '/a/b': path is absolute"));
  EXPECT_TRUE(SpecFails(with_file("{path: a/./b, size: 1, sha256: " + hex + "}"), "10:27",
                        "sources[0].data.files[0].path", "'.' segment"));
  EXPECT_TRUE(SpecFails(with_file("{path: a//b, size: 1, sha256: " + hex + "}"), "10:27",
                        "sources[0].data.files[0].path", "empty segment"));
  // Bytes that are not UTF-8 are refused where they are, before any mapping.
  EXPECT_TRUE(SpecFails(with_file("{path: a/\xff, size: 1, sha256: " + hex + "}"), "10:29", "",
                        "YAML syntax error: invalid leading UTF-8 octet (0xFF)"));
  EXPECT_TRUE(SpecFails(with_file("{path: a/b, size: 1, sha256: abc}"), "10:49",
                        "sources[0].data.files[0].sha256", "want 64 hex digits, got 3"));
  EXPECT_TRUE(SpecFails(with_file("{path: a/b, size: -1, sha256: " + hex + "}"), "10:38",
                        "sources[0].data.files[0].size", "must not be negative"));
  EXPECT_TRUE(SpecFails(with_file("{path: a/b, sha256: " + hex + "}"), "10:20",
                        "sources[0].data.files[0].size", "missing"));
  EXPECT_TRUE(SpecFails(with_file("{path: a/b, size: 1, sha256: " + hex + ", origin: hashed}"),
                        "10:115", "sources[0].data.files[0]",
                        "unknown key 'origin'; expected one of: path, size, sha256"));
  EXPECT_TRUE(SpecFails(with_file("a/b"), "10:20", "sources[0].data.files[0]",
                        "expected a mapping {path, size, sha256}"));
}

TEST(BuildSpecErrorsTest, ListingMustExist) {
  const auto with_listing = [](const std::string& listing) {
    return ReplaceOnce(MinimalSpec(), "{include: [\"notes/*.txt\"]}", "{listing: " + listing + "}");
  };
  StatusOr<BuildSpec> spec =
      ParseBuildSpec(with_listing("full-shards.tsv"), "dtm.yaml", SpecDataDir());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->sources[0].listing, SpecDataDir() + "/full-shards.tsv");
  spec = ParseBuildSpec(with_listing(SpecDataDir() + "/full-shards.tsv"), "dtm.yaml", "/nowhere");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->sources[0].listing, SpecDataDir() + "/full-shards.tsv");
  EXPECT_TRUE(SpecFails(with_listing("nope.tsv"), "10:21", "sources[0].data.listing",
                        "cannot find '" + SpecDataDir() + "/nope.tsv'"));
  EXPECT_TRUE(
      SpecFails(with_listing("."), "10:21", "sources[0].data.listing", "is not a regular file"));
  EXPECT_TRUE(SpecFails(with_listing("\"\""), "10:21", "sources[0].data.listing",
                        "must not be empty or null"));
}

TEST(BuildSpecErrorsTest, PreviousRules) {
  const auto with_previous = [](const std::string& previous) {
    return ReplaceOnce(MinimalSpec(), "publisher:", "previous: " + previous + "\npublisher:");
  };
  const std::string hex(64, 'b');
  EXPECT_TRUE(SpecFails(with_previous("{version: \"1\", manifest_sha256: " + hex + "}"), "3:11",
                        "previous.merkle_root", "missing (required)"));
  EXPECT_TRUE(SpecFails(with_previous("{manifest: full.yaml, version: \"1\"}"), "3:42",
                        "previous.version", "give either 'version' or 'manifest', not both"));
  EXPECT_TRUE(
      SpecFails(with_previous("{manifest: v0.dtm}"), "3:22", "previous.manifest", "cannot find"));
  EXPECT_TRUE(SpecFails(with_previous("{manifest: \"\"}"), "3:22", "previous.manifest",
                        "must not be empty or null"));
  EXPECT_TRUE(SpecFails(with_previous("{manifest: }"), "3:12", "previous.manifest",
                        "must not be empty or null"));
  EXPECT_TRUE(SpecFails(with_previous("{manifst: v0.dtm}"), "3:12", "previous",
                        "unknown key 'manifst'; did you mean 'manifest'?"));
}

TEST(BuildSpecErrorsTest, TopLevelKeys) {
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "publisher:", "publsher:"), "3:1", "",
                        "unknown key 'publsher'; did you mean 'publisher'?"));
  // Fields the builder computes cannot be given.
  EXPECT_TRUE(SpecFails(MinimalSpec() + "merkle_root: " + std::string(64, 'a') + "\n", "11:1", "",
                        "unknown key 'merkle_root'"));
  EXPECT_TRUE(
      SpecFails("[1, 2]\n", "1:1", "", "a spec is a mapping of keys to values, got a sequence"));
  EXPECT_TRUE(SpecFails("dtm: 1\n- x\n", "2:1", "", "YAML syntax error"));
  EXPECT_TRUE(SpecFails("", "1:1", "", "empty document"));
  EXPECT_TRUE(SpecFails("# only a comment\n", "1:1", "", "empty document"));
  EXPECT_TRUE(
      SpecFails(MinimalSpec() + "---\ndtm: 1\n", "12:1", "", "more than one YAML document"));
  EXPECT_TRUE(SpecFails(ReplaceOnce(MinimalSpec(), "dtm: 1\n", "dtm: 1\ndtm: 1\n"), "2:1", "dtm",
                        "duplicate key (first at dtm.yaml:1:1)"));
}

}  // namespace
}  // namespace dtm
