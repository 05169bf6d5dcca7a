// dtm report MANIFEST: the EU AI Act summary, the AB 2013 documentation or an
// overview with charts, as Markdown or HTML (spec/report.md).
#include <filesystem>
#include <iostream>

#include "cli_util.h"
#include "command.h"
#include "dtm/attestation.h"
#include "dtm/file_io.h"
#include "dtm/report.h"
#include "google/protobuf/util/time_util.h"

namespace dtm::cli {
namespace {

struct ReportArgs {
  std::string manifest;
  std::string kind = "overview";
  std::string format;
  std::string model;
  std::string for_model;
  std::vector<std::string> keys;
  std::string out;
};

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The bundle beside the manifest, verified when keys are given.
StatusOr<SignatureStatus> Signature(const std::string& manifest,
                                    const std::vector<std::string>& key_files) {
  using State = SignatureStatus::State;
  const std::string bundle_path = manifest + std::string(kBundleSuffix);
  VerifyOptions options;
  for (const std::string& file : key_files) {
    DTM_ASSIGN_OR_RETURN(std::string pem, ReadSmallFile(file, 1u << 20));
    auto key = PublicKey::FromPem(pem);
    if (!key.ok()) return key.status().WithContext(file);
    options.keys.push_back(*key);
  }
  std::error_code ec;
  if (!std::filesystem::exists(bundle_path, ec)) return SignatureStatus{State::kNoBundle, ""};
  if (key_files.empty()) return SignatureStatus{State::kNotVerified, bundle_path};
  DTM_ASSIGN_OR_RETURN(std::string bundle, ReadSmallFile(bundle_path, kMaxBundleBytes));
  DTM_ASSIGN_OR_RETURN(VerificationReport report, VerifyAttestation(manifest, bundle, options));
  if (!report.verified()) return SignatureStatus{State::kFailed, report.status.message()};
  std::string keys;
  for (const SignerReport& s : report.signers) {
    if (s.verified) keys += (keys.empty() ? "key " : ", key ") + s.key_id.substr(0, 16);
  }
  google::protobuf::Timestamp at;
  at.set_seconds(report.signed_at);
  return SignatureStatus{State::kVerified, bundle_path + ", signed by " + keys + " at " +
                                               google::protobuf::util::TimeUtil::ToString(at)};
}

int RunReport(const ReportArgs& args) {
  auto kind = ParseReportTemplate(args.kind);
  if (!kind.ok()) return ReportError("report", kind.status());
  std::string format_name = args.format;
  if (format_name.empty()) {
    format_name = EndsWith(args.out, ".html") || EndsWith(args.out, ".htm") ? "html" : "md";
  }
  auto format = ParseReportFormat(format_name);
  if (!format.ok()) return ReportError("report", format.status());
  if (!args.model.empty() && *kind != ReportTemplate::kEuAiAct) {
    return ReportError("report",
                       Status::InvalidArgument("--model applies to --template eu-ai-act only"));
  }
  std::optional<v1::ModelFile> model;
  if (!args.model.empty()) {
    auto loaded = LoadModelFile(args.model);
    if (!loaded.ok()) return ReportError("report", loaded.status());
    model = std::move(*loaded);
  }
  auto read = ReadManifestFacts(args.manifest);
  if (!read.ok()) return ReportError("report", read.status());
  auto signature = Signature(args.manifest, args.keys);
  if (!signature.ok()) return ReportError("report", signature.status());

  ReportOptions options;
  options.kind = *kind;
  options.format = *format;
  options.model = model ? &*model : nullptr;
  options.signature = *signature;
  options.generator = std::string("dtm ") + DTM_CLI_VERSION;
  options.for_model = args.for_model;
  auto facts = ReportFacts(std::move(*read), options);
  if (!facts.ok()) return ReportError("report", facts.status());
  for (const std::string& warning : ReportWarnings(*facts, options)) {
    PrintError("dtm report: warning: %s\n", warning.c_str());
  }
  if (args.out.empty()) {
    Status s = WriteReport(*facts, options, std::cout);
    if (!s.ok()) return ReportOutputError("report", s.WithContext("standard output"));
  } else {
    auto writer = AtomicFileWriter::Create(args.out);
    if (!writer.ok()) return ReportOutputError("report", writer.status());
    Status s = WriteReport(*facts, options, (*writer)->stream());
    if (s.ok()) s = (*writer)->Commit();
    if (!s.ok()) return ReportOutputError("report", s.WithContext(args.out));
  }
  if (signature->state == SignatureStatus::State::kFailed) {
    PrintError("dtm report: %s: the signature does not verify: %s\n", args.manifest.c_str(),
               signature->detail.c_str());
    return kExitFailed;
  }
  return kExitOk;
}

DTM_REGISTER_COMMAND(
    report,
    CommandSpec{"report",
                "Write the EU AI Act summary, the AB 2013 documentation or an overview with charts",
                80, [](CLI::App* app) {
                  auto args = std::make_shared<ReportArgs>();
                  app->add_option("manifest", args->manifest, "The manifest (*.dtm)")->required();
                  app->add_option("-t,--template", args->kind,
                                  "overview (default), eu-ai-act or ab2013");
                  app->add_option("-f,--format", args->format,
                                  "md or html (default: html if OUT ends in .html, else md)");
                  app->add_option("-m,--model", args->model,
                                  "Model file with the facts about the model (eu-ai-act)");
                  app->add_option("--for", args->for_model,
                                  "The model the report is for, one the manifest names "
                                  "(default: the model file's)");
                  app->add_option("-k,--key", args->keys,
                                  "Public key (PEM) to verify the bundle beside the manifest");
                  app->add_option("-o,--output", args->out, "Output file (default: stdout)");
                  return [args] { return RunReport(*args); };
                }});

}  // namespace
}  // namespace dtm::cli
