// Field paths of the required_fields rule (spec/policy.md, "required_fields").
#include "policy/fields.h"

#include "dtm/policy.h"
#include "dtm/v1/manifest.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace dtm::internal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool Filled(const Message& msg, const FieldDescriptor* field) {
  const Reflection* r = msg.GetReflection();
  if (field->is_repeated()) return r->FieldSize(msg, field) > 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return r->HasField(msg, field);
    case FieldDescriptor::CPPTYPE_STRING:
      return !r->GetString(msg, field).empty();
    case FieldDescriptor::CPPTYPE_ENUM:
      return r->GetEnumValue(msg, field) != 0;
    case FieldDescriptor::CPPTYPE_BOOL:
      return r->GetBool(msg, field);
    case FieldDescriptor::CPPTYPE_INT32:
      return r->GetInt32(msg, field) != 0;
    case FieldDescriptor::CPPTYPE_INT64:
      return r->GetInt64(msg, field) != 0;
    case FieldDescriptor::CPPTYPE_UINT32:
      return r->GetUInt32(msg, field) != 0;
    case FieldDescriptor::CPPTYPE_UINT64:
      return r->GetUInt64(msg, field) != 0;
    case FieldDescriptor::CPPTYPE_FLOAT:
      return r->GetFloat(msg, field) != 0;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return r->GetDouble(msg, field) != 0;
  }
  return false;
}

void Find(const Message& msg, std::string_view path, const std::string& shown,
          std::vector<std::string>* unfilled) {
  const size_t dot = path.find('.');
  const std::string name(path.substr(0, dot));
  const FieldDescriptor* field = msg.GetDescriptor()->FindFieldByName(name);
  if (field == nullptr) return;  // REQUIRES: a validated path
  if (dot == std::string_view::npos) {
    if (!Filled(msg, field)) unfilled->push_back(shown + name);
    return;
  }
  const std::string_view rest = path.substr(dot + 1);
  const Reflection* r = msg.GetReflection();
  if (field->is_repeated()) {
    for (int i = 0; i < r->FieldSize(msg, field); ++i) {
      Find(r->GetRepeatedMessage(msg, field, i), rest,
           shown + name + "[" + std::to_string(i) + "].", unfilled);
    }
  } else if (!r->HasField(msg, field)) {
    unfilled->push_back(shown + std::string(path));
  } else {
    Find(r->GetMessage(msg, field), rest, shown + name + ".", unfilled);
  }
}

}  // namespace

void FindUnfilled(const Message& msg, std::string_view path, std::vector<std::string>* unfilled) {
  Find(msg, path, "", unfilled);
}

}  // namespace dtm::internal

namespace dtm {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using internal::kHeaderPrefix;

Status ValidateRequiredField(std::string_view path) {
  const Descriptor* type = v1::Source::descriptor();
  std::string_view rest = path;
  if (rest.rfind(kHeaderPrefix, 0) == 0) {
    type = v1::Header::descriptor();
    rest.remove_prefix(kHeaderPrefix.size());
  }
  while (true) {
    const size_t dot = rest.find('.');
    const std::string name(rest.substr(0, dot));
    const FieldDescriptor* field = type->FindFieldByName(name);
    if (field == nullptr) {
      return Status::InvalidArgument("'" + name + "' is not a field of " + type->name());
    }
    if (dot == std::string_view::npos) return Status::Ok();
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return Status::InvalidArgument("'" + name + "' of " + type->name() +
                                     " is not a message, so it has no field '" +
                                     std::string(rest.substr(dot + 1)) + "'");
    }
    type = field->message_type();
    rest.remove_prefix(dot + 1);
  }
}

}  // namespace dtm
