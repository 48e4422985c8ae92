#ifndef STOCKPUSH_CFUZZERDRIVER_H
#define STOCKPUSH_CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver entry point (compiler-rt, linked in by -sanitize=fuzzer).
/// SwiftPM renames an executable's `main` to `<Module>_main` and aliases `main` to it, which
/// keeps libFuzzer's own `main` out of the link; each harness therefore defines
/// `<Module>_main` and hands control to the driver through this function.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
