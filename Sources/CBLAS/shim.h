#ifndef LLMPP_CBLAS_SHIM_H
#define LLMPP_CBLAS_SHIM_H
// Debian's libopenblas-dev puts cblas.h on the multiarch include path.
#include <cblas.h>
#endif
