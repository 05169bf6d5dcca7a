// dtm show / dtm export: read a manifest.
#include <iostream>

#include "cli_util.h"
#include "command.h"
#include "dtm/summary.h"

namespace dtm::cli {
namespace {

struct ExportArgs {
  std::string manifest;
  std::string format = "json";
  std::string output;
  bool documents = false;
};

DTM_REGISTER_COMMAND(show,
                     CommandSpec{
                         "show", "Summarise a manifest: dataset, totals, composition, sources", 30,
                         [](CLI::App* app) {
                           auto path = std::make_shared<std::string>();
                           app->add_option("manifest", *path, "The manifest (.dtm)")->required();
                           return [path] {
                             Status s = WriteManifestSummary(*path, std::cout);
                             return s.ok() ? kExitOk : ReportError("show", s);
                           };
                         }});

DTM_REGISTER_COMMAND(
    export,
    CommandSpec{
        "export", "Write a whole manifest as JSON (protobuf JSON mapping)", 31, [](CLI::App* app) {
          auto args = std::make_shared<ExportArgs>();
          app->add_option("manifest", args->manifest, "The manifest (.dtm)")->required();
          app->add_option("--format", args->format,
                          "json (one document) or jsonl (one record a line)")
              ->check(CLI::IsMember({"json", "jsonl"}));
          app->add_option("-o,--output", args->output,
                          "Write to this file (default: standard output)");
          app->add_flag("--documents", args->documents,
                        "Write only the document entries, one JSON object a line, digests in hex "
                        "(spec/cli.md)");
          return [args] {
            ExportFormat f = args->format == "jsonl" ? ExportFormat::kJsonl : ExportFormat::kJson;
            if (args->documents) f = ExportFormat::kDocuments;
            Status s = WriteOutput(args->output, [&](std::ostream& out) {
              return ExportManifest(args->manifest, f, out);
            });
            return s.ok() ? kExitOk : ReportError("export", s);
          };
        }});

}  // namespace
}  // namespace dtm::cli
