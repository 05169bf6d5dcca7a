// The mapping of spec/spec-file.md, "Mapping YAML to messages".
#include "yaml/yaml_to_proto.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "dtm/digest.h"
#include "dtm/file_io.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "yaml/scalars.h"

namespace dtm::internal {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string UnknownKeyProblem(const std::string& key, const std::vector<std::string>& allowed) {
  std::string best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  for (const std::string& name : allowed) {
    const size_t d = EditDistance(key, name);
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  std::string problem = "unknown key " + QuoteForMessage(key);
  if (!best.empty() && best_distance <= std::max<size_t>(2, key.size() / 3)) {
    return problem + "; did you mean '" + best + "'?";
  }
  std::string list;
  for (const std::string& name : allowed) list += (list.empty() ? "" : ", ") + name;
  return problem + "; expected one of: " + list;
}

const char* NodeKind(const YamlNode& node) {
  switch (node.type()) {
    case YamlNode::Type::kNull:
      return "null";
    case YamlNode::Type::kScalar:
      return "a scalar";
    case YamlNode::Type::kSequence:
      return "a sequence";
    case YamlNode::Type::kMap:
      return "a mapping";
  }
  return "nothing";
}

std::string Expected(const char* what, const YamlNode& node) {
  return std::string("expected ") + what + ", got " + NodeKind(node);
}

}  // namespace

std::string YamlLocation(const std::string& file, const YamlMark& mark) {
  const int line = mark.line < 0 ? 1 : mark.line + 1;
  const int column = mark.column < 0 ? 1 : mark.column + 1;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Status YamlError(const std::string& file, const YamlMark& mark, std::string_view field_path,
                 std::string_view problem) {
  std::string message = YamlLocation(file, mark) + ": ";
  if (!field_path.empty()) message += std::string(field_path) + ": ";
  return Status::InvalidArgument(message + std::string(problem));
}

StatusOr<YamlNode> ParseYamlDocument(std::string_view text, const std::string& file) {
  if (text.size() > kMaxYamlBytes) {
    return Status::LimitExceeded(file + ": " + std::to_string(text.size()) +
                                 " bytes; the limit is " + std::to_string(kMaxYamlBytes) +
                                 " (64 MiB)");
  }
  return ParseYamlTree(text, file, YamlLimits{kMaxYamlNodes, kMaxYamlDepth});
}

StatusOr<std::string> ReadYamlFile(const std::string& path) {
  return ReadSmallFile(path, kMaxYamlBytes);
}

std::string FieldPath(const std::string& parent, std::string_view name) {
  return parent.empty() ? std::string(name) : parent + "." + std::string(name);
}

std::string ElementPath(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

YamlToProto::YamlToProto(std::string file, uint64_t node_budget)
    : file_(std::move(file)), node_budget_(node_budget) {}

Status YamlToProto::Error(const YamlMark& mark, std::string_view path,
                          std::string_view problem) const {
  return YamlError(file_, mark, path, problem);
}

const YamlMark* YamlToProto::MarkOf(const std::string& path) const {
  auto it = marks_.find(path);
  return it == marks_.end() ? nullptr : &it->second;
}

void YamlToProto::RecordMark(const std::string& path, const YamlNode& key, const YamlNode& value) {
  marks_[path] = value.IsNull() ? key.Mark() : value.Mark();
}

Status YamlToProto::Visit(const YamlNode& node, const std::string& path) {
  // A node costs one, and a scalar its bytes too: an alias of a long scalar
  // counts what it expands to.
  nodes_visited_ += 1 + node.Scalar().size();
  if (nodes_visited_ > node_budget_) {
    return Status::LimitExceeded(YamlLocation(file_, node.Mark()) + ": " + path + ": more than " +
                                 std::to_string(node_budget_) +
                                 " YAML nodes and scalar bytes (do aliases expand too much?)");
  }
  return Status::Ok();
}

Status YamlToProto::Entries(const YamlNode& node, const std::string& path,
                            const std::vector<std::string>& allowed, std::vector<YamlEntry>* out) {
  DTM_RETURN_IF_ERROR(Visit(node, path));
  if (!node.IsMap()) return Error(node.Mark(), path, Expected("a mapping", node));
  std::map<std::string, YamlMark> seen;
  for (const auto& pair : node.pairs()) {
    const YamlNode& key = pair.first;
    DTM_RETURN_IF_ERROR(Visit(key, path));
    if (!key.IsScalar()) return Error(key.Mark(), path, Expected("a scalar key", key));
    const std::string& name = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return Error(key.Mark(), path, UnknownKeyProblem(name, allowed));
    }
    auto [first, inserted] = seen.emplace(name, key.Mark());
    if (!inserted) {
      return Error(key.Mark(), FieldPath(path, name),
                   "duplicate key (first at " + YamlLocation(file_, first->second) + ")");
    }
    out->push_back(YamlEntry{name, key, pair.second});
  }
  return Status::Ok();
}

StatusOr<std::string> YamlToProto::String(const YamlNode& node, const std::string& path) {
  DTM_RETURN_IF_ERROR(Visit(node, path));
  if (node.IsNull()) return std::string();
  if (!node.IsScalar()) return Error(node.Mark(), path, Expected("a string", node));
  if (!IsValidUtf8(node.Scalar())) return Error(node.Mark(), path, "not valid UTF-8");
  return node.Scalar();
}

StatusOr<std::vector<std::string>> YamlToProto::StringList(const YamlNode& node,
                                                           const std::string& path,
                                                           std::vector<YamlMark>* marks) {
  DTM_RETURN_IF_ERROR(Visit(node, path));
  std::vector<std::string> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) return Error(node.Mark(), path, Expected("a sequence", node));
  size_t i = 0;
  for (const YamlNode& element : node.items()) {
    const std::string element_path = ElementPath(path, i++);
    if (element.IsNull()) return Error(element.Mark(), element_path, "null in a sequence");
    DTM_ASSIGN_OR_RETURN(std::string text, String(element, element_path));
    out.push_back(std::move(text));
    if (marks != nullptr) marks->push_back(element.Mark());
  }
  return out;
}

Status YamlToProto::ToMessage(const YamlNode& node, Message* msg, const std::string& path,
                              const Options& options, std::vector<YamlEntry>* extras) {
  return MapMessage(node, msg, path, options, extras, 0);
}

Status YamlToProto::MapMessage(const YamlNode& node, Message* msg, const std::string& path,
                               const Options& options, std::vector<YamlEntry>* extras, int depth) {
  if (depth > kMaxYamlDepth) {
    return Status::LimitExceeded(YamlLocation(file_, node.Mark()) + ": " + path +
                                 ": nested deeper than " + std::to_string(kMaxYamlDepth) +
                                 " levels");
  }
  if (node.IsNull()) return Status::Ok();
  const Descriptor* type = msg->GetDescriptor();
  std::vector<std::string> allowed;
  for (int i = 0; i < type->field_count(); ++i) {
    const std::string& name = type->field(i)->name();
    if (options.only_fields.empty() || options.only_fields.count(name)) allowed.push_back(name);
  }
  allowed.insert(allowed.end(), options.extra_keys.begin(), options.extra_keys.end());
  std::vector<YamlEntry> entries;
  DTM_RETURN_IF_ERROR(Entries(node, path, allowed, &entries));
  std::map<const google::protobuf::OneofDescriptor*, std::string> oneofs_set;
  for (const YamlEntry& entry : entries) {
    if (options.extra_keys.count(entry.key)) {
      if (extras != nullptr) extras->push_back(entry);
      continue;
    }
    const FieldDescriptor* field = type->FindFieldByName(entry.key);
    const std::string field_path = FieldPath(path, entry.key);
    if (const auto* oneof = field->real_containing_oneof(); oneof && !entry.value.IsNull()) {
      auto [other, inserted] = oneofs_set.emplace(oneof, entry.key);
      if (!inserted) {
        return Error(entry.key_node.Mark(), field_path,
                     "'" + other->second + "' is already set; only one of " + oneof->name() +
                         " may be given");
      }
    }
    if (options.record_marks) RecordMark(field_path, entry.key_node, entry.value);
    DTM_RETURN_IF_ERROR(MapField(entry, msg, field, field_path, options.record_marks, depth));
  }
  return Status::Ok();
}

Status YamlToProto::MapField(const YamlEntry& entry, Message* msg, const FieldDescriptor* field,
                             const std::string& path, bool record_marks, int depth) {
  const YamlNode& value = entry.value;
  if (value.IsNull()) return Visit(value, path);
  if (field->is_map()) return MapMapField(value, msg, field, path, record_marks, depth);
  if (field->is_repeated()) return MapRepeated(value, msg, field, path, record_marks, depth);
  if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return SetScalar(value, msg, field, path);
  }
  Message* sub = msg->GetReflection()->MutableMessage(msg, field);
  if (field->message_type()->full_name() == "google.protobuf.Timestamp") {
    return SetTimestamp(value, sub, path);
  }
  Options nested;
  nested.record_marks = record_marks;
  return MapMessage(value, sub, path, nested, nullptr, depth + 1);
}

Status YamlToProto::MapRepeated(const YamlNode& node, Message* msg, const FieldDescriptor* field,
                                const std::string& path, bool record_marks, int depth) {
  DTM_RETURN_IF_ERROR(Visit(node, path));
  if (!node.IsSequence()) return Error(node.Mark(), path, Expected("a sequence", node));
  const Reflection* reflection = msg->GetReflection();
  size_t i = 0;
  for (const YamlNode& element : node.items()) {
    const std::string element_path = ElementPath(path, i++);
    if (element.IsNull()) return Error(element.Mark(), element_path, "null in a sequence");
    if (record_marks) marks_[element_path] = element.Mark();
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      DTM_RETURN_IF_ERROR(SetScalar(element, msg, field, element_path));
      continue;
    }
    Message* sub = reflection->AddMessage(msg, field);
    if (field->message_type()->full_name() == "google.protobuf.Timestamp") {
      DTM_RETURN_IF_ERROR(SetTimestamp(element, sub, element_path));
      continue;
    }
    Options nested;
    nested.record_marks = record_marks;
    DTM_RETURN_IF_ERROR(MapMessage(element, sub, element_path, nested, nullptr, depth + 1));
  }
  return Status::Ok();
}

Status YamlToProto::MapMapField(const YamlNode& node, Message* msg, const FieldDescriptor* field,
                                const std::string& path, bool record_marks, int depth) {
  DTM_RETURN_IF_ERROR(Visit(node, path));
  if (!node.IsMap()) return Error(node.Mark(), path, Expected("a mapping", node));
  const FieldDescriptor* key_field = field->message_type()->map_key();
  const FieldDescriptor* value_field = field->message_type()->map_value();
  std::map<std::string, YamlMark> seen;
  for (const auto& pair : node.pairs()) {
    const YamlNode& key = pair.first;
    DTM_RETURN_IF_ERROR(Visit(key, path));
    if (!key.IsScalar()) return Error(key.Mark(), path, Expected("a scalar key", key));
    const std::string entry_path = path + "[" + QuoteForMessage(key.Scalar()) + "]";
    auto [first, inserted] = seen.emplace(key.Scalar(), key.Mark());
    if (!inserted) {
      return Error(key.Mark(), entry_path,
                   "duplicate key (first at " + YamlLocation(file_, first->second) + ")");
    }
    if (pair.second.IsNull()) return Error(key.Mark(), entry_path, "null map value");
    Message* entry = msg->GetReflection()->AddMessage(msg, field);
    DTM_RETURN_IF_ERROR(SetScalar(key, entry, key_field, entry_path));
    if (record_marks) RecordMark(entry_path, key, pair.second);
    DTM_RETURN_IF_ERROR(MapField(YamlEntry{key.Scalar(), key, pair.second}, entry, value_field,
                                 entry_path, record_marks, depth + 1));
  }
  return Status::Ok();
}

Status YamlToProto::SetTimestamp(const YamlNode& node, Message* timestamp,
                                 const std::string& path) {
  DTM_ASSIGN_OR_RETURN(std::string text, String(node, path));
  StatusOr<TimestampValue> value = ParseYamlTimestamp(text);
  if (!value.ok()) return Error(node.Mark(), path, value.status().message());
  const Descriptor* type = timestamp->GetDescriptor();
  const Reflection* reflection = timestamp->GetReflection();
  reflection->SetInt64(timestamp, type->FindFieldByName("seconds"), value->seconds);
  reflection->SetInt32(timestamp, type->FindFieldByName("nanos"), value->nanos);
  return Status::Ok();
}

Status YamlToProto::SetScalar(const YamlNode& node, Message* msg, const FieldDescriptor* field,
                              const std::string& path) {
  if (!node.IsScalar()) {
    DTM_RETURN_IF_ERROR(Visit(node, path));
    return Error(node.Mark(), path, Expected("a scalar", node));
  }
  DTM_ASSIGN_OR_RETURN(std::string text, String(node, path));
  const Reflection* r = msg->GetReflection();
  const bool repeated = field->is_repeated();
  auto fail = [&](const Status& s) { return Error(node.Mark(), path, s.message()); };
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        StatusOr<Sha256Digest> digest = ParseSha256Hex(text);
        if (!digest.ok()) return fail(digest.status());
        text.assign(reinterpret_cast<const char*>(digest->data()), digest->size());
      }
      repeated ? r->AddString(msg, field, std::move(text))
               : r->SetString(msg, field, std::move(text));
      return Status::Ok();
    }
    case FieldDescriptor::CPPTYPE_UINT64:
    case FieldDescriptor::CPPTYPE_UINT32: {
      const bool wide = field->cpp_type() == FieldDescriptor::CPPTYPE_UINT64;
      StatusOr<uint64_t> v = ParseYamlUint(
          text, wide ? std::numeric_limits<uint64_t>::max() : std::numeric_limits<uint32_t>::max());
      if (!v.ok()) return fail(v.status());
      if (wide) {
        repeated ? r->AddUInt64(msg, field, *v) : r->SetUInt64(msg, field, *v);
      } else {
        const auto narrow = static_cast<uint32_t>(*v);
        repeated ? r->AddUInt32(msg, field, narrow) : r->SetUInt32(msg, field, narrow);
      }
      return Status::Ok();
    }
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_INT32: {
      const bool wide = field->cpp_type() == FieldDescriptor::CPPTYPE_INT64;
      StatusOr<int64_t> v = wide ? ParseYamlInt(text, std::numeric_limits<int64_t>::min(),
                                                std::numeric_limits<int64_t>::max())
                                 : ParseYamlInt(text, std::numeric_limits<int32_t>::min(),
                                                std::numeric_limits<int32_t>::max());
      if (!v.ok()) return fail(v.status());
      if (wide) {
        repeated ? r->AddInt64(msg, field, *v) : r->SetInt64(msg, field, *v);
      } else {
        const auto narrow = static_cast<int32_t>(*v);
        repeated ? r->AddInt32(msg, field, narrow) : r->SetInt32(msg, field, narrow);
      }
      return Status::Ok();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      StatusOr<double> v = ParseYamlDouble(text);
      if (!v.ok()) return fail(v.status());
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        repeated ? r->AddDouble(msg, field, *v) : r->SetDouble(msg, field, *v);
      } else {
        if (std::fabs(*v) > std::numeric_limits<float>::max()) {
          return Error(node.Mark(), path, QuoteForMessage(text) + " is out of range for a float");
        }
        const auto narrow = static_cast<float>(*v);
        repeated ? r->AddFloat(msg, field, narrow) : r->SetFloat(msg, field, narrow);
      }
      return Status::Ok();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      StatusOr<bool> v = ParseYamlBool(text);
      if (!v.ok()) return fail(v.status());
      repeated ? r->AddBool(msg, field, *v) : r->SetBool(msg, field, *v);
      return Status::Ok();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      auto v = ParseYamlEnum(text, field->enum_type());
      if (!v.ok()) return fail(v.status());
      repeated ? r->AddEnum(msg, field, *v) : r->SetEnum(msg, field, *v);
      return Status::Ok();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return Status::Internal(path + ": SetScalar called for a message field");
}

}  // namespace dtm::internal
