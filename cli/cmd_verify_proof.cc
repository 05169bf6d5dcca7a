// dtm verify-proof PROOF --key PUB: check a proof (spec/proof.md) without the
// manifest; say its answer on the first line (PRESENT, ABSENT or COMPLETE),
// then what the lab declared about the records.
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "cli_util.h"
#include "command.h"
#include "dtm/facts.h"
#include "dtm/file_io.h"
#include "dtm/policy.h"
#include "dtm/proof.h"
#include "trust_options.h"

namespace dtm::cli {
namespace {

struct VerifyProofArgs {
  std::string proof;
  TrustArgs trust;
  std::string expect;  // "present" or "absent", or empty
  std::string root;    // the published Merkle root, hex, or empty
  std::string view;    // the published public view, or empty
  std::string policy;  // a policy to check the sources of a source list proof against
};

// The checks of spec/proof.md, in order, for the summary line.
std::string ChecksOf(const Proof& proof) {
  const std::string common = "proof, bundle, payload-type, signature, statement, root, tree-size, ";
  if (proof.type == Proof::Type::kSources) return common + "complete, record, decoded, withheld";
  if (proof.absent()) return common + "key-tree, key-digest, neighbours, key-inclusion";
  return common + "inclusion, record, decoded, position, source-link, query";
}

// `text` with control characters (C0, DEL and C1) written as \xNN, so that
// what the proof says cannot move the cursor or recolour the terminal.
std::string Printable(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool c1 = c == 0xC2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (c < 0x20 || c == 0x7F || c1) {
      const size_t n = c1 ? 2 : 1;
      for (size_t j = 0; j < n; ++j) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\x%02X", static_cast<unsigned char>(text[i + j]));
        out += buf;
      }
      i += n - 1;
    } else {
      out += text[i];
    }
  }
  return out;
}

// An enum value's name without its prefix: "USE_CLASS_COMMERCIAL" -> "COMMERCIAL".
std::string Short(const std::string& name, std::string_view prefix) {
  if (name.empty()) return "?";
  return name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
}

std::string OrNone(const std::string& s) { return s.empty() ? "(not stated)" : Printable(s); }

void PrintSource(const v1::Source& s, uint64_t leaf) {
  Print("source %s (leaf %llu)\n", Printable(s.id()).c_str(),
        static_cast<unsigned long long>(leaf));
  Print("  name         %s\n", OrNone(s.name()).c_str());
  Print("  license      %s\n", OrNone(s.license().expression()).c_str());
  Print("  use class    %s\n",
        Short(v1::UseClass_Name(s.license().use_class()), "USE_CLASS_").c_str());
  Print("  acquisition  %s\n",
        Short(v1::AcquisitionMethod_Name(s.provenance().acquisition()), "ACQUISITION_METHOD_")
            .c_str());
  if (s.has_generation()) {
    const v1::Generation& g = s.generation();
    std::string model = g.model();
    if (!g.model_version().empty()) model += " " + g.model_version();
    if (!g.provider().name().empty()) model += " by " + g.provider().name();
    Print("  generator    %s\n", OrNone(model).c_str());
    Print("  terms        %s\n", OrNone(g.terms_url()).c_str());
    Print("  training     %s\n",
          Short(v1::TrainingPermission_Name(g.training_permission()), "TRAINING_PERMISSION_")
              .c_str());
  } else {
    Print("  generator    none declared\n");
  }
  for (const std::string& url : s.urls()) Print("  url          %s\n", Printable(url).c_str());
}

void PrintDocument(const v1::DocumentEntry& d, uint64_t leaf) {
  Print("document %llu of %s (leaf %llu)\n", static_cast<unsigned long long>(d.ordinal()),
        Printable(d.path()).c_str(), static_cast<unsigned long long>(leaf));
  Print("  source       %s\n", Printable(d.source_id()).c_str());
  if (d.line() > 0) Print("  line         %llu\n", static_cast<unsigned long long>(d.line()));
  if (!d.member().empty()) Print("  member       %s\n", Printable(d.member()).c_str());
  if (d.line() == 0 && d.member().empty()) {
    Print("  offset       %llu\n", static_cast<unsigned long long>(d.offset()));
  }
  if (!d.id().empty()) Print("  id           %s\n", Printable(d.id()).c_str());
  if (!d.url().empty()) Print("  url          %s\n", Printable(d.url()).c_str());
  Print("  sha256       %s (%llu bytes as stored)\n", ToHex(d.sha256()).c_str(),
        static_cast<unsigned long long>(d.size()));
  if (!d.text_sha256().empty()) Print("  text_sha256  %s\n", ToHex(d.text_sha256()).c_str());
}

// "acme-mix 2025.06"
std::string DatasetOf(const v1::Header& h) {
  return Printable(h.dataset().name() + (h.dataset().version().empty() ? "" : " ") +
                   h.dataset().version());
}

// Where a matching entry is: "source web (crawled, commercial, CC-BY-4.0), file a.jsonl, line 3".
std::string PlaceOf(const v1::Record& r, const std::vector<v1::Record>& records) {
  const std::string& id = r.has_file() ? r.file().source_id() : r.document().source_id();
  std::string out = "source " + Printable(id);
  for (const v1::Record& s : records) {
    if (!s.has_source() || s.source().id() != id) continue;
    std::string acquisition = Short(
        v1::AcquisitionMethod_Name(s.source().provenance().acquisition()), "ACQUISITION_METHOD_");
    std::string use = Short(v1::UseClass_Name(s.source().license().use_class()), "USE_CLASS_");
    for (std::string* t : {&acquisition, &use}) {
      for (char& c : *t) c = c == '_' ? ' ' : static_cast<char>(std::tolower(c));
    }
    out +=
        " (" + acquisition + ", " + use + ", " + Printable(s.source().license().expression()) + ")";
  }
  if (r.has_file()) return out + ", file " + Printable(r.file().path());
  const v1::DocumentEntry& d = r.document();
  out += ", file " + Printable(d.path());
  if (d.line() > 0) return out + ", line " + std::to_string(d.line());
  if (!d.member().empty()) return out + ", member " + Printable(d.member());
  return out + ", byte " + std::to_string(d.offset());
}

// The first line: the answer.
void PrintAnswer(const ProofVerification& v) {
  const v1::Header& h = v.header;
  const Proof& proof = v.proof;
  if (proof.type == Proof::Type::kSources) {
    Print("COMPLETE %zu sources of %s, none withheld (%llu records in all)\n", v.records.size(),
          DatasetOf(h).c_str(), static_cast<unsigned long long>(proof.tree_size));
    return;
  }
  if (proof.absent()) {
    const uint64_t files = h.totals().files(), documents = h.totals().document_entries();
    std::string what, count;
    switch (proof.query.kind) {
      case ProofQuery::Kind::kUrl:
        what = "no document with this URL";
        count = std::to_string(documents) + " documents";
        break;
      case ProofQuery::Kind::kText:
        what = "no document with this text";
        count = std::to_string(documents) + " documents";
        break;
      case ProofQuery::Kind::kPath:
        what = "no file with this path";
        count = std::to_string(files) + " files";
        break;
      default:
        what = "no file or document with these bytes";
        count = std::to_string(files) + " files, " + std::to_string(documents) + " documents";
    }
    Print("ABSENT   %s in %s (signed %s, %s)\n", what.c_str(), DatasetOf(h).c_str(),
          FormatUtcTime(v.attestation.signed_at).c_str(), count.c_str());
    return;
  }
  std::vector<const v1::Record*> matches;
  for (const v1::Record& r : v.records) {
    if (!r.has_source()) matches.push_back(&r);
  }
  if (matches.empty()) {
    Print("PRESENT  in %s: the source %s\n", DatasetOf(h).c_str(),
          Printable(proof.query.value).c_str());
    return;
  }
  std::string more;
  if (matches.size() > 1) more = " (and " + std::to_string(matches.size() - 1) + " more)";
  Print("PRESENT  in %s, %s%s\n", DatasetOf(h).c_str(), PlaceOf(*matches[0], v.records).c_str(),
        more.c_str());
}

void PrintFile(const v1::FileEntry& f, uint64_t leaf) {
  Print("file %s (leaf %llu)\n", Printable(f.path()).c_str(),
        static_cast<unsigned long long>(leaf));
  Print("  source       %s\n", Printable(f.source_id()).c_str());
  Print("  sha256       %s\n", ToHex(f.sha256()).c_str());
  Print("  size         %llu bytes\n", static_cast<unsigned long long>(f.size()));
  Print("  origin       %s\n", Short(v1::FileEntry::Origin_Name(f.origin()), "ORIGIN_").c_str());
}

int RunVerifyProof(const VerifyProofArgs& args) {
  VerifyOptions options;
  std::map<std::string, std::string> key_files;  // key id -> file, for the output
  Status trusted = LoadTrust(args.trust, &options, &key_files);
  if (!trusted.ok()) return ReportError("verify-proof", trusted);
  auto text = ReadSmallFile(args.proof, kMaxProofBytes);
  if (!text.ok()) return ReportError("verify-proof", text.status());
  StatusOr<v1::Policy> policy = v1::Policy();
  if (!args.policy.empty()) {
    policy = LoadPolicy(args.policy);
    if (!policy.ok()) return ReportError("verify-proof", policy.status());
  }
  auto result = VerifyProof(*text, options);
  if (result.ok() && !args.policy.empty() && result->proof.type != Proof::Type::kSources) {
    return ReportError("verify-proof",
                       Status::InvalidArgument("--policy checks the sources of a source list proof "
                                               "(dtm prove --sources); " +
                                               args.proof + " is another kind"));
  }
  if (!result.ok()) return ReportError("verify-proof", result.status().WithContext(args.proof));
  std::string published = args.root, published_by = "--root";
  if (!args.view.empty()) {
    // The view's own check: its sources and withheld nodes give its header's root.
    auto view = CheckManifest(args.view);
    if (!view.ok()) return ReportError("verify-proof", view.status().WithContext("--public-view"));
    published = ToHex(view->merkle_root);
    published_by = "--public-view " + args.view;
  }
  if (result->verified() && !published.empty()) {
    auto root = ParseSha256Hex(published);
    if (!root.ok()) return ReportError("verify-proof", root.status().WithContext("--root"));
    if (*root != result->proof.merkle_root) {
      result->failed_check = "root";
      result->status = Status::VerificationFailed(
          "root", "the proof is about the manifest with Merkle root " +
                      ToHex(result->proof.merkle_root) + ", not the published " + ToHex(*root) +
                      " (" + published_by + ")");
    }
  }
  if (!result->verified()) {
    PrintSigners(result->attestation, key_files);
    return ReportError("verify-proof",
                       result->status.WithContext(args.proof + ": verification failed"));
  }
  const Proof& proof = result->proof;
  PrintAnswer(*result);
  const v1::Header& header = result->header;
  Print("verified %s: %zu record(s) of %s\n", args.proof.c_str(), result->records.size(),
        Printable(result->attestation.subject_name).c_str());
  if (proof.type != Proof::Type::kSources) {
    Print("  query        %s\n", Printable(DescribeQuery(proof.query)).c_str());
  }
  Print("  publisher    %s\n", OrNone(header.publisher().name()).c_str());
  for (const v1::ModelRef& m : header.models()) {
    Print("  model        %s\n",
          OrNone(m.name() + (m.version().empty() ? "" : " ") + m.version()).c_str());
  }
  Print("  merkle root  %s (%llu records)%s\n", ToHex(proof.merkle_root).c_str(),
        static_cast<unsigned long long>(proof.tree_size),
        published.empty() ? "" : (", the published root (" + published_by + ")").c_str());
  if (proof.absent()) {
    Print("  key tree     %s, %llu keys, root %s\n",
          std::string(KeyKindName(QueryKeyKind(proof.query))).c_str(),
          static_cast<unsigned long long>(proof.absence->key_tree_size),
          ToHex(proof.absence->key_tree_root).c_str());
  }
  PrintSigningTimes(result->attestation);
  PrintSigners(result->attestation, key_files);
  Print("  threshold    %zu distinct key(s) verified, %d required\n",
        result->attestation.distinct_keys, args.trust.threshold);
  if (!result->records.empty()) Print("what the lab declared:\n");
  for (size_t i = 0; i < result->records.size(); ++i) {
    const v1::Record& r = result->records[i];
    const uint64_t leaf = proof.entries[i].leaf_index;
    if (r.has_source()) PrintSource(r.source(), leaf);
    if (r.has_file()) PrintFile(r.file(), leaf);
    if (r.has_document()) PrintDocument(r.document(), leaf);
  }
  Print("checks passed: %s\n", WithTimestampCheck(ChecksOf(proof), options).c_str());
  if (!args.policy.empty()) {
    // The policy runs on the verified sources, as dtm check runs it on a public view.
    ManifestFacts facts;
    facts.name = args.proof;
    facts.header = header;
    facts.public_view = true;
    for (const v1::Record& r : result->records) {
      SourceFacts s;
      s.source = r.source();
      s.withheld = true;
      facts.sources.push_back(std::move(s));
    }
    const std::vector<PolicyViolation> violations = CheckPolicy(*policy, facts);
    const size_t counted = WritePolicyReport(*policy, facts, violations, std::cout);
    std::cout.flush();
    if (counted > 0) return kExitFailed;
  }
  if (!args.expect.empty() && proof.type == Proof::Type::kLookup &&
      (args.expect == "absent") != proof.absent()) {
    PrintError("dtm verify-proof: %s: the answer is %s, not %s (--expect)\n", args.proof.c_str(),
               proof.absent() ? "ABSENT" : "PRESENT",
               args.expect == "absent" ? "ABSENT" : "PRESENT");
    return kExitFailed;
  }
  return kExitOk;
}

DTM_REGISTER_COMMAND(verify_proof,
                     CommandSpec{
                         "verify-proof",
                         "Verify a proof without the manifest: say its answer (PRESENT, "
                         "ABSENT, COMPLETE) and what the lab declared",
                         66, [](CLI::App* app) {
                           auto args = std::make_shared<VerifyProofArgs>();
                           app->add_option("proof", args->proof, "The proof file")->required();
                           AddTrustOptions(app, &args->trust);
                           app->add_option("--expect", args->expect,
                                           "Exit 1 unless a lookup proof answers this")
                               ->check(CLI::IsMember({"present", "absent"}));
                           app->add_option("--root", args->root,
                                           "The Merkle root the lab published (hex): the proof "
                                           "must be about that manifest");
                           app->add_option("--policy", args->policy,
                                           "A policy (dtm check) to run on the sources of a "
                                           "verified source list proof; exit 1 on violations");
                           app->add_option("--public-view", args->view,
                                           "The public view the lab published (dtm publish): the "
                                           "proof must be about the manifest whose root it has");
                           return [args] { return RunVerifyProof(*args); };
                         }});

}  // namespace
}  // namespace dtm::cli
