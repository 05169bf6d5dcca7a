// dtm init [DIR]: write a commented dtm.yaml and the example data it
// describes; dtm init --scan DATA: a first dtm.yaml for data already on disk.
#include <cstdio>
#include <filesystem>

#include "cli_util.h"
#include "command.h"
#include "dtm/example.h"
#include "dtm/format.h"
#include "dtm/scan.h"

namespace dtm::cli {
namespace {

struct InitArgs {
  std::string dir = ".";
  std::string scan;
  std::string output;
};

int RunExample(const InitArgs& args) {
  std::vector<std::string> written;
  Status s = WriteExampleProject(args.dir, &written);
  if (!s.ok()) return ReportError("init", s);
  Print("wrote %zu files into %s, among them dtm.yaml\n", written.size(), args.dir.c_str());
  Print("next: dtm build %s -o data.dtm\n",
        args.dir == "." ? "dtm.yaml" : (args.dir + "/dtm.yaml").c_str());
  return kExitOk;
}

// The spec's folder is the default data root: say --root when it is not the
// scanned folder.
std::string BuildCommand(const std::string& data, const std::string& spec) {
  std::error_code ec;
  const auto spec_dir =
      std::filesystem::weakly_canonical(std::filesystem::absolute(spec, ec).parent_path(), ec);
  const auto data_dir = std::filesystem::weakly_canonical(std::filesystem::absolute(data, ec), ec);
  std::string command = "dtm build " + spec + " -o data.dtm";
  if (spec_dir != data_dir) command += " --root " + data;
  return command;
}

// "1 file", "2 files".
std::string Counted(uint64_t n, const std::string& noun) {
  return GroupDigits(n) + " " + noun + (n == 1 ? "" : "s");
}

int RunScan(const InitArgs& args) {
  const std::string spec = args.output.empty() ? args.scan + "/dtm.yaml" : args.output;
  auto result = WriteScannedSpec(args.scan, spec, TerminalProgress());
  if (!result.ok()) return ReportError("init", result.status());
  Print("wrote %s: %s, %s (%s), %s, %s\n", spec.c_str(),
        Counted(result->sources.size(), "source").c_str(), Counted(result->files, "file").c_str(),
        HumanBytes(result->bytes).c_str(), Counted(result->symlinks, "symbolic link").c_str(),
        Counted(result->special_files, "special file").c_str());
  if (result->bad_names > 0) {
    Print(
        "%s names are not UTF-8, or hold control characters or backslashes: the spec says "
        "file_names: escape, "
        "which records them escaped (spec/container.md)\n",
        GroupDigits(result->bad_names).c_str());
  }
  Print("left for you: %s values marked TODO (dtm build refuses the spec until each is filled)\n",
        GroupDigits(result->todos).c_str());
  Print("next: edit %s, then %s\n", spec.c_str(), BuildCommand(args.scan, spec).c_str());
  return kExitOk;
}

DTM_REGISTER_COMMAND(
    init,
    CommandSpec{
        "init", "Write a commented dtm.yaml and example data, or (--scan) a dtm.yaml for your data",
        10, [](CLI::App* app) {
          auto args = std::make_shared<InitArgs>();
          app->add_option("dir", args->dir,
                          "Folder to write the example into (default: the current folder)");
          app->add_option("--scan", args->scan,
                          "Write a spec for the data in this folder instead: one source "
                          "per top-level folder, TODO for what only you know");
          app->add_option("-o,--output", args->output,
                          "With --scan: the spec to write (default: DIR/dtm.yaml; never "
                          "overwritten)");
          return [args] {
            if (!args->output.empty() && args->scan.empty()) {
              return ReportError("init", Status::InvalidArgument("-o applies to --scan only"));
            }
            return args->scan.empty() ? RunExample(*args) : RunScan(*args);
          };
        }});

}  // namespace
}  // namespace dtm::cli
