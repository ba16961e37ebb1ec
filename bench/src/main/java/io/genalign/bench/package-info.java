/**
 * JMH benchmarks and the runners that write {@code bench/results/*.md}: regularizer cost ({@link
 * io.genalign.bench.RegularizerBench}), the noise-alignment step ({@link io.genalign.bench.AlignBench}), particle-flow
 * cost ({@link io.genalign.bench.FlowBench}) and the DPO step ({@link io.genalign.bench.DpoBench}). Invariant: every
 * results file records the machine load, the thread counts and the command that reproduces it; benchmarks never run
 * in the test suite.
 */
package io.genalign.bench;
