// Sources added, removed and changed, and the flags a regulator looks at first.
#include "diff/sources.h"

#include <algorithm>

#include "diff/fields.h"
#include "dtm/format.h"

namespace dtm::internal {

namespace {

std::string Label(v1::UseClass value) { return EnumLabel(v1::UseClass_descriptor(), value); }
std::string Label(v1::Answer value) { return EnumLabel(v1::Answer_descriptor(), value); }
std::string Label(v1::AcquisitionMethod value) {
  return EnumLabel(v1::AcquisitionMethod_descriptor(), value);
}

// "a, b".
std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string Generator(const v1::Source& s) {
  std::string model = s.generation().model();
  if (!s.generation().model_version().empty()) model += " " + s.generation().model_version();
  return model;
}

// Flags of a source that only the second manifest has.
void FlagAdded(const v1::Source& s, std::vector<DiffFlag>* flags) {
  if (s.personal_data().contains_personal_information() == v1::ANSWER_YES) {
    flags->push_back({DiffFlagKind::kPersonalData, s.id(), true, "", Label(v1::ANSWER_YES)});
  }
  if (s.provenance().acquisition() == v1::ACQUISITION_METHOD_GENERATED_BY_MODEL) {
    flags->push_back({DiffFlagKind::kModelGenerated, s.id(), true, "", Generator(s)});
  }
  for (const v1::OptOutObservation& o : s.opt_outs()) {
    flags->push_back({DiffFlagKind::kOptOutObserved, s.id(), true, "", RenderMessage(o)});
  }
}

// Flags of a source both manifests have.
void FlagChanged(const v1::Source& b, const v1::Source& a, std::vector<DiffFlag>* flags) {
  const v1::UseClass ub = b.license().use_class(), ua = a.license().use_class();
  if (ub != ua && ub != v1::USE_CLASS_UNSPECIFIED) {
    // Use classes are numbered from least to most restrictive (spec/schema.md).
    const DiffFlagKind kind = ua == v1::USE_CLASS_UNSPECIFIED ? DiffFlagKind::kUseClassUnspecified
                              : ua > ub ? DiffFlagKind::kUseClassMoreRestrictive
                                        : DiffFlagKind::kUseClassLessRestrictive;
    flags->push_back({kind, a.id(), false, Label(ub), Label(ua)});
  }
  const v1::Answer pb = b.personal_data().contains_personal_information();
  if (pb != v1::ANSWER_YES && a.personal_data().contains_personal_information() == v1::ANSWER_YES) {
    flags->push_back(
        {DiffFlagKind::kPersonalData, a.id(), false, Label(pb), Label(v1::ANSWER_YES)});
  }
  const v1::AcquisitionMethod mb = b.provenance().acquisition();
  if (mb != v1::ACQUISITION_METHOD_GENERATED_BY_MODEL &&
      a.provenance().acquisition() == v1::ACQUISITION_METHOD_GENERATED_BY_MODEL) {
    flags->push_back({DiffFlagKind::kModelGenerated, a.id(), false, Label(mb), Generator(a)});
  }
  // Names, not a scope widened from "not said": that is a clarification.
  if (!b.models().empty()) {
    std::vector<std::string> added;
    for (const std::string& m : a.models()) {
      if (std::find(b.models().begin(), b.models().end(), m) == b.models().end()) {
        added.push_back(m);
      }
    }
    if (!added.empty()) {
      flags->push_back({DiffFlagKind::kUsedForNewModel, a.id(), false,
                        Joined({b.models().begin(), b.models().end()}), Joined(added)});
    }
  }
  std::vector<std::string> seen;
  for (const v1::OptOutObservation& o : b.opt_outs()) seen.push_back(DeterministicBytes(o));
  std::sort(seen.begin(), seen.end());
  for (const v1::OptOutObservation& o : a.opt_outs()) {
    if (!std::binary_search(seen.begin(), seen.end(), DeterministicBytes(o))) {
      flags->push_back({DiffFlagKind::kOptOutObserved, a.id(), false, "", RenderMessage(o)});
    }
  }
}

}  // namespace

void NoteUnknownFields(const google::protobuf::Message& before,
                       const google::protobuf::Message& after, std::vector<FieldChange>* changes) {
  if (changes->empty() && DeterministicBytes(before) != DeterministicBytes(after)) {
    changes->push_back({FieldChange::Kind::kChanged, "(fields unknown to this reader)", "", ""});
  }
}

void CompareSources(const std::vector<SourceRecord>& before, const std::vector<SourceRecord>& after,
                    const std::set<std::string>& scope, DiffResult* result) {
  auto b = before.begin();
  auto a = after.begin();
  while (b != before.end() || a != after.end()) {
    const int order = b == before.end()  ? 1
                      : a == after.end() ? -1
                                         : b->source.id().compare(a->source.id());
    const std::string& id = order <= 0 ? b->source.id() : a->source.id();
    if (scope.count(id) > 0) {
      if (order < 0) {
        result->sources_removed.push_back({b->source, 0, 0});
      } else if (order > 0) {
        result->sources_added.push_back({a->source, 0, 0});
        FlagAdded(a->source, &result->flags);
      } else if (b->bytes != a->bytes) {
        SourceChange change{id, a->source.name(), {}};
        CompareMessages(b->source, a->source, "", &change.changes);
        NoteUnknownFields(b->source, a->source, &change.changes);
        // No change at all: the same record in another (non-canonical) encoding.
        if (!change.changes.empty()) {
          result->sources_changed.push_back(std::move(change));
          FlagChanged(b->source, a->source, &result->flags);
        }
      }
    }
    if (order <= 0) ++b;
    if (order >= 0) ++a;
  }
}

void SetFileTally(const SourceFileChanges& files, DiffResult* result) {
  auto set = [&](std::vector<SourceEntry>* entries, const BeforeAfter& count,
                 const BeforeAfter& bytes, bool after) {
    auto it = std::lower_bound(
        entries->begin(), entries->end(), files.source_id,
        [](const SourceEntry& e, const std::string& id) { return e.source.id() < id; });
    if (it == entries->end() || it->source.id() != files.source_id) return;
    it->files = after ? count.after : count.before;
    it->bytes = after ? bytes.after : bytes.before;
  };
  set(&result->sources_added, files.files, files.bytes, true);
  set(&result->sources_removed, files.files, files.bytes, false);
}

}  // namespace dtm::internal
