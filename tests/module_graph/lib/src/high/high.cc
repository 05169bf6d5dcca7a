// Fixture: module high uses low, as declared.
#include "dtm/high.h"
#include "low/detail.h"
