// The source half of DiffManifests: sources added, removed and changed, and
// the flags (spec/diff.md, "Sources" and "Flags").
#pragma once

#include <set>
#include <string>
#include <vector>

#include "dtm/diff.h"

namespace dtm::internal {

// A Source record with its bytes as stored.
struct SourceRecord {
  v1::Source source;
  std::string bytes;
};

// Compares the sources of two manifests (each sorted by id) whose ids are in
// `scope`, filling result->sources_added, sources_removed, sources_changed and flags.
void CompareSources(const std::vector<SourceRecord>& before, const std::vector<SourceRecord>& after,
                    const std::set<std::string>& scope, DiffResult* result);

// When `before` and `after` serialize differently but `changes` holds no
// change, appends one naming fields unknown to this reader.
void NoteUnknownFields(const google::protobuf::Message& before,
                       const google::protobuf::Message& after, std::vector<FieldChange>* changes);

// Copies the file tally of `files` into the matching entry of
// result->sources_added or sources_removed, if any.
void SetFileTally(const SourceFileChanges& files, DiffResult* result);

}  // namespace dtm::internal
