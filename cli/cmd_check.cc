// dtm check MANIFEST --policy POLICY: the sources that break a policy
// (spec/policy.md). Exit 0 when none, 1 with violations, 2 on bad input.
#include <iostream>

#include "command.h"
#include "dtm/policy.h"

namespace dtm::cli {
namespace {

struct CheckArgs {
  std::string manifest;
  std::string policy;
  std::string for_model;
};

int RunCheck(const CheckArgs& args) {
  auto policy = LoadPolicy(args.policy);
  if (!policy.ok()) return ReportError("check", policy.status());
  auto facts = ReadManifestFacts(args.manifest);
  if (!facts.ok()) return ReportError("check", facts.status());
  if (!args.for_model.empty()) {
    facts = FactsForModel(std::move(*facts), args.for_model);
    if (!facts.ok()) return ReportError("check", facts.status());
  }
  const std::vector<PolicyViolation> violations = CheckPolicy(*policy, *facts);
  const size_t counted = WritePolicyReport(*policy, *facts, violations, std::cout);
  std::cout.flush();
  if (!std::cout) {
    return ReportOutputError("check", Status::IOError("cannot write to standard output"));
  }
  return counted == 0 ? kExitOk : kExitFailed;
}

DTM_REGISTER_COMMAND(
    check,
    CommandSpec{"check", "Check a manifest against a policy (policy.yaml)", 85, [](CLI::App* app) {
                  auto args = std::make_shared<CheckArgs>();
                  app->add_option("manifest", args->manifest, "The manifest (*.dtm)")->required();
                  app->add_option("-p,--policy", args->policy, "The policy file (spec/policy.md)")
                      ->required();
                  app->add_option("--for", args->for_model,
                                  "Check only the sources used for this model (one the "
                                  "manifest names)");
                  return [args] { return RunCheck(*args); };
                }});

}  // namespace
}  // namespace dtm::cli
