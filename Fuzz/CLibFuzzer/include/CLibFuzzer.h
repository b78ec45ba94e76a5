#ifndef PBX2MQTT_CLIBFUZZER_H
#define PBX2MQTT_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry points (compiler-rt). They exist only in a binary linked with
// -sanitize=fuzzer, so the fuzz executables reference them only when built with the
// Fuzzing trait (see Fuzz/README.md).

/// Runs libFuzzer with the process arguments and `callback` as the target.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

/// libFuzzer's own mutation of `data` (in place, within `maxSize` bytes), for a custom
/// mutator to fall back on; returns the new size.
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

#endif
