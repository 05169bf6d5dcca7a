# A two-module graph for the test of cmake/CheckModuleGraph.cmake: high uses
# low; low uses nothing.
set(DTM_MODULES "low;high")
set(DTM_MODULE_low_DEPS "")
set(DTM_MODULE_low_HEADERS "low.h")
set(DTM_MODULE_high_DEPS "low")
set(DTM_MODULE_high_HEADERS "high.h")
