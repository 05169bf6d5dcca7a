// dtm prove MANIFEST (--digest | --path | --source) -o PROOF: an inclusion
// proof (spec/proof.md) of the matching records, with the manifest's bundle.
#include <cstdio>
#include <memory>

#include "cli_util.h"
#include "command.h"
#include "dtm/file_io.h"
#include "dtm/proof.h"

namespace dtm::cli {
namespace {

struct ProveArgs {
  std::string manifest;
  std::string digest;
  std::string path;
  std::string source;
  std::string bundle;
  std::string output;
};

StatusOr<ProofQuery> QueryOf(const ProveArgs& args) {
  ProofQuery query;
  if (!args.digest.empty()) {
    auto digest = ParseSha256Hex(args.digest);
    if (!digest.ok()) return digest.status().WithContext("--digest");
    query.kind = ProofQuery::Kind::kDigest;
    query.digest = *digest;
  } else if (!args.path.empty()) {
    query.kind = ProofQuery::Kind::kPath;
    query.value = args.path;
  } else if (!args.source.empty()) {
    query.kind = ProofQuery::Kind::kSource;
    query.value = args.source;
  } else {
    return Status::InvalidArgument("say what to prove: --digest, --path or --source");
  }
  return query;
}

int RunProve(const ProveArgs& args) {
  auto query = QueryOf(args);
  if (!query.ok()) return ReportError("prove", query.status());
  const std::string bundle_path =
      args.bundle.empty() ? args.manifest + std::string(kBundleSuffix) : args.bundle;
  auto bundle = ReadSmallFile(bundle_path, kMaxBundleBytes);
  if (!bundle.ok()) {
    return ReportError("prove", bundle.status().WithContext(
                                    "the manifest's bundle (sign it with dtm sign, or name "
                                    "the bundle with --bundle)"));
  }
  auto proof = ProveInclusion(args.manifest, *bundle, *query);
  if (!proof.ok()) {
    // Errors of the bundle's contents start "bundle: "; name its file.
    Status s = proof.status();
    if (s.message().starts_with("bundle: ")) s = s.WithContext(bundle_path);
    return ReportError("prove", s);
  }
  if (proof->entries.empty()) {
    PrintError("dtm prove: %s: no record matches %s\n", args.manifest.c_str(),
               DescribeQuery(*query).c_str());
    return kExitFailed;
  }
  auto text = SerializeProof(*proof);
  if (!text.ok()) return ReportError("prove", text.status());
  Status written = WriteFileAtomically(args.output, *text);
  if (!written.ok()) return ReportOutputError("prove", written);

  size_t sources = 0;
  size_t nodes = 0;
  for (const ProofEntry& e : proof->entries) {
    v1::Record record;
    sources += record.ParseFromString(e.record) && record.has_source() ? 1 : 0;
    nodes += e.audit_path.size();
  }
  Print("wrote %s: %zu record(s) (%zu file entries, %zu sources) matching %s\n",
        args.output.c_str(), proof->entries.size(), proof->entries.size() - sources, sources,
        DescribeQuery(*query).c_str());
  Print("  tree size    %llu records, Merkle root %s\n",
        static_cast<unsigned long long>(proof->tree_size), ToHex(proof->merkle_root).c_str());
  Print("  audit paths  %zu nodes in all\n", nodes);
  Print("  bundle       %s\n", bundle_path.c_str());
  Print("  size         %zu bytes\n", text->size());
  return kExitOk;
}

DTM_REGISTER_COMMAND(
    prove,
    CommandSpec{
        "prove",
        "Write an inclusion proof of the records matching a digest, a path "
        "or a source",
        65, [](CLI::App* app) {
          auto args = std::make_shared<ProveArgs>();
          app->add_option("manifest", args->manifest, "The manifest")->required();
          auto* digest = app->add_option("--digest", args->digest,
                                         "The file entries with this SHA-256 "
                                         "(sha256:HEX or HEX), and their sources");
          auto* path = app->add_option("--path", args->path,
                                       "The file entries with this path, and their sources");
          auto* source = app->add_option("--source", args->source, "The source with this id");
          digest->excludes(path)->excludes(source);
          path->excludes(source);
          app->add_option("--bundle", args->bundle,
                          "The manifest's bundle (default: MANIFEST.sigstore.json)");
          app->add_option("-o,--output", args->output, "The proof file to write")->required();
          return [args] { return RunProve(*args); };
        }});

}  // namespace
}  // namespace dtm::cli
