# Sourced by ./genalign and the bench scripts: the native (glibc) allocator settings genalign runs with.
#
# glibc starts with a 128 KiB mmap threshold and raises it (up to 32 MiB on 64-bit) each time a large block is freed,
# with the trim threshold at twice that. The engine's per-step tensors are 0.1-3 MB, so a long run first maps and
# unmaps them, then, some hundreds of steps in, starts keeping them on the heap: the resident set of a long
# `genalign dpo` run jumped 50-70 MB once, at a step that varied from run to run (bench/results/dpo-memory.md).
# Fixing both thresholds at the values glibc ends at puts the process in that steady state from the first steps
# (same speed, same final size; setting them also turns glibc's adjustment off). Values already in the environment
# win; GENALIGN_MALLOC=glibc leaves glibc's defaults alone (for comparisons).
if [ "${GENALIGN_MALLOC:-}" != glibc ]; then
  export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}"
  export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-67108864}"
fi
