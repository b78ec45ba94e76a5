#ifndef PBX_CMALLOC_H
#define PBX_CMALLOC_H

/// Hands the memory that malloc holds free back to the system (glibc's malloc_trim(0),
/// which Swift's Glibc module does not export); does nothing with another C library.
/// Returns 1 when memory was released.
int pbx_release_free_memory(void);

#endif
