// Fixture: module low reaches up into high and calls OpenSSL: three violations.
#include <openssl/evp.h>

#include "dtm/high.h"
#include "high/other.h"
