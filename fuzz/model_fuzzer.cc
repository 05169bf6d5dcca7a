// Fuzz target: the model file of `dtm report` (dtm/report.h, spec/report.md,
// "The model file"). The input is the YAML text. A model file that parses goes
// into the EU AI Act summary of the signing vector's manifest, in Markdown and
// in HTML.
#include <cstdint>
#include <sstream>
#include <string>

#include "dtm/report.h"
#include "fuzz_facts.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto model = dtm::ParseModelFile(dtm::fuzz::AsText(data, size), "model.yaml");
  if (!model.ok()) return 0;
  for (dtm::ReportFormat format : {dtm::ReportFormat::kMarkdown, dtm::ReportFormat::kHtml}) {
    dtm::ReportOptions options;
    options.kind = dtm::ReportTemplate::kEuAiAct;
    options.format = format;
    options.model = &*model;
    std::ostringstream out;
    (void)dtm::WriteReport(dtm::fuzz::VectorFacts(), options, out);
  }
  return 0;
}
