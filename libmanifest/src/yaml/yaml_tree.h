// A YAML document as a tree, read with libyaml (spec/spec-file.md, "YAML").
// libyaml looks at most 1,024 characters ahead for a key, so reading costs
// memory in proportion to the tree it builds, never to how the text nests;
// the tree is built only after a first pass over the parser's events has
// checked the document against the node and nesting limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dtm/status.h"

namespace dtm::internal {

// A place in the text, 0-based; -1 everywhere for no place (an empty
// document).
struct YamlMark {
  int pos = -1;
  int line = -1;
  int column = -1;
  static YamlMark null_mark() { return {}; }
};

// One node. Copies share the node (an alias is a copy of its anchor's node).
// A default-constructed node is null, with no mark.
class YamlNode {
 public:
  enum class Type { kNull, kScalar, kSequence, kMap };

  YamlNode() = default;

  Type type() const { return data_ ? data_->type : Type::kNull; }
  bool IsNull() const { return type() == Type::kNull; }
  bool IsScalar() const { return type() == Type::kScalar; }
  bool IsSequence() const { return type() == Type::kSequence; }
  bool IsMap() const { return type() == Type::kMap; }
  YamlMark Mark() const { return data_ ? data_->mark : YamlMark(); }

  // The text of a scalar ("" for other nodes).
  const std::string& Scalar() const;
  // The elements of a sequence (empty for other nodes).
  const std::vector<YamlNode>& items() const;
  // The key-value pairs of a mapping, in document order (empty for others).
  const std::vector<std::pair<YamlNode, YamlNode>>& pairs() const;
  size_t size() const { return IsMap() ? pairs().size() : items().size(); }
  // The value of the first scalar key equal to `key` in a mapping; nullptr if
  // there is none.
  const YamlNode* Find(std::string_view key) const;

 private:
  friend class YamlTreeBuilder;
  struct Data {
    Type type = Type::kNull;
    YamlMark mark;
    std::string scalar;
    std::vector<YamlNode> items;
    std::vector<std::pair<YamlNode, YamlNode>> pairs;
  };
  explicit YamlNode(std::shared_ptr<Data> data) : data_(std::move(data)) {}
  std::shared_ptr<Data> data_;
};

// Limits that the first pass checks before a tree is built.
struct YamlLimits {
  uint64_t max_nodes = 0;  // scalars, nulls, aliases, sequences, mappings
  int max_depth = 0;       // nested sequences and mappings
};

// Parses `text`, which must be UTF-8 and hold exactly one document. Errors
// (`file` names the text): kLimitExceeded "file:line:col: more than N YAML
// nodes" or "...: nested deeper than N levels"; kInvalidArgument
// "file:line:col: YAML syntax error: ..." for malformed YAML (also an alias
// of an unknown anchor, or of a node that encloses it), "empty document" and
// "more than one YAML document (a second '---')".
StatusOr<YamlNode> ParseYamlTree(std::string_view text, const std::string& file,
                                 const YamlLimits& limits);

}  // namespace dtm::internal
