#include "base/strict_json.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace dtm::internal {

namespace {

using Json = nlohmann::json;

// nlohmann's message, cut: it quotes the token it stopped at, which can be a
// megabyte of digits.
std::string ParserProblem(const nlohmann::detail::exception& e) {
  constexpr size_t kMaxShown = 200;
  std::string message = e.what();
  if (message.size() > kMaxShown) message = message.substr(0, kMaxShown) + "...";
  return "not valid JSON: " + message;
}

// A first pass over the text that builds nothing: it checks the nesting, the
// number of values and duplicate member names, so that nlohmann's DOM is built
// only for documents within the limits (its callback parser is quadratic in
// the objects of an array, so it is not used).
class LimitChecker : public nlohmann::json_sax<Json> {
 public:
  std::string problem;

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override {
    objects_.emplace_back();
    return Open();
  }
  bool key(string_t& name) override {
    if (objects_.back().insert(name).second) return true;
    problem = "duplicate member \"" + name + "\"";
    return false;
  }
  bool end_object() override {
    objects_.pop_back();
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override { return Open(); }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    problem = ParserProblem(e);
    return false;
  }

 private:
  bool Value() {
    if (++values_ <= kMaxJsonValues) return true;
    problem = "more than " + std::to_string(kMaxJsonValues) + " values";
    return false;
  }
  bool Open() {
    if (++depth_ > kMaxJsonDepth) {
      problem = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
      return false;
    }
    return Value();
  }

  int depth_ = 0;
  size_t values_ = 0;
  std::vector<std::set<std::string>> objects_;  // member names of each open object
};

}  // namespace

StatusOr<nlohmann::json> ParseStrictJson(std::string_view text, std::string_view what) {
  // JSON text never holds a NUL byte (RFC 8259: not whitespace, escaped in
  // strings), and the parser would take one for the end of the text.
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return Status::Corruption(what, "not valid JSON: a NUL byte at offset " + std::to_string(nul));
  }
  // I-JSON (RFC 7493 2.1): no byte-order mark, which nlohmann would skip.
  if (text.starts_with("\xef\xbb\xbf")) {
    return Status::Corruption(what, "not I-JSON: a byte-order mark at offset 0");
  }
  try {
    LimitChecker checker;
    if (!Json::sax_parse(text.begin(), text.end(), &checker)) {
      return Status::Corruption(what, checker.problem);
    }
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    return Status::Corruption(what, ParserProblem(e));
  }
}

std::optional<std::string> FirstUnknownMember(const nlohmann::json& object,
                                              std::initializer_list<std::string_view> known) {
  if (!object.is_object()) return std::nullopt;
  for (const auto& [name, value] : object.items()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) return name;
  }
  return std::nullopt;
}

}  // namespace dtm::internal
