package io.genalign.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.genalign.core.gaussianity.Gradients;
import io.genalign.core.gaussianity.Regularizer;
import io.genalign.core.gaussianity.Regularizers;
import io.genalign.core.runtime.EngineBootstrap;
import io.genalign.core.runtime.Tensors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One operation = value and gradient of one regularizer on one float32 batch of shape (B, D) drawn from
 * N(0, 1): exactly {@link Gradients#valueAndGradient(Regularizer, NDArray)}, i.e. a detached copy of the batch,
 * the forward pass, the per-sample values read back to Java, the autograd backward pass and a copy of the
 * gradient. Every array the operation creates lives in a sub-manager closed at the end of the operation, so
 * native memory does not grow across invocations.
 *
 * <p>The annotations are the defaults for a direct JMH run; {@link RegularizerBench} overrides the mode,
 * iterations and parameters per case.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchConfig.OFFLINE_FLAG_DJL, BenchConfig.OFFLINE_FLAG_TRACKING,
        BenchConfig.FORK_HEAP})
public class RegularizerBenchmark {
    /** A name accepted by {@link Regularizers#create(String, long)}. */
    @Param({"mpgr", "prno"})
    public String regularizer;

    /** Latent size D (entries per sample). */
    @Param({"65536"})
    public int dim;

    /** Batch size B. */
    @Param({"1"})
    public int batch;

    private NDManager manager;
    private Regularizer reg;
    private NDArray input;

    @Setup(Level.Trial)
    public void setUp() {
        EngineBootstrap.start(BenchConfig.SEED);
        manager = Tensors.newManager();
        reg = RegularizerBench.create(regularizer);
        input = manager.randomNormal(0f, 1f, new Shape(batch, dim), DataType.FLOAT32);
    }

    @Benchmark
    public double valueAndGradient(Blackhole bh) {
        return run(manager, reg, input, bh);
    }

    /** The measured operation, shared with the runner's probe. */
    static double run(NDManager manager, Regularizer reg, NDArray input, Blackhole bh) {
        try (NDManager sub = manager.newSubManager()) {
            input.tempAttach(sub);
            Gradients.ValueAndGradient vg = Gradients.valueAndGradient(reg, input);
            if (bh != null) {
                bh.consume(vg.gradient());
            }
            return vg.perSample()[0];
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }
}
