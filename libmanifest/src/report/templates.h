// The report templates (spec/report.md) and the helpers they share. Each
// template turns manifest facts into a Document; nothing here writes output.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "dtm/report.h"
#include "render/document.h"

namespace dtm::internal {

Document BuildEuAiAct(const ManifestFacts& facts, const ReportOptions& options);
Document BuildAb2013(const ManifestFacts& facts, const std::string& generator);
Document BuildOverview(const ManifestFacts& facts, const SignatureStatus& signature,
                       const std::string& generator);
// The comparison page of WriteCompositionDiff (report/comparison.cc).
Document BuildCompositionDiff(const v1::Header& before, const v1::Header& after,
                              const CompositionDiffOptions& options);

// Renders `doc` in `format` and flushes; kIOError when `out` fails.
Status WriteDocument(const Document& doc, ReportFormat format, std::ostream& out);

// ---- Helpers shared by the templates (report/common.cc)

using SourceList = std::vector<const SourceFacts*>;
using SourcePredicate = std::function<bool(const v1::Source&)>;

// The sources for which `keep` is true, in manifest order.
SourceList Select(const ManifestFacts& facts, const SourcePredicate& keep);
// Sources acquired by one of `methods`.
SourcePredicate Acquired(std::initializer_list<v1::AcquisitionMethod> methods);
// The ids of `sources` for which `has` is false.
std::vector<std::string> Lacking(const SourceList& sources, const SourcePredicate& has);
// "a, b, c" with at most `max` ids shown, then " and N more".
std::string IdList(const std::vector<std::string>& ids, size_t max = 20);
// Joins non-empty strings with `separator`.
std::string Join(const std::vector<std::string>& parts, std::string_view separator = ", ");
// Appends `value` to `*list` unless already there (keeps first-seen order).
void AddUnique(std::vector<std::string>* list, const std::string& value);

// The short label of an enum value ("public_dataset"), as dtm show prints it.
std::string EnumName(const google::protobuf::EnumDescriptor* type, int value);
// "yes", "no", "unknown", or "not stated" for UNSPECIFIED.
std::string AnswerText(int answer);
// "Name, contact, url" of a party; "" when it has no name.
Inline PartyText(const v1::Party& party);
bool HasTime(const google::protobuf::Timestamp& t);
// "2024-10-01 to 2025-03-31", "2025-03-01 to ongoing", "" when no start.
std::string PeriodText(const v1::Provenance& p);
// "text, image" for the modalities of `sources` (manifest order of first use).
std::string ModalityList(const SourceList& sources);
// "3.5 GiB in 12 files" (and ", 1,234 tokens" when declared) for one source.
std::string SizeText(const SourceFacts& s);
// "Name (id)": how a source is named in lists.
std::string SourceLabel(const v1::Source& s);

// ---- Scope, roles and types (report/scope.cc)

// The calendar day (UTC) of `t`, as days since 1970-01-01: reports compare and
// show dates by day, so a manifest built later on the day a summary was
// updated does not make the summary look older.
int64_t Day(const google::protobuf::Timestamp& t);

// The kinds of content of `s` in words: its content_types that are not media
// types (IsMediaType; a manifest written before media_types mixed them).
std::vector<std::string> ContentKinds(const v1::Source& s);
// Its media_types, then any media types among its content_types.
std::vector<std::string> MediaTypes(const v1::Source& s);
// False only when every role of `s` is validation, test or evaluation: data
// the model was not trained on (the EU summary leaves it out).
bool TrainingContent(const v1::Source& s);
// "pre_training, fine_tuning"; "" when no role is stated.
std::string RoleList(const v1::Source& s);
// "acme-7b 1.0": the name and version of the header's model `name`.
std::string ModelLabel(const ManifestFacts& facts, const std::string& name);
// The item "Scope": which sources of the manifest the report covers and for
// which model (`what` names it in gaps, e.g. "the model"), with the gaps of
// sources that do not say which models used them.
void AddScope(Document* doc, const ManifestFacts& facts, const std::string& what);

// Adds an item whose value is `value`; when `lacking` is not empty, also a gap
// "not stated for: ids" under `label`.
void AddItemWithGaps(Document* doc, const std::string& label, Inline value,
                     const std::vector<std::string>& lacking, const std::string& what);
// Adds the section "About this document": the manifest it was made from (name,
// version, publisher, creation, Merkle root, file digest) and the generator.
void AddProvenanceSection(Document* doc, const ManifestFacts& facts, const std::string& generator,
                          int level);

}  // namespace dtm::internal
