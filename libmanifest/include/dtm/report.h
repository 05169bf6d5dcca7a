// Disclosures generated from a manifest: the EU AI Act public summary of
// training content, the California AB 2013 documentation, and an overview page
// with charts (spec/report.md).
//
// A report states only what the manifest (and, for the EU summary, the model
// file) says. Every item they cannot answer is shown as a gap and listed at
// the end; nothing is inferred or invented.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "dtm/facts.h"
#include "dtm/status.h"
#include "dtm/v1/manifest.pb.h"
#include "dtm/v1/model_file.pb.h"

namespace dtm {

// Size bins of the EU template (section 1.3). The boundaries belong to the
// middle bin: 1e9 tokens is "1 billion to 10 trillion tokens".
std::string TextSizeBin(uint64_t tokens);     // <1e9, 1e9..1e13, >1e13 tokens
std::string ImageSizeBin(uint64_t images);    // <1e6, 1e6..1e9, >1e9 images
std::string AudioVideoSizeBin(double hours);  // <1e4, 1e4..1e6, >1e6 hours

// How many of `total` domain names the EU template asks for (spec/report.md,
// "Crawled data"): the top 10%, or for an SME the top 5% or 1,000, whichever
// is fewer; rounded up, at least 1 (0 for no domains).
uint64_t DomainsAsked(uint64_t total, bool sme);

enum class ReportTemplate {
  kOverview,  // composition, collection periods, sources, signature status
  kEuAiAct,   // EU AI Act Art. 53(1)(d) public summary (AI Office template)
  kAb2013,    // California Civil Code 3111 documentation
};
enum class ReportFormat { kMarkdown, kHtml };

// "overview", "eu-ai-act", "ab2013" / "md", "html". kInvalidArgument otherwise.
StatusOr<ReportTemplate> ParseReportTemplate(std::string_view name);
StatusOr<ReportFormat> ParseReportFormat(std::string_view name);

// The signature status the overview shows. The caller establishes it (the
// report does not read bundles or keys).
struct SignatureStatus {
  enum class State {
    kNoBundle,     // no bundle beside the manifest
    kNotVerified,  // a bundle is present but was not verified (no key given)
    kVerified,     // the bundle verifies against the manifest and the key
    kFailed,       // the bundle does not verify
  };
  State state = State::kNoBundle;
  std::string detail;  // e.g. the bundle's file name, the key, or the failure
};

struct ReportOptions {
  ReportTemplate kind = ReportTemplate::kOverview;
  ReportFormat format = ReportFormat::kMarkdown;
  // Facts about the model (EU summary only); absent: those items are gaps.
  const v1::ModelFile* model = nullptr;
  SignatureStatus signature;
  // The generator named in the report, e.g. "dtm 0.1.0".
  std::string generator = "dtm";
  // The model the report is for (dtm report --for), one of Header.models;
  // empty: the model file's model, if any (see ReportFacts).
  std::string for_model;
};

// The facts a report of `options` is about (spec/report.md, "Scope"): narrowed
// by FactsForModel to options.for_model, else to the model file's model,
// else, when the header names exactly one model, to that one; unchanged when
// the header names no model or (no model given) several. kInvalidArgument for
// a model the header does not name, or a for_model other than the model
// file's model.
StatusOr<ManifestFacts> ReportFacts(ManifestFacts facts, const ReportOptions& options);

// Warnings about the inputs of a report that do not stop it, one sentence
// each; the report shows them too. Today: a summary whose date of last update
// (ModelFile.summary_updated) is before the manifest's creation.
std::vector<std::string> ReportWarnings(const ManifestFacts& facts, const ReportOptions& options);

// Writes the report of `facts` (as ReportFacts gives them). Text from the
// manifest and the model file is escaped for the output format, so no input
// can inject markup or script. Fails only with kIOError when `out` fails.
Status WriteReport(const ManifestFacts& facts, const ReportOptions& options, std::ostream& out);

// ---- Comparing two versions (dtm diff --format html)

// A section the caller adds to a comparison page, e.g. the sources added and
// removed or the flags of spec/diff.md. Plain text: escaped like all other
// text, never markup.
struct ReportSection {
  std::string heading;
  std::vector<std::string> lines;
};

struct CompositionDiffOptions {
  ReportFormat format = ReportFormat::kHtml;
  // How the two manifests are named on the page, e.g. their paths.
  std::string before_name = "before";
  std::string after_name = "after";
  // Shown after the totals and before the composition, in this order.
  std::vector<ReportSection> sections;
  std::string generator = "dtm";  // e.g. "dtm 0.1.0"
};

// Writes a page comparing two manifests' headers (spec/report.md, "The
// comparison page"): their identities, the link of `after` to its previous
// version, totals before and after with the change, and the composition by
// license use class, acquisition method and modality, by bytes and by tokens,
// drawn side by side on one scale (HTML) with a table of the changes. Reads
// only the headers' dataset, publisher, created, previous, merkle_root, totals
// and composition; it trusts them to equal the records (ManifestReader and
// DiffManifests check that). Fails only with kIOError when `out` fails.
Status WriteCompositionDiff(const v1::Header& before, const v1::Header& after,
                            const CompositionDiffOptions& options, std::ostream& out);

// Reads and checks a model file (spec/report.md, "The model file"). Errors are
// kInvalidArgument "file:line:col: field: problem", kNotFound, kLimitExceeded.
StatusOr<v1::ModelFile> LoadModelFile(const std::string& path);
// As LoadModelFile, from text; `file` names it in messages.
StatusOr<v1::ModelFile> ParseModelFile(std::string_view text, const std::string& file);

}  // namespace dtm
