package io.genalign.core.model.torchscript;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import io.genalign.core.model.Condition;
import io.genalign.core.runtime.EngineBootstrap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A user's TorchScript module loaded with DJL's PyTorch engine so that gradients flow to its inputs.
 *
 * <p>Recipe: the file is loaded with the option {@code trainParam=true} (DJL's PtModel otherwise loads the
 * module in a no-grad guard), the module is switched to eval mode (dropout off, batch norm on running
 * statistics), its parameters are frozen (no gradients are accumulated on the weights), and {@code forward}
 * runs through {@code IValueUtils.forward(block, inputs, true)}, the path that keeps autograd on. The module
 * is loaded on {@link EngineBootstrap#device()}.
 *
 * <p>Data types: the latents/images must already be in the module's data type. They are not cast, because
 * DJL 0.35.1's {@code NDArray.toType} runs under a no-grad guard and would cut the gradient; a mismatch throws
 * {@link IllegalArgumentException} saying which type to create the inputs in.
 */
final class TorchScriptModule implements AutoCloseable {
    private final Path file;
    private final Model model;
    private final PtSymbolBlock block;
    private final DataType dataType;
    private final ConditionInput conditionInput;
    private final Map<String, float[]> embeddings;
    private final Shape embeddingShape;

    private TorchScriptModule(Path file, Model model, PtSymbolBlock block, DataType dataType,
            ConditionInput conditionInput, Map<String, float[]> embeddings, Shape embeddingShape) {
        this.file = file;
        this.model = model;
        this.block = block;
        this.dataType = dataType;
        this.conditionInput = conditionInput;
        this.embeddings = embeddings;
        this.embeddingShape = embeddingShape;
    }

    /** Loads {@code file}; a missing, unreadable or corrupt file is an IOException naming it. */
    static TorchScriptModule load(Path file, String what, DataType dataType, ConditionInput conditionInput,
            Map<String, float[]> embeddings, Shape embeddingShape) throws IOException {
        Objects.requireNonNull(file, what + " TorchScript file");
        Objects.requireNonNull(conditionInput, "condition input");
        if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT64 && dataType != DataType.FLOAT16) {
            throw new IllegalArgumentException(what + " data type must be float16, float32 or float64, got "
                    + dataType);
        }
        if (conditionInput == ConditionInput.PROMPT_EMBEDDING && embeddings.isEmpty()) {
            throw new IllegalArgumentException(what + " takes prompt embeddings (PROMPT_EMBEDDING) but none were "
                    + "given: add one per prompt with optPromptEmbedding");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, what + " TorchScript file does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IOException(what + " TorchScript file is not a readable regular file: " + file);
        }
        EngineBootstrap.ensureOffline();
        Model model = Model.newInstance(what, EngineBootstrap.device(), "PyTorch");
        try {
            model.load(file, null, Map.of("trainParam", "true", "mapLocation", "true"));
            if (!(model.getBlock() instanceof PtSymbolBlock block)) {
                throw new IOException(what + " file " + file + " did not load as a TorchScript module");
            }
            JniUtils.enableInferenceMode(block); // module.eval()
            block.freezeParameters(true); // gradients for inputs only
            return new TorchScriptModule(file, model, block, dataType, conditionInput,
                    new LinkedHashMap<>(embeddings), embeddingShape);
        } catch (MalformedModelException | EngineException | IOException e) {
            model.close();
            throw new IOException("cannot load " + what + " TorchScript file " + file + " (is it a file saved by "
                    + "torch.jit.save / torch.jit.trace(...).save?): " + e.getMessage(), e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** The floating type the module computes in. */
    DataType dataType() {
        return dataType;
    }

    /** Whether any module parameter would receive a gradient (false after loading: they are frozen). */
    boolean anyParameterRequiresGradient() {
        return block.getParameters().values().stream().anyMatch(p -> p.getArray().hasGradient());
    }

    /**
     * Runs {@code forward(x)} or {@code forward(x, condition tensor)} according to the condition input, and
     * returns the single output (in the module's data type, which {@code x} must have).
     */
    NDArray forward(NDArray x, Condition condition) {
        NDManager m = x.getManager();
        if (x.getDataType() != dataType) {
            throw new IllegalArgumentException("inputs are " + x.getDataType() + " but the TorchScript module " + file
                    + " computes in " + dataType + "; create them as " + dataType + " (a cast would cut the "
                    + "gradient: DJL's toType is not differentiable)");
        }
        NDList inputs = new NDList(x);
        switch (conditionInput) {
            case NONE -> { }
            case CLASS_INDEX -> inputs.add(m.create(toLongs(condition.classIds())));
            case PROMPT_EMBEDDING -> inputs.add(embeddingBatch(m, condition));
        }
        NDList out;
        try {
            out = IValueUtils.forward(block, inputs, true);
        } catch (EngineException e) {
            throw new IllegalArgumentException("TorchScript module " + file + " failed on inputs "
                    + describe(inputs) + ": " + e.getMessage(), e);
        }
        if (out.size() != 1) {
            throw new IllegalStateException("TorchScript module " + file + " returned " + out.size()
                    + " outputs; genalign expects exactly one tensor");
        }
        NDArray y = out.get(0);
        if (y.getDataType() != dataType) {
            throw new IllegalStateException("TorchScript module " + file + " returned " + y.getDataType()
                    + " for " + dataType + " inputs; genalign expects the output in the input's type");
        }
        return y;
    }

    private NDArray embeddingBatch(NDManager m, Condition condition) {
        int b = condition.batchSize();
        int size = Math.toIntExact(embeddingShape.size());
        float[] all = new float[b * size];
        for (int i = 0; i < b; i++) {
            String prompt = condition.prompts().get(i);
            float[] e = embeddings.get(prompt);
            if (e == null) {
                throw new IllegalArgumentException("no prompt embedding for \"" + prompt + "\" in " + file
                        + "; known prompts: " + embeddings.keySet());
            }
            System.arraycopy(e, 0, all, i * size, size);
        }
        return m.create(all, new Shape(b).addAll(embeddingShape)).toType(dataType, false);
    }

    private static long[] toLongs(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return l;
    }

    private static String describe(NDList inputs) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < inputs.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(inputs.get(i).getShape()).append(' ').append(inputs.get(i).getDataType());
        }
        return b.append(')').toString();
    }

    @Override
    public void close() {
        model.close();
    }
}
