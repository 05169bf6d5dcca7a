// Public views (spec/container.md, "Public views"): the header and sources of a
// manifest with the roots that stand for its other records; the full manifest's
// bundle verifies it; it is never taken for a full manifest.
#include <gtest/gtest.h>

#include "dtm/attestation.h"
#include "dtm/container.h"
#include "dtm/diff.h"
#include "dtm/facts.h"
#include "proof/proof_test_util.h"

namespace dtm {
namespace {

class PublicViewTest : public proof_test::ProofFixture {
 protected:
  std::string View() {
    const std::string view = dir_ / "public.dtm";
    auto written = WritePublicView(manifest_, view);
    EXPECT_TRUE(written.ok()) << written.status().ToString();
    return view;
  }
};

TEST_F(PublicViewTest, HoldsTheHeaderAndSourcesAndChecks) {
  auto full = CheckManifest(manifest_);
  ASSERT_TRUE(full.ok());
  const std::string view = View();
  auto checked = CheckManifest(view);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_TRUE(checked->public_view);
  EXPECT_EQ(checked->full_manifest_sha256, full->file_sha256);
  EXPECT_EQ(checked->merkle_root, full->merkle_root);
  EXPECT_EQ(checked->header.SerializeAsString(), full->header.SerializeAsString());
  EXPECT_EQ(checked->records, full->header.totals().sources() + 1);
  auto reader = ManifestReader::Open(view);
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE((*reader)->public_view());
  v1::Record r;
  uint64_t sources = 0, withheld = 0;
  while (*(*reader)->Next(&r)) {
    sources += r.has_source();
    withheld += r.has_withheld();
    EXPECT_FALSE(r.has_file() || r.has_document());
  }
  EXPECT_EQ(sources, 3u);
  EXPECT_EQ(withheld, 1u);
  // Publishing a view again is refused.
  EXPECT_EQ(WritePublicView(view, dir_ / "again.dtm").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(PublicViewTest, TheFullManifestsBundleVerifiesIt) {
  const std::string view = View();
  VerifyOptions options;
  options.keys = {proof_test::LabKey().public_key()};
  auto report = VerifyAttestation(view, bundle_, options);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->verified()) << report->status.ToString();
  EXPECT_TRUE(report->public_view);
  // The bundle of another manifest does not.
  const std::string other = dir_ / "other.dtm";
  proof_test::WriteProofManifest(other, 4);
  auto wrong = VerifyAttestation(view, Sign(other), options);
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->verified());
}

TEST_F(PublicViewTest, DiffComparesOnlyTheHeaderAndSources) {
  const std::string view = View();
  auto d = DiffManifests(manifest_, view);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->public_view);
  EXPECT_TRUE(d->files.empty());
  EXPECT_TRUE(d->identical());
}

TEST_F(PublicViewTest, FactsSayTheFilesAreWithheldNotZero) {
  auto facts = ReadManifestFacts(View());
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_TRUE(facts->public_view);
  ASSERT_EQ(facts->sources.size(), 3u);
  for (const SourceFacts& s : facts->sources) EXPECT_TRUE(s.withheld) << s.source.id();
  EXPECT_EQ(facts->header.totals().files(), 7u);  // the signed header's
}

TEST_F(PublicViewTest, AWithheldRecordOutsideAViewIsRefused) {
  auto writer = ManifestWriter::Create(dir_ / "w.dtm");
  ASSERT_TRUE(writer.ok());
  v1::Record r;
  r.mutable_withheld()->set_first_leaf(0);
  EXPECT_EQ((*writer)->Add(r).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dtm
