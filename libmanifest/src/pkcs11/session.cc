// PKCS#11 sessions over p11-kit: module loading, token choice, login.
#include "pkcs11/session.h"

#include <p11-kit/p11-kit.h>
#include <p11-kit/uri.h>

#include <vector>

#include "dtm/file_io.h"

namespace dtm::internal {
namespace {

struct UriFree {
  void operator()(P11KitUri* uri) const { p11_kit_uri_free(uri); }
};

// A space-padded fixed-size PKCS#11 text field, trimmed.
std::string Trimmed(const CK_UTF8CHAR* field, size_t size) {
  std::string out(reinterpret_cast<const char*>(field), size);
  while (!out.empty() && (out.back() == ' ' || out.back() == '\0')) out.pop_back();
  return out;
}

std::string AttributeText(P11KitUri* uri, CK_ATTRIBUTE_TYPE type, bool* present) {
  CK_ATTRIBUTE* a = p11_kit_uri_get_attribute(uri, type);
  *present = a != nullptr && a->pValue != nullptr;
  if (!*present) return {};
  return std::string(static_cast<const char*>(a->pValue), a->ulValueLen);
}

// The PIN: pin-value, else the first line of the pin-source file, else the
// caller's.
StatusOr<std::string> PinOf(P11KitUri* uri, const Pkcs11Options& options) {
  if (const char* value = p11_kit_uri_get_pin_value(uri)) return std::string(value);
  if (const char* source = p11_kit_uri_get_pin_source(uri)) {
    std::string path = source;
    if (path.starts_with("file:")) path = path.substr(5);
    DTM_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, 4096));
    return text.substr(0, text.find('\n'));
  }
  return options.pin;
}

// The URI for messages, with the value of pin-value hidden.
std::string Redacted(std::string_view uri) {
  std::string out(uri);
  const size_t at = out.find("pin-value=");
  if (at == std::string::npos) return out;
  const size_t start = at + 10;
  const size_t end = out.find_first_of("&;", start);
  out.replace(start, end == std::string::npos ? std::string::npos : end - start, "***");
  return out;
}

}  // namespace

std::string Pkcs11Session::ErrorName(CK_RV rv) {
  switch (rv) {
    case CKR_PIN_INCORRECT:
      return "CKR_PIN_INCORRECT";
    case CKR_PIN_LOCKED:
      return "CKR_PIN_LOCKED";
    case CKR_TOKEN_NOT_PRESENT:
      return "CKR_TOKEN_NOT_PRESENT";
    case CKR_MECHANISM_INVALID:
      return "CKR_MECHANISM_INVALID";
    case CKR_KEY_TYPE_INCONSISTENT:
      return "CKR_KEY_TYPE_INCONSISTENT";
    case CKR_ATTRIBUTE_VALUE_INVALID:
      return "CKR_ATTRIBUTE_VALUE_INVALID";
    case CKR_USER_NOT_LOGGED_IN:
      return "CKR_USER_NOT_LOGGED_IN";
    case CKR_DEVICE_ERROR:
      return "CKR_DEVICE_ERROR";
    case CKR_GENERAL_ERROR:
      return "CKR_GENERAL_ERROR";
    case CKR_TEMPLATE_INCONSISTENT:
      return "CKR_TEMPLATE_INCONSISTENT";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "CKR 0x%08lx", static_cast<unsigned long>(rv));
      return buf;
    }
  }
}

StatusOr<std::shared_ptr<Pkcs11Session>> Pkcs11Session::Open(std::string_view uri_text,
                                                             const Pkcs11Options& options,
                                                             bool read_write, KeyName* name) {
  std::unique_ptr<P11KitUri, UriFree> uri(p11_kit_uri_new());
  const std::string full(uri_text);
  const std::string text = Redacted(uri_text);  // what messages show
  const int parsed = p11_kit_uri_parse(full.c_str(), P11_KIT_URI_FOR_ANY, uri.get());
  if (parsed != P11_KIT_URI_OK) {
    return Status::InvalidArgument("PKCS#11 URI '" + text + "'", p11_kit_uri_message(parsed));
  }
  if (p11_kit_uri_any_unrecognized(uri.get())) {
    return Status::InvalidArgument("PKCS#11 URI '" + text + "'",
                                   "has attributes this version does not know (RFC 7512)");
  }
  name->label = AttributeText(uri.get(), CKA_LABEL, &name->has_label);
  name->id = AttributeText(uri.get(), CKA_ID, &name->has_id);
  bool has_class = false;
  const std::string object_class = AttributeText(uri.get(), CKA_CLASS, &has_class);
  if (has_class &&
      (object_class.size() != sizeof(CK_OBJECT_CLASS) ||
       *reinterpret_cast<const CK_OBJECT_CLASS*>(object_class.data()) != CKO_PRIVATE_KEY)) {
    return Status::InvalidArgument("PKCS#11 URI '" + text + "'",
                                   "type must be private: it names the signing key");
  }

  std::shared_ptr<Pkcs11Session> s(new Pkcs11Session);
  const char* module_path = p11_kit_uri_get_module_path(uri.get());
  const std::string path = module_path != nullptr ? module_path : options.module_path;
  if (path.empty()) {
    return Status::InvalidArgument(
        "PKCS#11 URI '" + text + "'",
        "no module: give the token's PKCS#11 library (module-path= or --pkcs11-module)");
  }
  s->module_ = p11_kit_module_load(path.c_str(), 0);
  if (s->module_ == nullptr) {
    return Status::IOError("PKCS#11 module '" + path + "'", p11_kit_message());
  }
  CK_RV rv = p11_kit_module_initialize(s->module_);
  if (rv != CKR_OK) {
    return Status::IOError("PKCS#11 module '" + path + "'", "C_Initialize: " + ErrorName(rv));
  }
  s->initialized_ = true;

  CK_ULONG count = 0;
  rv = s->module_->C_GetSlotList(CK_TRUE, nullptr, &count);
  std::vector<CK_SLOT_ID> slots(count);
  if (rv == CKR_OK && count > 0) rv = s->module_->C_GetSlotList(CK_TRUE, slots.data(), &count);
  if (rv != CKR_OK) return Status::IOError("PKCS#11 module '" + path + "'", ErrorName(rv));
  slots.resize(count);
  std::vector<std::pair<CK_SLOT_ID, CK_TOKEN_INFO>> matches;
  std::string seen;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info;
    if (s->module_->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    seen += (seen.empty() ? "'" : ", '") + Trimmed(info.label, sizeof(info.label)) + "'";
    if (p11_kit_uri_match_token_info(uri.get(), &info) == 1) matches.emplace_back(slot, info);
  }
  if (matches.empty()) {
    return Status::NotFound("PKCS#11 URI '" + text + "'",
                            "no token matches (tokens: " + (seen.empty() ? "none" : seen) + ")");
  }
  if (matches.size() > 1) {
    return Status::InvalidArgument(
        "PKCS#11 URI '" + text + "'",
        std::to_string(matches.size()) + " tokens match; name one with token=");
  }
  const auto& [slot, info] = matches.front();
  s->token_label_ = Trimmed(info.label, sizeof(info.label));
  const CK_FLAGS flags = CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0);
  rv = s->module_->C_OpenSession(slot, flags, nullptr, nullptr, &s->session_);
  if (rv != CKR_OK) return Status::IOError(s->Where(), "C_OpenSession: " + ErrorName(rv));
  s->open_ = true;

  DTM_ASSIGN_OR_RETURN(std::string pin, PinOf(uri.get(), options));
  if (pin.empty()) {
    if ((info.flags & CKF_LOGIN_REQUIRED) == 0) return s;
    return Status::InvalidArgument(
        s->Where(), "needs a PIN: pin-value= or pin-source= in the URI, or --pin-file / --pin-env");
  }
  rv = s->module_->C_Login(s->session_, CKU_USER, reinterpret_cast<CK_UTF8CHAR*>(pin.data()),
                           pin.size());
  std::fill(pin.begin(), pin.end(), '\0');
  if (rv == CKR_PIN_INCORRECT) return Status::InvalidArgument(s->Where(), "wrong PIN");
  if (rv == CKR_PIN_LOCKED) return Status::InvalidArgument(s->Where(), "the PIN is locked");
  if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
    return Status::IOError(s->Where(), "C_Login: " + ErrorName(rv));
  }
  return s;
}

Pkcs11Session::~Pkcs11Session() {
  if (open_) {
    module_->C_Logout(session_);
    module_->C_CloseSession(session_);
  }
  if (initialized_) p11_kit_module_finalize(module_);
  if (module_ != nullptr) p11_kit_module_release(module_);
}

StatusOr<std::vector<CK_OBJECT_HANDLE>> Pkcs11Session::Find(CK_OBJECT_CLASS object_class,
                                                            const KeyName& name, size_t max) {
  std::vector<CK_ATTRIBUTE> tmpl;
  tmpl.push_back({CKA_CLASS, &object_class, sizeof(object_class)});
  std::string label = name.label;
  std::string id = name.id;
  if (name.has_label) tmpl.push_back({CKA_LABEL, label.data(), label.size()});
  if (name.has_id) tmpl.push_back({CKA_ID, id.data(), id.size()});
  CK_RV rv = module_->C_FindObjectsInit(session_, tmpl.data(), tmpl.size());
  if (rv != CKR_OK) return Status::IOError(Where(), "C_FindObjectsInit: " + ErrorName(rv));
  std::vector<CK_OBJECT_HANDLE> found(max);
  CK_ULONG count = 0;
  rv = module_->C_FindObjects(session_, found.data(), max, &count);
  module_->C_FindObjectsFinal(session_);
  if (rv != CKR_OK) return Status::IOError(Where(), "C_FindObjects: " + ErrorName(rv));
  found.resize(count);
  return found;
}

StatusOr<std::string> Pkcs11Session::Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE a{type, nullptr, 0};
  CK_RV rv = module_->C_GetAttributeValue(session_, object, &a, 1);
  if (rv == CKR_ATTRIBUTE_TYPE_INVALID || a.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
    return Status::NotFound(Where(), "the object has no attribute " + std::to_string(type));
  }
  if (rv != CKR_OK) return Status::IOError(Where(), "C_GetAttributeValue: " + ErrorName(rv));
  std::string value(a.ulValueLen, '\0');
  a.pValue = value.data();
  rv = module_->C_GetAttributeValue(session_, object, &a, 1);
  if (rv != CKR_OK) return Status::IOError(Where(), "C_GetAttributeValue: " + ErrorName(rv));
  value.resize(a.ulValueLen);
  return value;
}

StatusOr<std::string> Pkcs11Session::Sign(CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mechanism,
                                          std::string_view input) {
  CK_MECHANISM mech{mechanism, nullptr, 0};
  CK_RV rv = module_->C_SignInit(session_, &mech, key);
  if (rv != CKR_OK) return Status::IOError(Where(), "C_SignInit: " + ErrorName(rv));
  std::string data(input);
  CK_ULONG len = 0;
  rv = module_->C_Sign(session_, reinterpret_cast<CK_BYTE*>(data.data()), data.size(), nullptr,
                       &len);
  std::string sig(len, '\0');
  if (rv == CKR_OK) {
    rv = module_->C_Sign(session_, reinterpret_cast<CK_BYTE*>(data.data()), data.size(),
                         reinterpret_cast<CK_BYTE*>(sig.data()), &len);
  }
  if (rv != CKR_OK) return Status::IOError(Where(), "C_Sign: " + ErrorName(rv));
  sig.resize(len);
  return sig;
}

CK_RV Pkcs11Session::GenerateKeyPair(CK_MECHANISM_TYPE mechanism, CK_ATTRIBUTE* pub_template,
                                     CK_ULONG pub_n, CK_ATTRIBUTE* priv_template, CK_ULONG priv_n,
                                     CK_OBJECT_HANDLE* pub, CK_OBJECT_HANDLE* priv) {
  CK_MECHANISM mech{mechanism, nullptr, 0};
  return module_->C_GenerateKeyPair(session_, &mech, pub_template, pub_n, priv_template, priv_n,
                                    pub, priv);
}

CK_RV Pkcs11Session::DestroyObject(CK_OBJECT_HANDLE object) {
  return module_->C_DestroyObject(session_, object);
}

}  // namespace dtm::internal
