// dtm hash FILE...: the digests of files, as a manifest records them.
#include <cstdio>

#include "cli_util.h"
#include "command.h"
#include "dtm/digest.h"
#include "dtm/file_hash.h"

namespace dtm::cli {
namespace {

DTM_REGISTER_COMMAND(hash,
                     CommandSpec{"hash",
                                 "Print the SHA-256 and size of files, as a manifest records them",
                                 50, [](CLI::App* app) {
                                   auto files = std::make_shared<std::vector<std::string>>();
                                   app->add_option("files", *files, "Files to hash")->required();
                                   return [files] {
                                     int rc = kExitOk;
                                     std::string buffer;
                                     for (const std::string& f : *files) {
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
                                   };
                                 }});

}  // namespace
}  // namespace dtm::cli
