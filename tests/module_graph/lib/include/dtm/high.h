// Fixture: a public header of module high, which may use low.
#pragma once
#include "dtm/low.h"
