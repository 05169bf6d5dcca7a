// Reading YAML with libyaml's event parser into YamlNode trees.
#include "yaml/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <cstdio>
#include <map>

namespace dtm::internal {

const std::string& YamlNode::Scalar() const {
  static const std::string kEmpty;
  return data_ ? data_->scalar : kEmpty;
}

const std::vector<YamlNode>& YamlNode::items() const {
  static const std::vector<YamlNode> kNone;
  return data_ ? data_->items : kNone;
}

const std::vector<std::pair<YamlNode, YamlNode>>& YamlNode::pairs() const {
  static const std::vector<std::pair<YamlNode, YamlNode>> kNone;
  return data_ ? data_->pairs : kNone;
}

const YamlNode* YamlNode::Find(std::string_view key) const {
  for (const auto& [k, v] : pairs()) {
    if (k.IsScalar() && k.Scalar() == key) return &v;
  }
  return nullptr;
}

namespace {

YamlMark MarkOf(const yaml_mark_t& m) {
  auto clamp = [](size_t v) { return v > 0x7fffffff ? 0x7fffffff : static_cast<int>(v); };
  return YamlMark{clamp(m.index), clamp(m.line), clamp(m.column)};
}

std::string Location(const std::string& file, const YamlMark& mark) {
  const int line = mark.line < 0 ? 1 : mark.line + 1;
  const int column = mark.column < 0 ? 1 : mark.column + 1;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

// A plain scalar that YAML reads as null, or one tagged !!null.
bool IsNullScalar(const yaml_event_t& e) {
  const auto& s = e.data.scalar;
  const std::string_view tag = s.tag ? reinterpret_cast<const char*>(s.tag) : "";
  if (tag == "tag:yaml.org,2002:null") return true;
  if (!tag.empty() || s.style != YAML_PLAIN_SCALAR_STYLE) return false;
  const std::string_view v(reinterpret_cast<const char*>(s.value), s.length);
  return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

class Parser {
 public:
  Parser() { yaml_parser_initialize(&parser_); }
  ~Parser() { yaml_parser_delete(&parser_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  yaml_parser_t* get() { return &parser_; }

 private:
  yaml_parser_t parser_;
};

class Event {
 public:
  Event() = default;
  ~Event() {
    if (live_) yaml_event_delete(&event_);
  }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  // Parses the next event; false with the parser's error set.
  bool Next(yaml_parser_t* parser) {
    if (live_) yaml_event_delete(&event_);
    live_ = yaml_parser_parse(parser, &event_) != 0;
    return live_;
  }
  const yaml_event_t& operator*() const { return event_; }
  const yaml_event_t* operator->() const { return &event_; }

 private:
  yaml_event_t event_{};
  bool live_ = false;
};

}  // namespace

// Builds the tree from the events, checking the limits as it goes: memory is
// bounded by max_nodes whatever the text is.
class YamlTreeBuilder {
 public:
  YamlTreeBuilder(const std::string& file, const YamlLimits& limits)
      : file_(file), limits_(limits) {}

  StatusOr<YamlNode> Run(std::string_view text) {
    Parser parser;
    yaml_parser_set_input_string(parser.get(), reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
    // The spec's inputs are UTF-8: a UTF-16 or UTF-32 text is an error.
    yaml_parser_set_encoding(parser.get(), YAML_UTF8_ENCODING);
    Event event;
    int documents = 0;
    for (;;) {
      if (!event.Next(parser.get())) return SyntaxError(*parser.get(), text);
      const YamlMark mark = MarkOf(event->start_mark);
      // A second document is reported where its first node is.
      if (documents > 1 && event->type != YAML_DOCUMENT_START_EVENT) {
        return Invalid(mark, "more than one YAML document (a second '---')");
      }
      switch (event->type) {
        case YAML_STREAM_END_EVENT:
          if (documents == 0) return Invalid(YamlMark(), "empty document");
          return root_;
        case YAML_DOCUMENT_START_EVENT:
          ++documents;
          break;
        case YAML_ALIAS_EVENT: {
          DTM_RETURN_IF_ERROR(CountNode(mark));
          const auto it = anchors_.find(reinterpret_cast<const char*>(event->data.alias.anchor));
          if (it == anchors_.end()) {
            return Invalid(mark,
                           "YAML syntax error: alias of an unknown anchor (or of a node "
                           "that encloses it)");
          }
          DTM_RETURN_IF_ERROR(Complete(it->second, mark));
          break;
        }
        case YAML_SCALAR_EVENT: {
          DTM_RETURN_IF_ERROR(CountNode(mark));
          auto data = std::make_shared<YamlNode::Data>();
          data->mark = mark;
          if (IsNullScalar(*event)) {
            data->type = YamlNode::Type::kNull;
          } else {
            data->type = YamlNode::Type::kScalar;
            data->scalar.assign(reinterpret_cast<const char*>(event->data.scalar.value),
                                event->data.scalar.length);
          }
          YamlNode node(std::move(data));
          Anchor(event->data.scalar.anchor, node);
          DTM_RETURN_IF_ERROR(Complete(node, mark));
          break;
        }
        case YAML_SEQUENCE_START_EVENT:
          DTM_RETURN_IF_ERROR(
              Open(YamlNode::Type::kSequence, mark, event->data.sequence_start.anchor));
          break;
        case YAML_MAPPING_START_EVENT:
          DTM_RETURN_IF_ERROR(Open(YamlNode::Type::kMap, mark, event->data.mapping_start.anchor));
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          DTM_RETURN_IF_ERROR(Close(mark));
          break;
        default:
          break;
      }
    }
  }

 private:
  struct OpenCollection {
    YamlNode node;
    std::string anchor;
    bool has_key = false;  // a mapping whose pending key is `key`
    YamlNode key;
  };

  Status CountNode(const YamlMark& mark) {
    if (++nodes_ > limits_.max_nodes) {
      return Status::LimitExceeded(Location(file_, mark) + ": more than " +
                                   std::to_string(limits_.max_nodes) + " YAML nodes");
    }
    return Status::Ok();
  }

  Status Open(YamlNode::Type type, const YamlMark& mark, const yaml_char_t* anchor) {
    DTM_RETURN_IF_ERROR(CountNode(mark));
    if (static_cast<int>(open_.size()) >= limits_.max_depth) {
      return Status::LimitExceeded(Location(file_, mark) + ": nested deeper than " +
                                   std::to_string(limits_.max_depth) + " levels");
    }
    auto data = std::make_shared<YamlNode::Data>();
    data->type = type;
    data->mark = mark;
    OpenCollection open;
    open.node = YamlNode(std::move(data));
    if (anchor != nullptr) open.anchor = reinterpret_cast<const char*>(anchor);
    open_.push_back(std::move(open));
    return Status::Ok();
  }

  Status Close(const YamlMark& mark) {
    OpenCollection done = std::move(open_.back());
    open_.pop_back();
    if (!done.anchor.empty()) anchors_[done.anchor] = done.node;
    return Complete(done.node, mark);
  }

  void Anchor(const yaml_char_t* anchor, const YamlNode& node) {
    if (anchor != nullptr) anchors_[reinterpret_cast<const char*>(anchor)] = node;
  }

  // Adds a finished node to the collection it is in (or makes it the root).
  Status Complete(const YamlNode& node, const YamlMark&) {
    if (open_.empty()) {
      root_ = node;
      return Status::Ok();
    }
    OpenCollection& parent = open_.back();
    YamlNode::Data& data = *parent.node.data_;
    if (data.type == YamlNode::Type::kSequence) {
      data.items.push_back(node);
    } else if (!parent.has_key) {
      parent.key = node;
      parent.has_key = true;
    } else {
      data.pairs.emplace_back(std::move(parent.key), node);
      parent.key = YamlNode();
      parent.has_key = false;
    }
    return Status::Ok();
  }

  Status Invalid(const YamlMark& mark, const std::string& problem) const {
    return Status::InvalidArgument(Location(file_, mark) + ": " + problem);
  }

  Status SyntaxError(const yaml_parser_t& parser, std::string_view text) const {
    std::string problem = parser.problem != nullptr ? parser.problem : "malformed YAML";
    if (parser.error == YAML_READER_ERROR) {
      // The reader names a byte offset, not a mark: count the lines to it.
      const size_t offset = std::min(parser.problem_offset, text.size());
      YamlMark mark{static_cast<int>(offset), 0, 0};
      for (size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
          ++mark.line;
          mark.column = 0;
        } else {
          ++mark.column;
        }
      }
      if (parser.problem_value >= 0) {
        char value[16];
        std::snprintf(value, sizeof value, " (0x%X)", static_cast<unsigned>(parser.problem_value));
        problem += value;
      }
      return Invalid(mark, "YAML syntax error: " + problem);
    }
    if (parser.context != nullptr) problem += std::string(" ") + parser.context;
    return Invalid(MarkOf(parser.problem_mark), "YAML syntax error: " + problem);
  }

  const std::string& file_;
  YamlLimits limits_;
  uint64_t nodes_ = 0;
  std::vector<OpenCollection> open_;
  std::map<std::string, YamlNode> anchors_;
  YamlNode root_;
};

StatusOr<YamlNode> ParseYamlTree(std::string_view text, const std::string& file,
                                 const YamlLimits& limits) {
  YamlTreeBuilder builder(file, limits);
  return builder.Run(text);
}

}  // namespace dtm::internal
