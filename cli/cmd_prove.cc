// dtm prove MANIFEST (--url | --text | --document | --digest | --path | --source
// | --sources) -o PROOF: a proof about the signed manifest (spec/proof.md): a
// lookup proof that answers PRESENT or ABSENT, an inclusion proof of a source,
// or the complete list of sources.
#include <cstdio>
#include <memory>

#include "cli_util.h"
#include "command.h"
#include "dtm/documents.h"
#include "dtm/file_io.h"
#include "dtm/proof.h"
#include "dtm/records.h"

namespace dtm::cli {
namespace {

struct ProveArgs {
  std::string manifest;
  std::string url, text, document, digest, path, source;
  bool sources = false;
  std::string bundle;
  std::string output;
};

StatusOr<Sha256Digest> DigestOption(const std::string& value, const char* option) {
  auto digest = ParseSha256Hex(value);
  if (!digest.ok()) return digest.status().WithContext(option);
  return *digest;
}

StatusOr<ProofQuery> QueryOf(const ProveArgs& args) {
  using K = ProofQuery::Kind;
  ProofQuery query;
  if (!args.url.empty()) {
    auto url = CanonicalUrl(args.url);
    if (!url.ok()) return url.status().WithContext("--url");
    query.kind = K::kUrl;
    query.value = *url;
  } else if (!args.text.empty()) {
    query.kind = K::kText;
    DTM_ASSIGN_OR_RETURN(query.digest, DigestOption(args.text, "--text"));
  } else if (!args.document.empty()) {
    auto text = ReadSmallFile(args.document);
    if (!text.ok()) return text.status().WithContext("--document");
    auto digest = TextDigest(*text);
    if (!digest.ok()) return digest.status().WithContext("--document " + args.document);
    query.kind = K::kText;
    query.digest = *digest;
  } else if (!args.digest.empty()) {
    query.kind = K::kDigest;
    DTM_ASSIGN_OR_RETURN(query.digest, DigestOption(args.digest, "--digest"));
  } else if (!args.path.empty()) {
    // A name no manifest can record is refused rather than proved absent; a
    // raw name that would be recorded escaped says how to ask for it.
    if (Status s = ValidateRelativePath(args.path); !s.ok()) {
      const std::string escaped = EscapeFileName(args.path);
      std::string hint;
      if (escaped != args.path && ValidateRelativePath(escaped).ok()) {
        hint = "; a manifest records that name escaped: --path '" + escaped + "'";
      }
      return Status::InvalidArgument("--path", s.message() + hint);
    }
    query.kind = K::kPath;
    query.value = args.path;
  } else if (!args.source.empty()) {
    query.kind = K::kSource;
    query.value = args.source;
  } else {
    return Status::InvalidArgument(
        "say what to prove: --url, --text, --document, --digest, --path, --source or --sources");
  }
  return query;
}

void PrintSummary(const ProveArgs& args, const Proof& proof, const std::string& bundle_path,
                  size_t bytes) {
  size_t sources = 0, nodes = 0;
  for (const ProofEntry& e : proof.entries) {
    v1::Record record;
    sources += record.ParseFromString(e.record) && record.has_source() ? 1 : 0;
    nodes += e.audit_path.size();
  }
  if (proof.type == Proof::Type::kSources) {
    Print("wrote %s: every source, %zu of them, and %zu withheld node(s) for the other records\n",
          args.output.c_str(), proof.entries.size(), proof.withheld.size());
  } else if (proof.absent()) {
    for (const KeyLeafProof& n : proof.absence->neighbours) nodes += n.audit_path.size();
    Print("wrote %s: ABSENT: no record matches %s\n", args.output.c_str(),
          DescribeQuery(proof.query).c_str());
    Print("  key tree     %s, %llu keys; %zu neighbour(s)\n",
          std::string(KeyKindName(QueryKeyKind(proof.query))).c_str(),
          static_cast<unsigned long long>(proof.absence->key_tree_size),
          proof.absence->neighbours.size());
  } else {
    Print("wrote %s: %s%zu record(s) (%zu matching, %zu source(s)) matching %s\n",
          args.output.c_str(), proof.type == Proof::Type::kLookup ? "PRESENT: " : "",
          proof.entries.size(), proof.entries.size() - sources, sources,
          DescribeQuery(proof.query).c_str());
  }
  Print("  tree size    %llu records, Merkle root %s\n",
        static_cast<unsigned long long>(proof.tree_size), ToHex(proof.merkle_root).c_str());
  if (proof.type != Proof::Type::kSources) Print("  audit paths  %zu nodes in all\n", nodes);
  Print("  bundle       %s\n", bundle_path.c_str());
  Print("  size         %zu bytes\n", bytes);
}

int RunProve(const ProveArgs& args) {
  StatusOr<ProofQuery> query = ProofQuery{};
  if (!args.sources) query = QueryOf(args);
  if (!query.ok()) return ReportError("prove", query.status());
  const std::string bundle_path =
      args.bundle.empty() ? args.manifest + std::string(kBundleSuffix) : args.bundle;
  auto bundle = ReadSmallFile(bundle_path, kMaxBundleBytes);
  if (!bundle.ok()) {
    return ReportError("prove", bundle.status().WithContext(
                                    "the manifest's bundle (sign it with dtm sign, or name "
                                    "the bundle with --bundle)"));
  }
  StatusOr<Proof> proof = Proof{};
  if (args.sources) {
    proof = ProveSources(args.manifest, *bundle);
  } else if (query->kind == ProofQuery::Kind::kSource) {
    proof = ProveInclusion(args.manifest, *bundle, *query);
  } else {
    proof = ProveLookup(args.manifest, *bundle, *query);
  }
  if (!proof.ok()) {
    // Errors of the bundle's contents start "bundle: "; name its file.
    Status s = proof.status();
    if (s.message().starts_with("bundle: ")) s = s.WithContext(bundle_path);
    return ReportError("prove", s);
  }
  if (proof->type == Proof::Type::kInclusion && proof->entries.empty()) {
    PrintError("dtm prove: %s: no record matches %s\n", args.manifest.c_str(),
               DescribeQuery(*query).c_str());
    return kExitFailed;
  }
  auto text = SerializeProof(*proof);
  if (!text.ok()) return ReportError("prove", text.status());
  Status written = WriteFileAtomically(args.output, *text);
  if (!written.ok()) return ReportOutputError("prove", written);
  PrintSummary(args, *proof, bundle_path, text->size());
  return kExitOk;
}

DTM_REGISTER_COMMAND(
    prove,
    CommandSpec{
        "prove",
        "Write a proof that a URL, a text, a digest or a path is in the manifest or is not, "
        "of a source, or of the complete list of sources",
        65, [](CLI::App* app) {
          auto args = std::make_shared<ProveArgs>();
          app->add_option("manifest", args->manifest, "The manifest")->required();
          std::vector<CLI::Option*> queries{
              app->add_option("--url", args->url,
                              "The documents with this URL (canonicalized first): present or "
                              "absent"),
              app->add_option("--text", args->text,
                              "The documents with this text digest (sha256:HEX, as dtm hash "
                              "--document prints it): present or absent"),
              app->add_option("--document", args->document,
                              "The documents with the text of this file (its text digest): "
                              "present or absent"),
              app->add_option("--digest", args->digest,
                              "The files and documents with this SHA-256 as stored (sha256:HEX "
                              "or HEX): present or absent"),
              app->add_option("--path", args->path, "The files with this path: present or absent"),
              app->add_option("--source", args->source,
                              "The source with this id (an inclusion proof)"),
              app->add_flag("--sources", args->sources,
                            "Every source, provably all of them (a source list proof)")};
          for (size_t i = 0; i < queries.size(); ++i) {
            for (size_t j = i + 1; j < queries.size(); ++j) queries[i]->excludes(queries[j]);
          }
          app->add_option("--bundle", args->bundle,
                          "The manifest's bundle (default: MANIFEST.sigstore.json)");
          app->add_option("-o,--output", args->output, "The proof file to write")->required();
          return [args] { return RunProve(*args); };
        }});

}  // namespace
}  // namespace dtm::cli
