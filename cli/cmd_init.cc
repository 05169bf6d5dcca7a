// dtm init [DIR]: write a commented dtm.yaml and the example data it describes.
#include <cstdio>

#include "cli_util.h"
#include "command.h"
#include "dtm/example.h"

namespace dtm::cli {
namespace {

DTM_REGISTER_COMMAND(
    init, CommandSpec{"init", "Write a commented dtm.yaml and the small example data it describes",
                      10, [](CLI::App* app) {
                        auto dir = std::make_shared<std::string>(".");
                        app->add_option("dir", *dir,
                                        "Folder to write into (default: the current folder)");
                        return [dir] {
                          std::vector<std::string> written;
                          Status s = WriteExampleProject(*dir, &written);
                          if (!s.ok()) return ReportError("init", s);
                          Print("wrote %zu files into %s, among them dtm.yaml\n", written.size(),
                                dir->c_str());
                          Print("next: dtm build %s -o data.dtm\n",
                                *dir == "." ? "dtm.yaml" : (*dir + "/dtm.yaml").c_str());
                          return kExitOk;
                        };
                      }});

}  // namespace
}  // namespace dtm::cli
