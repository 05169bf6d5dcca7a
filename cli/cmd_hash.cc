// dtm hash FILE...: the digests of files, as a manifest records them; with
// --document, of the text of a work (spec/documents.md, "Text"); with --url,
// the canonical form of URLs (spec/documents.md, "URLs").
#include <cstdio>

#include "cli_util.h"
#include "command.h"
#include "dtm/digest.h"
#include "dtm/documents.h"
#include "dtm/file_hash.h"
#include "dtm/file_io.h"

namespace dtm::cli {
namespace {

struct HashArgs {
  std::vector<std::string> inputs;
  bool document = false;
  bool url = false;
};

int HashFiles(const HashArgs& args) {
  int rc = kExitOk;
  std::string buffer;
  for (const std::string& f : args.inputs) {
    auto d = HashFile(f, &buffer);
    if (!d.ok()) {
      rc = ReportError("hash", d.status());
      continue;
    }
    // sha256sum's layout, with the size between digest and name.
    Print("sha256:%s  %llu  %s\n", ToHex(d->sha256).c_str(),
          static_cast<unsigned long long>(d->size), f.c_str());
  }
  return rc;
}

// The text digest a manifest records for a document whose text is the file's.
int HashDocuments(const HashArgs& args) {
  int rc = kExitOk;
  for (const std::string& f : args.inputs) {
    auto text = ReadSmallFile(f);
    if (!text.ok()) {
      rc = ReportError("hash", text.status());
      continue;
    }
    auto normalized = NormalizeText(*text);
    if (!normalized.ok()) {
      rc = ReportError("hash", normalized.status().WithContext(f));
      continue;
    }
    Print("text_sha256:%s  %zu  %s\n", ToHex(Sha256Of(*normalized)).c_str(), normalized->size(),
          f.c_str());
  }
  return rc;
}

int CanonicalUrls(const HashArgs& args) {
  int rc = kExitOk;
  for (const std::string& u : args.inputs) {
    auto canonical = CanonicalUrl(u);
    if (!canonical.ok()) {
      rc = ReportError("hash", canonical.status());
      continue;
    }
    Print("%s\n", canonical->c_str());
  }
  return rc;
}

DTM_REGISTER_COMMAND(
    hash,
    CommandSpec{
        "hash",
        "Print the SHA-256 and size of files, the text digest of documents, or "
        "canonical URLs, as a manifest records them",
        50, [](CLI::App* app) {
          auto args = std::make_shared<HashArgs>();
          app->add_option("inputs", args->inputs, "Files to hash (URLs with --url)")->required();
          auto* doc = app->add_flag("--document", args->document,
                                    "Each file is the text of one work: print its text digest "
                                    "(text_sha256) and normalized length (spec/documents.md)");
          app->add_flag("--url", args->url,
                        "Print the canonical form of each URL (spec/documents.md)")
              ->excludes(doc);
          return [args] {
            if (args->url) return CanonicalUrls(*args);
            return args->document ? HashDocuments(*args) : HashFiles(*args);
          };
        }});

}  // namespace
}  // namespace dtm::cli
