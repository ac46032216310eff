// Compiled by the layering tests (tests/CMakeLists.txt) with one module's include flags: it
// includes only STRATA_PROBE_HEADER, so it compiles exactly when that header is visible to the
// module.
#include STRATA_PROBE_HEADER
