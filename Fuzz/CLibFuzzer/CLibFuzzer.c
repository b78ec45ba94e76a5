// Declarations only: libFuzzer itself comes from compiler-rt when linking with -sanitize=fuzzer.
#include "CLibFuzzer.h"
