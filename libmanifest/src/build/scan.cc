// dtm init --scan: a first spec for an existing folder (dtm/scan.h).
#include "dtm/scan.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "base/text.h"
#include "dtm/file_io.h"
#include "dtm/format.h"
#include "dtm/records.h"
#include "files/walker.h"

namespace dtm {
namespace {

using internal::WalkEntry;

constexpr size_t kMaxExtensions = 256;

struct FileKind {
  const char* extension;
  const char* modality;  // "" when the extension says nothing about it
  const char* media_type;
};

// Extensions whose media type and modality are clear. Containers (tar,
// parquet, gz) have a media type but no modality of their own.
constexpr FileKind kKinds[] = {
    {"txt", "text", "text/plain"},
    {"md", "text", "text/markdown"},
    {"json", "text", "application/json"},
    {"jsonl", "text", "application/x-ndjson"},
    {"ndjson", "text", "application/x-ndjson"},
    {"csv", "text", "text/csv"},
    {"tsv", "text", "text/tab-separated-values"},
    {"html", "text", "text/html"},
    {"htm", "text", "text/html"},
    {"xml", "text", "application/xml"},
    {"pdf", "text", "application/pdf"},
    {"epub", "text", "application/epub+zip"},
    {"warc", "text", "application/warc"},
    {"py", "code", "text/x-python"},
    {"c", "code", "text/x-c"},
    {"h", "code", "text/x-c"},
    {"cc", "code", "text/x-c++"},
    {"cpp", "code", "text/x-c++"},
    {"hpp", "code", "text/x-c++"},
    {"rs", "code", "text/x-rust"},
    {"go", "code", "text/x-go"},
    {"java", "code", "text/x-java"},
    {"js", "code", "text/javascript"},
    {"sh", "code", "application/x-sh"},
    {"jpg", "image", "image/jpeg"},
    {"jpeg", "image", "image/jpeg"},
    {"png", "image", "image/png"},
    {"webp", "image", "image/webp"},
    {"gif", "image", "image/gif"},
    {"tif", "image", "image/tiff"},
    {"tiff", "image", "image/tiff"},
    {"svg", "image", "image/svg+xml"},
    {"wav", "audio", "audio/wav"},
    {"flac", "audio", "audio/flac"},
    {"mp3", "audio", "audio/mpeg"},
    {"ogg", "audio", "audio/ogg"},
    {"opus", "audio", "audio/opus"},
    {"mp4", "video", "video/mp4"},
    {"mkv", "video", "video/x-matroska"},
    {"webm", "video", "video/webm"},
    {"mov", "video", "video/quicktime"},
    {"avi", "video", "video/x-msvideo"},
    {"tar", "", "application/x-tar"},
    {"parquet", "", "application/vnd.apache.parquet"},
    {"arrow", "", "application/vnd.apache.arrow.file"},
    {"gz", "", "application/gzip"},
    {"zst", "", "application/zstd"},
    {"zip", "", "application/zip"},
};

const FileKind* KindOf(std::string_view extension) {
  for (const FileKind& k : kKinds) {
    if (extension == k.extension) return &k;
  }
  return nullptr;
}

// The lower-case extension of a file name, "" when it has none.
std::string Extension(std::string_view name) {
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size()) return "";
  std::string ext(name.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

bool IsVcsFolder(std::string_view name) {
  return name == ".git" || name == ".hg" || name == ".svn";
}

// A source id from a folder name: lower case, other bytes as '-'.
std::string IdFrom(std::string_view name) {
  std::string id;
  for (char c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    id += ok ? c : '-';
  }
  while (!id.empty() && !std::isalnum(static_cast<unsigned char>(id.front()))) id.erase(0, 1);
  if (id.size() > 100) id.resize(100);
  return id.empty() ? "source" : id;
}

// `name` with the bytes a pattern treats specially made literal.
// A pattern matching `name` alone, as far as a pattern can say it: a byte
// that a spec's UTF-8 cannot hold (one the escaped form writes as \xHH) is
// `?`, which matches any one byte.
std::string GlobLiteral(std::string_view name) {
  std::string out;
  for (size_t i = 0; i < name.size();) {
    const char c = name[i];
    const size_t len = c == '\\' ? 1 : internal::Utf8SequenceAt(name, i);
    if (len == 0 || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += '?';
      ++i;
      continue;
    }
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out.append(name.substr(i, len));
    i += len;
  }
  return out;
}

// "1 file", "2 files".
std::string Counted(uint64_t n, const std::string& noun) {
  return GroupDigits(n) + " " + noun + (n == 1 ? "" : "s");
}

// A YAML double-quoted scalar.
std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct Tally {
  ScannedSource source;
  std::map<std::string, std::pair<uint64_t, uint64_t>> extensions;  // bytes, files
  uint64_t other_extension_files = 0;
};

class Scanner {
 public:
  explicit Scanner(const ProgressFn& progress) : progress_(progress) {}

  Status Run(const std::string& root) {
    internal::WalkOptions options;  // links are reported, never followed
    auto descend = [&](std::string_view dir) {
      const size_t slash = dir.rfind('/');
      const std::string_view name = slash == std::string_view::npos ? dir : dir.substr(slash + 1);
      if (!IsVcsFolder(name)) return true;
      if (dir.find('/') == std::string_view::npos) {
        ++top_vcs_;  // a top-level VCS folder is no source
      } else {
        ++TallyFor(dir).source.vcs_folders;
      }
      return false;
    };
    return internal::WalkTree(root, options, descend, [&](const WalkEntry& e) { return Visit(e); });
  }

  ScanResult Finish(const std::string& dataset_name) {
    ScanResult result;
    // Too many top-level folders for one source each: one source for all.
    if (tallies_.size() > kMaxScannedSources) {
      Tally all;
      all.source.folder = "";
      for (auto& [folder, t] : tallies_) Merge(t, &all);
      tallies_.clear();
      tallies_.emplace("", std::move(all));
    }
    std::map<std::string, int> ids;
    for (auto& [folder, t] : tallies_) {
      ScannedSource s = std::move(t.source);
      Guess(t, &s);
      s.id = folder.empty()         ? IdFrom(dataset_name)
             : folder == kRootFiles ? "top-level-files"
                                    : IdFrom(folder);
      if (const int n = ++ids[s.id]; n > 1) s.id += "-" + std::to_string(n);
      s.pattern = folder.empty() ? "**" : folder == kRootFiles ? "*" : GlobLiteral(folder) + "/**";
      result.files += s.files;
      result.bytes += s.bytes;
      result.symlinks += s.symlinks;
      result.special_files += s.special_files;
      result.bad_names += s.bad_names;
      result.sources.push_back(std::move(s));
    }
    std::sort(result.sources.begin(), result.sources.end(),
              [](const ScannedSource& a, const ScannedSource& b) { return a.id < b.id; });
    result.spec_text = SpecText(result, dataset_name);
    result.todos = CountTodos(result.spec_text);
    return result;
  }

 private:
  static constexpr const char* kRootFiles = "\x01root";  // no folder is named so

  Tally& TallyFor(std::string_view rel_path) {
    const size_t slash = rel_path.find('/');
    const std::string top = slash == std::string_view::npos
                                ? std::string(kRootFiles)
                                : std::string(rel_path.substr(0, slash));
    Tally& t = tallies_[top];
    if (t.source.folder.empty() && top != kRootFiles) t.source.folder = top;
    return t;
  }

  Status Visit(const WalkEntry& e) {
    if (e.rel_path.find('/') == std::string::npos && e.rel_path == "dtm.yaml") return Status::Ok();
    Tally& t = TallyFor(e.rel_path);
    ScannedSource& s = t.source;
    if (!ValidateRawFileName(e.rel_path).ok()) ++s.bad_names;
    if (e.type == WalkEntry::Type::kSymlink) {
      ++s.symlinks;
      return Status::Ok();
    }
    if (e.type != WalkEntry::Type::kRegular) {
      ++s.special_files;
      return Status::Ok();
    }
    const uint64_t size = e.is_listed ? e.listed.size : 0;
    ++s.files;
    s.bytes += size;
    const size_t slash = e.rel_path.rfind('/');
    std::string ext = Extension(std::string_view(e.rel_path).substr(slash + 1));
    if (auto it = t.extensions.find(ext); it != t.extensions.end()) {
      it->second.first += size;
      ++it->second.second;
    } else if (t.extensions.size() < kMaxExtensions) {
      t.extensions.emplace(std::move(ext), std::pair<uint64_t, uint64_t>{size, 1});
    } else {
      ++t.other_extension_files;
    }
    if (progress_ && (++seen_ % 4096) == 0) {
      Progress p;
      p.phase = "scanning";
      p.files_done = seen_;
      progress_(p);
    }
    return Status::Ok();
  }

  static void Merge(Tally& from, Tally* into) {
    ScannedSource& a = into->source;
    const ScannedSource& b = from.source;
    a.files += b.files;
    a.bytes += b.bytes;
    a.symlinks += b.symlinks;
    a.special_files += b.special_files;
    a.bad_names += b.bad_names;
    a.vcs_folders += b.vcs_folders;
    for (auto& [ext, amount] : from.extensions) {
      auto& to = into->extensions[ext];
      to.first += amount.first;
      to.second += amount.second;
    }
    into->other_extension_files += from.other_extension_files;
  }

  // The modality with the most bytes among known extensions, the media types
  // of the known extensions by bytes, and what the guess rests on.
  static void Guess(const Tally& t, ScannedSource* s) {
    std::vector<std::pair<uint64_t, std::string>> by_bytes;
    std::map<std::string, uint64_t> modality_bytes;
    for (const auto& [ext, amount] : t.extensions) {
      by_bytes.emplace_back(amount.first, ext);
      if (const FileKind* k = KindOf(ext); k && *k->modality)
        modality_bytes[k->modality] += amount.first + 1;
    }
    std::sort(by_bytes.begin(), by_bytes.end(), std::greater<>());
    s->modality = "other";
    uint64_t best = 0;
    for (const auto& [modality, bytes] : modality_bytes) {
      if (bytes > best) {
        best = bytes;
        s->modality = modality;
      }
    }
    std::vector<std::string> evidence;
    for (const auto& [bytes, ext] : by_bytes) {
      const FileKind* k = KindOf(ext);
      if (k &&
          std::find(s->media_types.begin(), s->media_types.end(), k->media_type) ==
              s->media_types.end() &&
          s->media_types.size() < 8) {
        s->media_types.push_back(k->media_type);
      }
      if (evidence.size() < 4) {
        evidence.push_back(GroupDigits(t.extensions.at(ext).second) + " " +
                           (ext.empty() ? "without extension" : "." + ext) + " (" +
                           HumanBytes(bytes) + ")");
      }
    }
    for (const std::string& e : evidence) s->evidence += (s->evidence.empty() ? "" : ", ") + e;
  }

  static std::string SpecText(const ScanResult& r, const std::string& dataset_name);
  static uint64_t CountTodos(const std::string& text);

  ProgressFn progress_;
  std::map<std::string, Tally> tallies_;
  uint64_t top_vcs_ = 0;
  uint64_t seen_ = 0;
};

std::string Scanner::SpecText(const ScanResult& r, const std::string& dataset_name) {
  std::ostringstream y;
  y << "# dtm.yaml written by `dtm init --scan` (spec/spec-file.md). It records what the scan "
       "could\n"
       "# measure; every value written TODO is a fact only you know, and `dtm build` refuses the\n"
       "# spec until each one is filled in. Patterns are relative to the data root: build with\n"
       "# `dtm build dtm.yaml -o data.dtm` from beside the data, or `--root DIR`.\n"
    << "#\n# Found: " << Counted(r.files, "file") << " (" << HumanBytes(r.bytes) << ") in "
    << Counted(r.sources.size(), "source") << "; " << Counted(r.symlinks, "symbolic link") << ", "
    << Counted(r.special_files, "special file") << ", " << Counted(r.bad_names, "name")
    << " that need the escaped form.\n"
    << "dtm: 1\n\n"
    << "dataset:\n"
    << "  name: " << Quoted(IdFrom(dataset_name)) << "   # a stable name for the dataset\n"
    << "  version: TODO               # your version label, e.g. \"2026.12\"\n"
    << "  description: TODO           # what the dataset is, in a sentence or two\n\n"
    << "publisher:\n"
    << "  name: TODO                  # who is accountable for this manifest\n"
    << "  contact: TODO               # an e-mail address or URL for questions\n\n"
    << "# models:                     # the models trained on this data, where known\n"
    << "#   - {name: my-model, version: \"1.0\"}\n\n";
  if (r.symlinks > 0) {
    y << "# " << GroupDigits(r.symlinks)
      << " symbolic links were found: choose skip (left out, counted in the\n"
         "# manifest) or follow (only links whose target stays inside the data root).\n"
         "symlinks: TODO\n\n";
  }
  if (r.special_files > 0) {
    y << "# " << GroupDigits(r.special_files)
      << " FIFOs, sockets or devices were found; they are never opened.\n"
         "special_files: skip\n\n";
  }
  if (r.bad_names > 0) {
    y << "# " << GroupDigits(r.bad_names)
      << " names are not UTF-8, or hold control characters or backslashes: escape\n"
         "# records them in the escaped form of spec/container.md (caf\\xE9.txt), error "
         "refuses them.\n"
         "file_names: escape\n\n";
  }
  y << "sources:\n";
  for (const ScannedSource& s : r.sources) {
    y << "\n  # "
      << (s.folder.empty() ? std::string("the whole data root")
                           : "folder " + internal::Printable(
                                             s.folder, internal::ControlCharacters::kShowEscaped))
      << ": " << GroupDigits(s.files) << " files, " << HumanBytes(s.bytes);
    if (!s.evidence.empty()) y << "; " << s.evidence;
    y << "\n";
    if (s.bad_names > 0) {
      y << "  # " << GroupDigits(s.bad_names)
        << " names here are recorded escaped (not UTF-8, control characters, backslashes)\n";
    }
    y << "  - id: " << s.id << "\n"
      << "    name: TODO                # a human-readable name\n"
      << "    description: TODO         # where the data comes from and what it holds\n"
      << "    modality: " << s.modality
      << "            # guessed from the file types: text, code, image, audio, video or other\n"
      << "    content_types: [TODO]     # the kinds of content in words: \"news articles\", "
         "\"source code\"\n";
    if (!s.media_types.empty()) {
      y << "    media_types: [";
      for (size_t i = 0; i < s.media_types.size(); ++i) y << (i ? ", " : "") << s.media_types[i];
      y << "]\n";
    }
    y << "    license:\n"
      << "      expression: TODO        # an SPDX expression (CC-BY-4.0, MIT OR Apache-2.0) or "
         "LicenseRef-...\n"
      << "      claim_source: TODO      # author, hosting_site, contract, lab_assessment or "
         "terms_of_service\n"
      << "    provenance:\n"
      << "      acquisition: TODO       # public_dataset, crawled, licensed, purchased, "
         "third_party_private,\n"
      << "                              # user_data, generated_by_model, human_written or other\n"
      << "    data:\n"
      << "      include: [" << Quoted(s.pattern) << "]\n";
    std::vector<std::string> excludes;
    if (s.pattern == "*" || s.pattern == "**") excludes.push_back("dtm.yaml");
    if (s.vcs_folders > 0) {
      for (const char* vcs : {"**/.git/**", "**/.hg/**", "**/.svn/**"}) excludes.push_back(vcs);
    }
    if (!excludes.empty()) {
      y << "      exclude: [";
      for (size_t i = 0; i < excludes.size(); ++i) y << (i ? ", " : "") << Quoted(excludes[i]);
      y << "]" << (s.vcs_folders > 0 ? "   # version control folders" : "") << "\n";
    }
  }
  return y.str();
}

uint64_t Scanner::CountTodos(const std::string& text) {
  uint64_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const size_t hash = line.find('#');
    const std::string code = line.substr(0, hash);
    for (size_t at = code.find("TODO"); at != std::string::npos; at = code.find("TODO", at + 4))
      ++n;
  }
  return n;
}

}  // namespace

StatusOr<ScanResult> ScanDataFolder(const std::string& data_root, const std::string& dataset_name,
                                    const ProgressFn& progress) {
  struct stat st;
  if (::stat(data_root.c_str(), &st) != 0) {
    return Status::NotFound(internal::QuoteForMessage(data_root) + ": no such folder");
  }
  if (!S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument(internal::QuoteForMessage(data_root) + " is not a folder");
  }
  Scanner scanner(progress);
  DTM_RETURN_IF_ERROR(scanner.Run(data_root).WithContext("scanning " + data_root));
  return scanner.Finish(dataset_name);
}

StatusOr<ScanResult> WriteScannedSpec(const std::string& data_root, const std::string& spec_path,
                                      const ProgressFn& progress) {
  struct stat st;
  if (::lstat(spec_path.c_str(), &st) == 0) {
    return Status::InvalidArgument(internal::QuoteForMessage(spec_path) +
                                   " already exists; dtm init --scan never overwrites a spec");
  }
  std::string name = data_root;
  while (name.size() > 1 && name.back() == '/') name.pop_back();
  const size_t slash = name.rfind('/');
  if (slash != std::string::npos) name = name.substr(slash + 1);
  if (name == "." || name.empty()) name = "dataset";
  DTM_ASSIGN_OR_RETURN(ScanResult result, ScanDataFolder(data_root, name, progress));
  DTM_RETURN_IF_ERROR(WriteFileAtomically(spec_path, result.spec_text, 0644, false));
  return result;
}

}  // namespace dtm
