// Maps YAML documents onto protobuf messages by reflection, with errors that
// name the file, the line and column, and the field (spec/spec-file.md,
// "Mapping YAML to messages"). Used for dtm.yaml and for later YAML inputs.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/text.h"
#include "dtm/status.h"
#include "google/protobuf/message.h"
#include "yaml/yaml_tree.h"

namespace dtm::internal {

// Limits of a YAML input (spec/spec-file.md, "Limits").
inline constexpr size_t kMaxYamlBytes = 64u << 20;
inline constexpr int kMaxYamlDepth = 64;  // nested sequences and mappings
// Nodes of a document (scalars, nulls, aliases, sequences, mappings), counted
// before the document is loaded: they bound its memory.
inline constexpr uint64_t kMaxYamlNodes = 1'000'000;

// "file:line:column" with 1-based line and column (marks count from 0). A
// mark with no position (an empty document) prints as line 1, column 1.
std::string YamlLocation(const std::string& file, const YamlMark& mark);

// kInvalidArgument "file:line:col: field_path: problem" ("file:line:col:
// problem" when field_path is empty).
Status YamlError(const std::string& file, const YamlMark& mark, std::string_view field_path,
                 std::string_view problem);

// Parses `text`, which must hold exactly one YAML document, and returns its
// root. Errors: kLimitExceeded if text is over kMaxYamlBytes, or (checked
// while the tree is built) holds more than kMaxYamlNodes nodes or nesting
// deeper than kMaxYamlDepth; kInvalidArgument
// "file:line:col: YAML syntax error: ..." for malformed YAML, and for an empty
// input or more than one document.
StatusOr<YamlNode> ParseYamlDocument(std::string_view text, const std::string& file);

// Reads a whole YAML file of at most kMaxYamlBytes, with ReadSmallFile's
// errors (checked before reading).
StatusOr<std::string> ReadYamlFile(const std::string& path);

// One key of a YAML mapping.
struct YamlEntry {
  std::string key;
  YamlNode key_node;
  YamlNode value;
};

// Converts YAML nodes into messages and remembers where every field was
// declared, so that later checks can point at the line. Not thread-safe; use
// one per document. Holds no reference to the nodes after a call returns.
class YamlToProto {
 public:
  // `file` names the document in messages. At most `node_budget` nodes and
  // bytes of scalars (a node counts one, a scalar also its length) are
  // visited over all calls: aliases can make a small document expand to a
  // large one, so this is the bound on what mapping builds. Going over is
  // kLimitExceeded. BudgetFor() gives the budget for a text.
  YamlToProto(std::string file, uint64_t node_budget);
  // Twice the text, and 1024 more: what a document without aliases can need,
  // with room for a few.
  static uint64_t BudgetFor(size_t text_bytes) { return 2 * uint64_t{text_bytes} + 1024; }

  struct Options {
    // Keys of the top mapping that are not fields of the message: they are
    // checked like keys (no duplicates) and returned in *extras, not mapped.
    std::set<std::string> extra_keys;
    // If not empty, only these fields may be set from the top mapping; the
    // message's other fields are unknown keys there (nested messages are not
    // restricted).
    std::set<std::string> only_fields;
    // Remember the mark of every field (for MarkOf). Off for bulk data.
    bool record_marks = true;
  };

  // Merges the mapping `node` into `msg`. `path` is the field path of `node`
  // ("sources[2]"; "" for the root). A null node leaves msg unchanged. On
  // failure msg may be partly filled and *extras is unspecified.
  Status ToMessage(const YamlNode& node, google::protobuf::Message* msg, const std::string& path,
                   const Options& options, std::vector<YamlEntry>* extras = nullptr);

  // Checks that `node` is a mapping whose keys are scalars from `allowed`
  // (unknown key: error with a suggestion), none twice, and appends its
  // entries to *out in document order. Counts against the node budget.
  Status Entries(const YamlNode& node, const std::string& path,
                 const std::vector<std::string>& allowed, std::vector<YamlEntry>* out);

  // A string from a scalar node (any quoting; must be valid UTF-8). A null
  // node gives "". Anything else is an error naming `path`.
  StatusOr<std::string> String(const YamlNode& node, const std::string& path);
  // A sequence of strings; a null node gives an empty list. If `marks` is not
  // null it receives the mark of each string.
  StatusOr<std::vector<std::string>> StringList(const YamlNode& node, const std::string& path,
                                                std::vector<YamlMark>* marks = nullptr);

  // Where the field at `path` was declared: the mark of its value, or of its
  // key when the value is null. nullptr if it was not declared (or marks were
  // not recorded).
  const YamlMark* MarkOf(const std::string& path) const;
  // Records a mark for `path` (for values mapped by hand).
  void RecordMark(const std::string& path, const YamlNode& key, const YamlNode& value);

  // YamlError for this document.
  Status Error(const YamlMark& mark, std::string_view path, std::string_view problem) const;
  const std::string& file() const { return file_; }

 private:
  Status Visit(const YamlNode& node, const std::string& path);
  Status MapMessage(const YamlNode& node, google::protobuf::Message* msg, const std::string& path,
                    const Options& options, std::vector<YamlEntry>* extras, int depth);
  Status MapField(const YamlEntry& entry, google::protobuf::Message* msg,
                  const google::protobuf::FieldDescriptor* field, const std::string& path,
                  bool record_marks, int depth);
  Status MapRepeated(const YamlNode& node, google::protobuf::Message* msg,
                     const google::protobuf::FieldDescriptor* field, const std::string& path,
                     bool record_marks, int depth);
  Status MapMapField(const YamlNode& node, google::protobuf::Message* msg,
                     const google::protobuf::FieldDescriptor* field, const std::string& path,
                     bool record_marks, int depth);
  // Sets (or, if repeated, adds) one non-message value of `field`.
  Status SetScalar(const YamlNode& node, google::protobuf::Message* msg,
                   const google::protobuf::FieldDescriptor* field, const std::string& path);
  Status SetTimestamp(const YamlNode& node, google::protobuf::Message* timestamp,
                      const std::string& path);

  std::string file_;
  uint64_t node_budget_;
  uint64_t nodes_visited_ = 0;
  std::map<std::string, YamlMark> marks_;
};

// "a.b" (or "b" when parent is empty) and "a[3]": how field paths are built.
std::string FieldPath(const std::string& parent, std::string_view name);
std::string ElementPath(const std::string& parent, size_t index);

}  // namespace dtm::internal
