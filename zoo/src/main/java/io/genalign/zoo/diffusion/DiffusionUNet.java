package io.genalign.zoo.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A small class-conditional UNet that predicts the noise eps of x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps.
 *
 * <p>Inputs: x_t (B, 1, 28, 28); the timestep index t as float (B), 0 &le; t &lt; T; the class as one-hot
 * (B, {@link #CONDITIONS}) whose last column is the "no class" condition used for classifier-free guidance.
 * Output: eps_hat (B, 1, 28, 28).
 *
 * <p>Layout (C = {@link #BASE} = 32): conv3 1→C; res(C) at 28x28; conv3 s2 C→2C; res(2C) at 14x14; conv3 s2
 * 2C→2C; res(2C) at 7x7; up x2, concat skip, res(4C→2C) at 14x14; up x2, concat skip, res(3C→C) at 28x28;
 * GN, SiLU, conv3 C→1. A res block is GN → SiLU → conv3 → + linear(embedding) → GN → SiLU → conv3, plus the
 * input (1x1 conv where the channels change). GN is group normalisation with {@link #GROUPS} groups and no
 * affine parameters (DJL has no GroupNorm block). The embedding is SiLU(MLP(sinusoid(t)) + E·y), width
 * {@link #EMBED}.
 */
public final class DiffusionUNet extends AbstractBlock {
    private static final byte VERSION = 1;
    /** Channels at full resolution. */
    public static final int BASE = 32;
    /** Embedding width. */
    public static final int EMBED = 64;
    /** Sinusoid features of the timestep. */
    public static final int SINUSOID = 32;
    /** Groups of the group normalisation. */
    public static final int GROUPS = 8;
    /** Conditions: the 10 classes and "no class" (index 10). */
    public static final int CONDITIONS = 11;
    /** The "no class" condition's index. */
    public static final int NULL_CLASS = 10;

    private final Block inConv;
    private final ResBlock r1;
    private final Block down1;
    private final ResBlock r2;
    private final Block down2;
    private final ResBlock mid;
    private final ResBlock u2;
    private final ResBlock u1;
    private final Block outConv;
    private final Block temb1;
    private final Block temb2;
    private final Block cemb;
    private final int timesteps;

    /** @param timesteps T, the number of diffusion steps (scales the sinusoid's argument to [0, 1000)) */
    public DiffusionUNet(int timesteps) {
        super(VERSION);
        this.timesteps = timesteps;
        int c = BASE;
        inConv = addChildBlock("in", conv(c, 3, 1, 1));
        r1 = addChildBlock("r1", new ResBlock(c, c));
        down1 = addChildBlock("down1", conv(2 * c, 3, 2, 1));
        r2 = addChildBlock("r2", new ResBlock(2 * c, 2 * c));
        down2 = addChildBlock("down2", conv(2 * c, 3, 2, 1));
        mid = addChildBlock("mid", new ResBlock(2 * c, 2 * c));
        u2 = addChildBlock("u2", new ResBlock(4 * c, 2 * c));
        u1 = addChildBlock("u1", new ResBlock(3 * c, c));
        outConv = addChildBlock("out", conv(1, 3, 1, 1));
        temb1 = addChildBlock("temb1", Linear.builder().setUnits(EMBED).build());
        temb2 = addChildBlock("temb2", Linear.builder().setUnits(EMBED).build());
        cemb = addChildBlock("cemb", Linear.builder().setUnits(EMBED).optBias(false).build());
    }

    static Block conv(int filters, int kernel, int stride, int pad) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(pad, pad)).build();
    }

    /** Group normalisation without affine parameters: per sample and group, zero mean and unit variance. */
    static NDArray groupNorm(NDArray x) {
        Shape s = x.getShape();
        NDArray g = x.reshape(s.get(0), GROUPS, -1);
        NDArray mean = g.mean(new int[] {2}, true);
        NDArray centred = g.sub(mean);
        NDArray var = centred.square().mean(new int[] {2}, true);
        return centred.div(var.add(1e-5f).sqrt()).reshape(s);
    }

    static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** Sinusoidal features of t·1000/T: (B) → (B, SINUSOID). */
    NDArray sinusoid(NDArray t) {
        int half = SINUSOID / 2;
        float[] freq = new float[half];
        for (int i = 0; i < half; i++) {
            freq[i] = (float) Math.exp(-Math.log(10000.0) * i / half);
        }
        NDArray f = t.getManager().create(freq).toType(t.getDataType(), false).reshape(1, half);
        NDArray arg = t.mul(1000f / timesteps).reshape(-1, 1).mul(f);
        return arg.sin().concat(arg.cos(), 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray x = inputs.get(0);
        NDArray t = inputs.get(1);
        NDArray y = inputs.get(2);
        NDArray e = temb1.forward(ps, new NDList(sinusoid(t)), training, p).singletonOrThrow();
        e = temb2.forward(ps, new NDList(silu(e)), training, p).singletonOrThrow();
        e = silu(e.add(cemb.forward(ps, new NDList(y), training, p).singletonOrThrow()));
        NDArray h0 = inConv.forward(ps, new NDList(x), training, p).singletonOrThrow();
        NDArray h1 = r1.apply(ps, h0, e, training, p);
        NDArray h2 = r2.apply(ps, down1.forward(ps, new NDList(h1), training, p).singletonOrThrow(), e, training, p);
        NDArray h3 = mid.apply(ps, down2.forward(ps, new NDList(h2), training, p).singletonOrThrow(), e, training, p);
        NDArray up2 = u2.apply(ps, up(h3).concat(h2, 1), e, training, p);
        NDArray up1 = u1.apply(ps, up(up2).concat(h1, 1), e, training, p);
        NDArray out = outConv.forward(ps, new NDList(silu(groupNorm(up1))), training, p).singletonOrThrow();
        return new NDList(out);
    }

    private static NDArray up(NDArray x) {
        return x.repeat(2, 2).repeat(3, 2);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        int c = BASE;
        inConv.initialize(manager, dataType, new Shape(b, 1, 28, 28));
        r1.initialize(manager, dataType, new Shape(b, c, 28, 28), new Shape(b, EMBED));
        down1.initialize(manager, dataType, new Shape(b, c, 28, 28));
        r2.initialize(manager, dataType, new Shape(b, 2 * c, 14, 14), new Shape(b, EMBED));
        down2.initialize(manager, dataType, new Shape(b, 2 * c, 14, 14));
        mid.initialize(manager, dataType, new Shape(b, 2 * c, 7, 7), new Shape(b, EMBED));
        u2.initialize(manager, dataType, new Shape(b, 4 * c, 14, 14), new Shape(b, EMBED));
        u1.initialize(manager, dataType, new Shape(b, 3 * c, 28, 28), new Shape(b, EMBED));
        outConv.initialize(manager, dataType, new Shape(b, c, 28, 28));
        temb1.initialize(manager, dataType, new Shape(b, SINUSOID));
        temb2.initialize(manager, dataType, new Shape(b, EMBED));
        cemb.initialize(manager, dataType, new Shape(b, CONDITIONS));
    }

    /** Residual block with an additive embedding projection. Inputs: x (B, Cin, H, W), embedding (B, EMBED). */
    static final class ResBlock extends AbstractBlock {
        private final Block conv1;
        private final Block conv2;
        private final Block proj;
        private final Block skip;
        private final int cin;
        private final int cout;

        ResBlock(int cin, int cout) {
            super(VERSION);
            this.cin = cin;
            this.cout = cout;
            conv1 = addChildBlock("conv1", conv(cout, 3, 1, 1));
            conv2 = addChildBlock("conv2", conv(cout, 3, 1, 1));
            proj = addChildBlock("proj", Linear.builder().setUnits(cout).build());
            skip = cin == cout ? null : addChildBlock("skip", conv(cout, 1, 1, 0));
        }

        NDArray apply(ParameterStore ps, NDArray x, NDArray e, boolean training, PairList<String, Object> p) {
            return forward(ps, new NDList(x, e), training, p).singletonOrThrow();
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> p) {
            NDArray x = inputs.get(0);
            NDArray e = inputs.get(1);
            NDArray h = conv1.forward(ps, new NDList(silu(groupNorm(x))), training, p).singletonOrThrow();
            NDArray pe = proj.forward(ps, new NDList(e), training, p).singletonOrThrow();
            h = h.add(pe.reshape(pe.getShape().get(0), cout, 1, 1));
            h = conv2.forward(ps, new NDList(silu(groupNorm(h))), training, p).singletonOrThrow();
            NDArray s = skip == null ? x : skip.forward(ps, new NDList(x), training, p).singletonOrThrow();
            return new NDList(h.add(s));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape s = inputShapes[0];
            return new Shape[] {new Shape(s.get(0), cout, s.get(2), s.get(3))};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape s = inputShapes[0];
            conv1.initialize(manager, dataType, s);
            Shape hs = new Shape(s.get(0), cout, s.get(2), s.get(3));
            conv2.initialize(manager, dataType, hs);
            proj.initialize(manager, dataType, inputShapes[1]);
            if (skip != null) {
                skip.initialize(manager, dataType, s);
            }
        }
    }
}
