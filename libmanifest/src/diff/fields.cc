// Field-by-field comparison of schema messages by reflection.
#include "diff/fields.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include <charconv>
#include <map>

#include "dtm/digest.h"
#include "dtm/format.h"

namespace dtm::internal {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsTimestamp(const FieldDescriptor* field) {
  return field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
         field->message_type()->full_name() == "google.protobuf.Timestamp";
}

// A calendar date (midnight UTC) as "2025-06-30"; other times in RFC 3339.
std::string RenderTimestamp(const Message& message) {
  google::protobuf::Timestamp t;
  t.CopyFrom(message);
  std::string text = google::protobuf::util::TimeUtil::ToString(t);
  if (t.nanos() == 0 && t.seconds() % 86400 == 0 && text.size() >= 10) text.resize(10);
  return text;
}

std::string Quoted(const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string RenderDouble(double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : "?";
}

// One value of `field` (element `index` of a repeated field, or -1). Strings
// are quoted when `in_composite`, so that lists and messages stay readable.
std::string RenderValue(const Message& message, const FieldDescriptor* field, int index,
                        bool in_composite) {
  const Reflection* r = message.GetReflection();
  const bool rep = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(rep ? r->GetRepeatedInt32(message, field, index)
                                : r->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(rep ? r->GetRepeatedInt64(message, field, index)
                                : r->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(rep ? r->GetRepeatedUInt32(message, field, index)
                                : r->GetUInt32(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(rep ? r->GetRepeatedUInt64(message, field, index)
                                : r->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return RenderDouble(rep ? r->GetRepeatedDouble(message, field, index)
                              : r->GetDouble(message, field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return RenderDouble(rep ? r->GetRepeatedFloat(message, field, index)
                              : r->GetFloat(message, field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumLabel(field->enum_type(), rep ? r->GetRepeatedEnumValue(message, field, index)
                                               : r->GetEnumValue(message, field));
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = rep ? r->GetRepeatedStringReference(message, field, index, &scratch)
                                 : r->GetStringReference(message, field, &scratch);
      if (field->type() == FieldDescriptor::TYPE_BYTES) return ToHex(s);
      return in_composite ? Quoted(s) : s;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& sub =
          rep ? r->GetRepeatedMessage(message, field, index) : r->GetMessage(message, field);
      return IsTimestamp(field) ? RenderTimestamp(sub) : RenderMessage(sub);
    }
  }
  return "?";
}

std::string RenderList(const Message& message, const FieldDescriptor* field) {
  const int n = message.GetReflection()->FieldSize(message, field);
  std::string out = "[";
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += ", ";
    out += RenderValue(message, field, i, true);
  }
  return out + "]";
}

void CompareRepeatedMessages(const Message& before, const Message& after,
                             const FieldDescriptor* field, const std::string& path,
                             std::vector<FieldChange>* out) {
  const Reflection* rb = before.GetReflection();
  const Reflection* ra = after.GetReflection();
  const int nb = rb->FieldSize(before, field);
  const int na = ra->FieldSize(after, field);
  std::vector<std::string> bytes_before, bytes_after;
  std::map<std::string, int> in_before, in_after;
  for (int i = 0; i < nb; ++i) {
    bytes_before.push_back(DeterministicBytes(rb->GetRepeatedMessage(before, field, i)));
    ++in_before[bytes_before.back()];
  }
  for (int i = 0; i < na; ++i) {
    bytes_after.push_back(DeterministicBytes(ra->GetRepeatedMessage(after, field, i)));
    ++in_after[bytes_after.back()];
  }
  if (bytes_before == bytes_after) return;
  if (in_before == in_after) {  // the same elements in another order
    out->push_back(
        {FieldChange::Kind::kChanged, path, RenderList(before, field), RenderList(after, field)});
    return;
  }
  for (int i = 0; i < nb; ++i) {
    int& left = in_after[bytes_before[i]];
    if (left > 0) {
      --left;
    } else {
      out->push_back({FieldChange::Kind::kRemoved, path,
                      RenderMessage(rb->GetRepeatedMessage(before, field, i)), ""});
    }
  }
  for (int i = 0; i < na; ++i) {
    int& left = in_before[bytes_after[i]];
    if (left > 0) {
      --left;
    } else {
      out->push_back({FieldChange::Kind::kAdded, path, "",
                      RenderMessage(ra->GetRepeatedMessage(after, field, i))});
    }
  }
}

}  // namespace

std::string DeterministicBytes(const Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

std::string RenderMessage(const Message& message) {
  std::vector<const FieldDescriptor*> fields;
  message.GetReflection()->ListFields(message, &fields);
  std::string out = "{";
  for (const FieldDescriptor* field : fields) {
    if (out.size() > 1) out += ", ";
    out += field->name() + ": ";
    out +=
        field->is_repeated() ? RenderList(message, field) : RenderValue(message, field, -1, true);
  }
  return out + "}";
}

void CompareMessages(const Message& before, const Message& after, const std::string& prefix,
                     std::vector<FieldChange>* out) {
  const auto* type = before.GetDescriptor();
  const Reflection* rb = before.GetReflection();
  const Reflection* ra = after.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const std::string path = prefix.empty() ? field->name() : prefix + "." + field->name();
    if (field->is_repeated()) {
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        CompareRepeatedMessages(before, after, field, path, out);
      } else if (std::string b = RenderList(before, field), a = RenderList(after, field); b != a) {
        out->push_back({FieldChange::Kind::kChanged, path, b, a});
      }
      continue;
    }
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !IsTimestamp(field)) {
      const bool has_before = rb->HasField(before, field);
      const bool has_after = ra->HasField(after, field);
      if (!has_before && !has_after) continue;
      const size_t changes = out->size();
      CompareMessages(rb->GetMessage(before, field), ra->GetMessage(after, field), path, out);
      if (out->size() == changes && has_before != has_after) {  // present but empty
        out->push_back(
            {FieldChange::Kind::kChanged, path, has_before ? "{}" : "", has_after ? "{}" : ""});
      }
      continue;
    }
    // Scalars and timestamps; a timestamp that is not set renders as "".
    const bool message_field = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    std::string b =
        message_field && !rb->HasField(before, field) ? "" : RenderValue(before, field, -1, false);
    std::string a =
        message_field && !ra->HasField(after, field) ? "" : RenderValue(after, field, -1, false);
    if (b != a) out->push_back({FieldChange::Kind::kChanged, path, std::move(b), std::move(a)});
  }
}

}  // namespace dtm::internal
