// Private: a logged-in session with one PKCS#11 token, chosen by an RFC 7512
// URI. Not thread-safe by itself; the caller serialises (Session::mutex()).
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "dtm/pkcs11.h"
#include "dtm/status.h"

namespace dtm::internal {

// The object attributes of a URI that name a key.
struct KeyName {
  std::string label;  // object=
  std::string id;     // id=, raw bytes
  bool has_label = false;
  bool has_id = false;
};

class Pkcs11Session {
 public:
  // Loads the module, finds the one token the URI names, opens a session
  // (read-write when `read_write`) and logs in with the URI's PIN or
  // options.pin. `*name` receives the URI's object attributes.
  static StatusOr<std::shared_ptr<Pkcs11Session>> Open(std::string_view uri,
                                                       const Pkcs11Options& options,
                                                       bool read_write, KeyName* name);
  ~Pkcs11Session();
  Pkcs11Session(const Pkcs11Session&) = delete;
  Pkcs11Session& operator=(const Pkcs11Session&) = delete;

  // The objects of `object_class` matching `name` (at most `max`).
  StatusOr<std::vector<CK_OBJECT_HANDLE>> Find(CK_OBJECT_CLASS object_class, const KeyName& name,
                                               size_t max);
  // One attribute's value; kNotFound when the object does not have it.
  StatusOr<std::string> Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
  // C_Sign with `mechanism` (no parameters).
  StatusOr<std::string> Sign(CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mechanism,
                             std::string_view input);
  // C_GenerateKeyPair; on success *pub and *priv are the new objects.
  CK_RV GenerateKeyPair(CK_MECHANISM_TYPE mechanism, CK_ATTRIBUTE* pub_template, CK_ULONG pub_n,
                        CK_ATTRIBUTE* priv_template, CK_ULONG priv_n, CK_OBJECT_HANDLE* pub,
                        CK_OBJECT_HANDLE* priv);
  CK_RV DestroyObject(CK_OBJECT_HANDLE object);

  const std::string& token_label() const { return token_label_; }
  std::mutex& mutex() { return mutex_; }
  // "token 'lab'", for messages.
  std::string Where() const { return "token '" + token_label_ + "'"; }
  // A readable name for a PKCS#11 return value: "CKR_PIN_INCORRECT".
  static std::string ErrorName(CK_RV rv);

 private:
  Pkcs11Session() = default;

  CK_FUNCTION_LIST* module_ = nullptr;
  bool initialized_ = false;
  CK_SESSION_HANDLE session_ = 0;
  bool open_ = false;
  std::string token_label_;
  std::mutex mutex_;
};

}  // namespace dtm::internal
