// dtm verify-proof PROOF --key PUB: check an inclusion proof (spec/proof.md)
// without the manifest, and print what the lab declared about the records.
#include <cstdio>
#include <map>
#include <memory>

#include "cli_util.h"
#include "command.h"
#include "dtm/file_io.h"
#include "dtm/proof.h"
#include "trust_options.h"

namespace dtm::cli {
namespace {

struct VerifyProofArgs {
  std::string proof;
  TrustArgs trust;
};

// The checks of spec/proof.md, in order, for the summary line.
constexpr const char* kChecks =
    "proof, bundle, payload-type, signatures, statement, root, tree-size, inclusion, record, "
    "decoded, position, source-link, query";

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
  } else {
    Print("  generator    none declared\n");
  }
  for (const std::string& url : s.urls()) Print("  url          %s\n", Printable(url).c_str());
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
  auto result = VerifyInclusionProof(*text, options);
  if (!result.ok()) return ReportError("verify-proof", result.status().WithContext(args.proof));
  if (!result->verified()) {
    PrintSigners(result->attestation, key_files);
    return ReportError("verify-proof",
                       result->status.WithContext(args.proof + ": verification failed"));
  }
  const v1::Header& header = result->header;
  Print("verified %s: %zu record(s) of %s\n", args.proof.c_str(), result->records.size(),
        Printable(result->attestation.subject_name).c_str());
  Print("  query        %s\n", Printable(DescribeQuery(result->proof.query)).c_str());
  Print("  publisher    %s\n", OrNone(header.publisher().name()).c_str());
  for (const v1::ModelRef& m : header.models()) {
    Print("  model        %s\n",
          OrNone(m.name() + (m.version().empty() ? "" : " ") + m.version()).c_str());
  }
  Print("  merkle root  %s (%llu records)\n", ToHex(result->proof.merkle_root).c_str(),
        static_cast<unsigned long long>(result->proof.tree_size));
  Print("  signed at    %s (stated by the signer; no timestamp authority)\n",
        FormatUtcTime(result->attestation.signed_at).c_str());
  PrintSigners(result->attestation, key_files);
  Print("  threshold    %zu distinct key(s) verified, %d required\n",
        result->attestation.distinct_keys, args.trust.threshold);
  Print("what the lab declared:\n");
  for (size_t i = 0; i < result->records.size(); ++i) {
    const v1::Record& r = result->records[i];
    const uint64_t leaf = result->proof.entries[i].leaf_index;
    if (r.has_source()) PrintSource(r.source(), leaf);
    if (r.has_file()) PrintFile(r.file(), leaf);
  }
  Print("checks passed: %s\n", kChecks);
  return kExitOk;
}

DTM_REGISTER_COMMAND(verify_proof,
                     CommandSpec{
                         "verify-proof",
                         "Verify an inclusion proof without the manifest and print what "
                         "the lab declared",
                         66, [](CLI::App* app) {
                           auto args = std::make_shared<VerifyProofArgs>();
                           app->add_option("proof", args->proof, "The proof file")->required();
                           AddTrustOptions(app, &args->trust);
                           return [args] { return RunVerifyProof(*args); };
                         }});

}  // namespace
}  // namespace dtm::cli
