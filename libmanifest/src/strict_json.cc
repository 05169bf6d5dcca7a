#include "strict_json.h"

#include <set>
#include <string>
#include <vector>

namespace dtm {

StatusOr<nlohmann::json> ParseStrictJson(std::string_view text, std::string_view what) {
  using Json = nlohmann::json;
  std::vector<std::set<std::string>> objects;  // member names of each open object
  std::string problem;
  auto check = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (!problem.empty()) return true;
    if (depth > kMaxJsonDepth) {
      problem = "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    } else if (event == Json::parse_event_t::object_start) {
      objects.emplace_back();
    } else if (event == Json::parse_event_t::object_end && !objects.empty()) {
      objects.pop_back();
    } else if (event == Json::parse_event_t::key && !objects.empty()) {
      const std::string& name = parsed.get_ref<const std::string&>();
      if (!objects.back().insert(name).second) problem = "duplicate member \"" + name + "\"";
    }
    return true;
  };
  try {
    Json value = Json::parse(text.begin(), text.end(), check);
    if (!problem.empty()) return Status::Corruption(what, problem);
    return value;
  } catch (const Json::exception& e) {
    return Status::Corruption(what, std::string("not valid JSON: ") + e.what());
  }
}

}  // namespace dtm
