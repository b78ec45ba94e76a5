#include "CMalloc.h"

// Any libc header defines __GLIBC__ under glibc; test it only after one.
#include <stdlib.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int pbx_release_free_memory(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}
