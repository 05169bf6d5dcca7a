// Loading and validating dtm.yaml (spec/spec-file.md).
#include "dtm/buildspec.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>

#include "buildspec/rules.h"
#include "dtm/documents.h"
#include "dtm/records.h"
#include "dtm/spdx.h"
#include "files/path_glob.h"
#include "yaml/yaml_to_proto.h"

namespace dtm {

using internal::ElementPath;
using internal::FieldPath;
using internal::GlobPattern;
using internal::ParseYamlDocument;
using internal::QuoteForMessage;
using internal::ReadYamlFile;
using internal::SpecRules;
using internal::YamlEntry;
using internal::YamlError;
using internal::YamlLocation;
using internal::YamlMark;
using internal::YamlNode;
using internal::YamlToProto;

namespace {

// Loads one document. Not thread-safe; one per call of ParseBuildSpec.
class SpecLoader {
 public:
  SpecLoader(const std::string& file, const std::string& base_dir, size_t text_bytes)
      : yaml_(file, YamlToProto::BudgetFor(text_bytes)), base_dir_(base_dir) {}

  // The top-level keys that say what the walk does with links, special files
  // and names that need escaping.
  Status SetWalkPolicy(const std::string& key, const std::string& value, BuildSpec* spec) {
    if (key == "symlinks") {
      auto policy = ParseSymlinkPolicy(value);
      if (!policy.ok()) return rules_.Fail(key, policy.status().message());
      spec->symlinks = *policy;
    } else if (key == "file_names") {
      auto policy = ParseFileNamePolicy(value);
      if (!policy.ok()) return rules_.Fail(key, policy.status().message());
      spec->file_names = *policy;
    } else {
      if (value != "error" && value != "skip") {
        return rules_.Fail(key, "expected error or skip, not " + QuoteForMessage(value));
      }
      spec->skip_special = value == "skip";
    }
    return Status::Ok();
  }

  StatusOr<BuildSpec> Load(const YamlNode& root);

 private:
  Status CheckVersion(const YamlNode& root);
  // The first value left as the placeholder TODO (dtm init --scan writes
  // them), as an error naming its path; OK when there is none.
  Status CheckNoTodo(const YamlNode& node, const std::string& path);
  Status LoadPrevious(const YamlEntry& entry, BuildSpec* spec);
  Status LoadSources(const YamlNode& node, BuildSpec* spec);
  Status LoadData(const YamlNode& node, const std::string& path, SourceSpec* spec);
  Status LoadDeclaredFiles(const YamlNode& node, const std::string& path, SourceSpec* spec);
  Status LoadDocumentRule(const YamlNode& node, const std::string& path, SourceSpec* spec);
  // Resolves a spec-relative path and checks that it names a regular file.
  StatusOr<std::string> ExistingFile(const std::string& value, const std::string& path);

  YamlToProto yaml_;
  SpecRules rules_{yaml_};
  std::string base_dir_;
  YamlMark root_mark_;
};

Status SpecLoader::CheckNoTodo(const YamlNode& node, const std::string& path) {
  if (node.IsScalar() && node.Scalar() == "TODO") {
    return yaml_.Error(node.Mark(), path,
                       "still TODO: fill it in (dtm init --scan left it for you; the comment "
                       "beside it says what it asks)");
  }
  for (size_t i = 0; i < node.items().size(); ++i) {
    DTM_RETURN_IF_ERROR(CheckNoTodo(node.items()[i], ElementPath(path, i)));
  }
  for (const auto& [key, value] : node.pairs()) {
    DTM_RETURN_IF_ERROR(
        CheckNoTodo(value, path.empty() ? key.Scalar() : FieldPath(path, key.Scalar())));
  }
  return Status::Ok();
}

Status SpecLoader::CheckVersion(const YamlNode& root) {
  const YamlNode* found = root.Find("dtm");
  if (found == nullptr) {
    return yaml_.Error(root_mark_, "dtm", "missing; a spec starts with 'dtm: 1'");
  }
  const YamlNode& version = *found;
  const std::string problem = "unsupported spec version; this dtm reads 'dtm: 1'";
  if (!version.IsScalar()) return yaml_.Error(version.Mark(), "dtm", problem);
  if (version.Scalar() != "1") {
    return yaml_.Error(version.Mark(), "dtm",
                       "unsupported spec version " + QuoteForMessage(version.Scalar()) +
                           "; this dtm reads 'dtm: 1'");
  }
  return Status::Ok();
}

StatusOr<BuildSpec> SpecLoader::Load(const YamlNode& root) {
  root_mark_ = root.Mark();
  if (!root.IsMap()) {
    return yaml_.Error(root_mark_, "",
                       std::string("a spec is a mapping of keys to values, got ") +
                           (root.IsSequence() ? "a sequence"
                            : root.IsNull()   ? "null"
                                              : "a scalar"));
  }
  DTM_RETURN_IF_ERROR(CheckVersion(root));
  DTM_RETURN_IF_ERROR(CheckNoTodo(root, ""));
  BuildSpec spec;
  spec.base_dir = base_dir_;
  YamlToProto::Options top;
  top.only_fields = {"dataset", "publisher", "models"};
  top.extra_keys = {"dtm", "previous", "sources", "symlinks", "special_files", "file_names"};
  std::vector<YamlEntry> extras;
  DTM_RETURN_IF_ERROR(yaml_.ToMessage(root, &spec.header, "", top, &extras));
  const YamlNode* sources = nullptr;
  for (const YamlEntry& entry : extras) {
    yaml_.RecordMark(entry.key, entry.key_node, entry.value);
    if (entry.key == "previous") DTM_RETURN_IF_ERROR(LoadPrevious(entry, &spec));
    if (entry.key == "sources") sources = &entry.value;
    if (entry.key == "symlinks" || entry.key == "special_files" || entry.key == "file_names") {
      auto value = yaml_.String(entry.value, entry.key);
      if (!value.ok()) return value.status();
      DTM_RETURN_IF_ERROR(SetWalkPolicy(entry.key, *value, &spec));
    }
  }
  DTM_RETURN_IF_ERROR(rules_.CheckHeader(spec.header));
  if (sources == nullptr) {
    return yaml_.Error(root_mark_, "sources", "missing; at least one source is required");
  }
  DTM_RETURN_IF_ERROR(LoadSources(*sources, &spec));
  return spec;
}

Status SpecLoader::LoadPrevious(const YamlEntry& entry, BuildSpec* spec) {
  if (entry.value.IsNull()) return Status::Ok();
  YamlToProto::Options options;
  options.extra_keys = {"manifest"};
  std::vector<YamlEntry> extras;
  v1::PreviousVersion* previous = spec->header.mutable_previous();
  DTM_RETURN_IF_ERROR(yaml_.ToMessage(entry.value, previous, "previous", options, &extras));
  if (extras.empty()) return rules_.CheckExplicitPrevious(*previous);
  const YamlEntry& manifest = extras.front();
  yaml_.RecordMark("previous.manifest", manifest.key_node, manifest.value);
  DTM_ASSIGN_OR_RETURN(std::string value, yaml_.String(manifest.value, "previous.manifest"));
  DTM_RETURN_IF_ERROR(rules_.CheckPreviousFromManifest(*previous));
  DTM_ASSIGN_OR_RETURN(spec->previous_manifest, ExistingFile(value, "previous.manifest"));
  return Status::Ok();
}

Status SpecLoader::LoadSources(const YamlNode& node, BuildSpec* spec) {
  if (!node.IsSequence() && !node.IsNull()) {
    return yaml_.Error(node.Mark(), "sources", "expected a sequence of sources");
  }
  if (node.IsNull() || node.size() == 0) {
    return rules_.Fail("sources", "at least one source is required");
  }
  std::map<std::string, std::string> first_location_of_id;
  size_t index = 0;
  for (const YamlNode& element : node.items()) {
    const std::string path = ElementPath("sources", index++);
    SourceSpec source;
    source.location = YamlLocation(yaml_.file(), element.Mark());
    yaml_.RecordMark(path, element, element);
    YamlToProto::Options options;
    options.extra_keys = {"data"};
    std::vector<YamlEntry> extras;
    if (element.IsNull()) return yaml_.Error(element.Mark(), path, "null in a sequence");
    DTM_RETURN_IF_ERROR(yaml_.ToMessage(element, &source.source, path, options, &extras));
    if (source.source.has_documents()) {
      return rules_.Fail(FieldPath(path, "documents"),
                         "belongs in the source's data block (data.documents)");
    }
    DTM_RETURN_IF_ERROR(rules_.CheckSource(&source.source, spec->header, path));
    const std::string id_path = FieldPath(path, "id");
    const YamlMark id_mark = rules_.Where(id_path);
    const std::string id_location = YamlLocation(yaml_.file(), id_mark);
    auto [first, inserted] = first_location_of_id.emplace(source.source.id(), id_location);
    if (!inserted) {
      return yaml_.Error(id_mark, id_path,
                         "duplicate source id " + QuoteForMessage(source.source.id()) +
                             " (first at " + first->second + ")");
    }
    const std::string data_path = FieldPath(path, "data");
    if (extras.empty()) {
      return yaml_.Error(element.Mark(), data_path,
                         "missing; say where the files are with include, listing or files");
    }
    yaml_.RecordMark(data_path, extras.front().key_node, extras.front().value);
    DTM_RETURN_IF_ERROR(LoadData(extras.front().value, data_path, &source));
    spec->sources.push_back(std::move(source));
  }
  return Status::Ok();
}

Status SpecLoader::LoadData(const YamlNode& node, const std::string& path, SourceSpec* spec) {
  std::vector<YamlEntry> entries;
  if (!node.IsNull()) {
    DTM_RETURN_IF_ERROR(yaml_.Entries(
        node, path,
        {"include", "exclude", "exclude_from", "listing", "files", "documents", "document_listing"},
        &entries));
  }
  for (const YamlEntry& entry : entries) {
    const std::string entry_path = FieldPath(path, entry.key);
    yaml_.RecordMark(entry_path, entry.key_node, entry.value);
    if (entry.key == "include" || entry.key == "exclude") {
      std::vector<YamlMark> marks;
      DTM_ASSIGN_OR_RETURN(std::vector<std::string> patterns,
                           yaml_.StringList(entry.value, entry_path, &marks));
      for (size_t i = 0; i < patterns.size(); ++i) {
        StatusOr<GlobPattern> pattern = GlobPattern::Parse(patterns[i]);
        if (!pattern.ok()) {
          return yaml_.Error(marks[i], ElementPath(entry_path, i), pattern.status().message());
        }
      }
      (entry.key == "include" ? spec->include : spec->exclude) = std::move(patterns);
    } else if (entry.key == "exclude_from") {
      std::vector<YamlMark> marks;
      DTM_ASSIGN_OR_RETURN(std::vector<std::string> files,
                           yaml_.StringList(entry.value, entry_path, &marks));
      for (size_t i = 0; i < files.size(); ++i) {
        DTM_ASSIGN_OR_RETURN(std::string file, ExistingFile(files[i], ElementPath(entry_path, i)));
        spec->exclude_from.push_back(std::move(file));
      }
    } else if (entry.key == "documents") {
      DTM_RETURN_IF_ERROR(LoadDocumentRule(entry.value, entry_path, spec));
    } else if (entry.key == "document_listing") {
      DTM_ASSIGN_OR_RETURN(std::string listing, yaml_.String(entry.value, entry_path));
      if (listing.empty()) return rules_.Fail(entry_path, "must not be empty or null");
      DTM_ASSIGN_OR_RETURN(spec->document_listing, ExistingFile(listing, entry_path));
    } else if (entry.key == "listing") {
      DTM_ASSIGN_OR_RETURN(std::string listing, yaml_.String(entry.value, entry_path));
      if (listing.empty()) return rules_.Fail(entry_path, "must not be empty or null");
      DTM_ASSIGN_OR_RETURN(spec->listing, ExistingFile(listing, entry_path));
    } else {
      DTM_RETURN_IF_ERROR(LoadDeclaredFiles(entry.value, entry_path, spec));
    }
  }
  if (spec->include.empty() && spec->listing.empty() && spec->declared.empty()) {
    return rules_.Fail(path, "give at least one of include, listing or files");
  }
  if (!spec->document_listing.empty() && spec->source.has_documents()) {
    return rules_.Fail(
        FieldPath(path, "document_listing"),
        "give documents (found in the files) or document_listing (declared), not both");
  }
  return Status::Ok();
}

Status SpecLoader::LoadDocumentRule(const YamlNode& node, const std::string& path,
                                    SourceSpec* spec) {
  if (!node.IsMap()) return yaml_.Error(node.Mark(), path, "expected a mapping");
  v1::DocumentRule* rule = spec->source.mutable_documents();
  DTM_RETURN_IF_ERROR(yaml_.ToMessage(node, rule, path, YamlToProto::Options()));
  if (Status s = ValidateDocumentRule(*rule); !s.ok()) {
    const std::string field = s.message().substr(0, s.message().find(':'));
    const YamlMark* mark = yaml_.MarkOf(FieldPath(path, field));
    return yaml_.Error(mark != nullptr ? *mark : node.Mark(),
                       mark != nullptr ? FieldPath(path, field) : path,
                       s.message().substr(s.message().find(':') + 2));
  }
  return Status::Ok();
}

Status SpecLoader::LoadDeclaredFiles(const YamlNode& node, const std::string& path,
                                     SourceSpec* spec) {
  if (node.IsNull()) return Status::Ok();
  if (!node.IsSequence()) return yaml_.Error(node.Mark(), path, "expected a sequence of files");
  YamlToProto::Options options;
  options.only_fields = {"path", "size", "sha256"};
  options.record_marks = false;  // a spec may declare many files
  size_t index = 0;
  for (const YamlNode& element : node.items()) {
    const std::string element_path = ElementPath(path, index++);
    if (!element.IsMap()) {
      return yaml_.Error(element.Mark(), element_path, "expected a mapping {path, size, sha256}");
    }
    v1::FileEntry entry;
    DTM_RETURN_IF_ERROR(yaml_.ToMessage(element, &entry, element_path, options));
    for (const char* key : {"path", "size", "sha256"}) {
      if (const YamlNode* value = element.Find(key); value == nullptr || value->IsNull()) {
        return yaml_.Error(element.Mark(), FieldPath(element_path, key), "missing");
      }
    }
    if (Status s = ValidateRelativePath(entry.path()); !s.ok()) {
      return yaml_.Error(element.Find("path")->Mark(), FieldPath(element_path, "path"),
                         "bad path " + QuoteForMessage(entry.path()) + ": " + s.message());
    }
    spec->declared.push_back(DeclaredFile{std::move(*entry.mutable_path()), entry.size(),
                                          DigestFromBytes(entry.sha256())});
  }
  return Status::Ok();
}

StatusOr<std::string> SpecLoader::ExistingFile(const std::string& value, const std::string& path) {
  if (value.empty()) return yaml_.Error(rules_.Where(path), path, "must not be empty or null");
  const std::filesystem::path given(value);
  const std::string resolved = given.is_absolute() || base_dir_.empty()
                                   ? value
                                   : (std::filesystem::path(base_dir_) / given).string();
  struct stat st;
  const YamlMark mark = rules_.Where(path);
  if (stat(resolved.c_str(), &st) != 0) {
    return yaml_.Error(mark, path, "cannot find " + QuoteForMessage(resolved));
  }
  if (!S_ISREG(st.st_mode)) {
    return yaml_.Error(mark, path, QuoteForMessage(resolved) + " is not a regular file");
  }
  return resolved;
}

}  // namespace

namespace {

// After validation: each license expression in its normalized spelling
// (spec/license.md: "mit or apache-2.0" is recorded as "MIT OR Apache-2.0"),
// and a warning for each list id that the list marks deprecated.
void FinishLicenses(BuildSpec* spec) {
  for (SourceSpec& s : spec->sources) {
    auto parsed = ParseLicenseExpression(s.source.license().expression());
    if (!parsed.ok()) continue;  // cannot happen: the loader checked it
    s.source.mutable_license()->set_expression(parsed->normalized);
    for (const std::string& id : parsed->deprecated_ids) {
      spec->warnings.push_back(s.location + ": source '" + s.source.id() +
                               "': license.expression: '" + id +
                               "' is deprecated in the SPDX License List; use its current id");
    }
  }
}

}  // namespace

StatusOr<BuildSpec> ParseBuildSpec(std::string_view yaml_text, const std::string& path_for_messages,
                                   const std::string& base_dir) {
  DTM_ASSIGN_OR_RETURN(YamlNode root, ParseYamlDocument(yaml_text, path_for_messages));
  SpecLoader loader(path_for_messages, base_dir, yaml_text.size());
  StatusOr<BuildSpec> spec = loader.Load(root);
  if (!spec.ok()) return spec;
  spec->path = path_for_messages;
  spec->text_sha256 = Sha256Of(yaml_text);
  FinishLicenses(&*spec);
  return spec;
}

StatusOr<SymlinkPolicy> ParseSymlinkPolicy(std::string_view name) {
  if (name == "error") return SymlinkPolicy::kError;
  if (name == "skip") return SymlinkPolicy::kSkip;
  if (name == "follow") return SymlinkPolicy::kFollow;
  return Status::InvalidArgument("expected error, skip or follow, not " +
                                 internal::QuoteForMessage(name));
}

StatusOr<FileNamePolicy> ParseFileNamePolicy(std::string_view name) {
  if (name == "error") return FileNamePolicy::kError;
  if (name == "escape") return FileNamePolicy::kEscape;
  return Status::InvalidArgument("expected error or escape, not " +
                                 internal::QuoteForMessage(name));
}

StatusOr<BuildSpec> LoadBuildSpec(const std::string& path) {
  DTM_ASSIGN_OR_RETURN(std::string text, ReadYamlFile(path));
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  return ParseBuildSpec(text, path, base_dir.empty() ? "." : base_dir);
}

}  // namespace dtm
