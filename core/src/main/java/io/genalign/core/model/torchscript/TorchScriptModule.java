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
import io.genalign.core.model.ModelInputs;
import io.genalign.core.model.PromptTokenizer;
import io.genalign.core.runtime.EngineBootstrap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

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
 *
 * <p>Errors: every message is one line that starts with the module's label (the builder's {@code optLabel}, by
 * default the file path) so that a user knows which file failed. libtorch's TorchScript errors are long (an
 * interpreter traceback, C++ frames); the message keeps only their last meaningful line (see {@link
 * #reduceEngineMessage(String)}) and the engine's exception, with the full text, is the cause.
 */
final class TorchScriptModule implements AutoCloseable {
    private static final Pattern ERROR_LINE = Pattern.compile("^(?:[A-Za-z_.]*(?:Error|Exception)): .+");

    private final Path file;
    private final String label;
    private final Model model;
    private final PtSymbolBlock block;
    private final DataType dataType;
    private final ConditionInput conditionInput;
    private final Map<String, float[]> embeddings;
    private final Shape embeddingShape;
    private final UnaryOperator<String> promptKey;
    private final PromptTokenizer tokenizer;
    private final int numClasses;
    private final boolean trainable;
    /** The last condition tokenised and its ids (a run asks for the same condition every step). */
    private volatile TokenCache lastTokens;

    private record TokenCache(Condition condition, long[][] ids) {}

    private TorchScriptModule(Path file, String label, Model model, PtSymbolBlock block, ModuleOptions o) {
        this.file = file;
        this.label = label;
        this.model = model;
        this.block = block;
        this.dataType = o.dataType;
        this.conditionInput = o.conditionInput;
        this.embeddings = new LinkedHashMap<>(o.embeddings.values());
        this.embeddingShape = o.embeddings.shape();
        this.promptKey = o.promptKey;
        this.tokenizer = o.tokenizer;
        this.numClasses = o.numClasses;
        this.trainable = o.trainable;
    }

    /**
     * Loads {@code file} with the settings {@code o} (snapshotted); a missing, unreadable or corrupt file is an
     * IOException naming it, inconsistent settings (e.g. {@link ConditionInput#TOKENS} without a tokenizer) an
     * IllegalArgumentException.
     */
    static TorchScriptModule load(Path file, String what, ModuleOptions o) throws IOException {
        Objects.requireNonNull(file, what + " TorchScript file");
        DataType dataType = o.dataType;
        String label = o.label != null ? o.label : file.toString();
        if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT64 && dataType != DataType.FLOAT16) {
            throw new IllegalArgumentException(what + " data type must be float16, float32 or float64, got "
                    + dataType);
        }
        if (o.conditionInput == ConditionInput.PROMPT_EMBEDDING && o.embeddings.values().isEmpty()) {
            throw new IllegalArgumentException(what + " takes prompt embeddings (PROMPT_EMBEDDING) but none were "
                    + "given: add one per prompt with optPromptEmbedding");
        }
        if (o.conditionInput == ConditionInput.TOKENS && o.tokenizer == null) {
            throw new IllegalArgumentException(what + " takes token ids (TOKENS) but no tokenizer was given: "
                    + "set one with optTokenizer");
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
            if (o.trainable) {
                // trainParam=true already gives every TorchScript parameter requires_grad; make sure of it
                for (var p : block.getParameters()) {
                    p.getValue().getArray().setRequiresGradient(true);
                }
            } else {
                block.freezeParameters(true); // gradients for inputs only
            }
            return new TorchScriptModule(file, label, model, block, o);
        } catch (MalformedModelException | EngineException | IOException e) {
            model.close();
            throw new IOException("cannot load " + what + " TorchScript file " + file + " (is it a file saved by "
                    + "torch.jit.save / torch.jit.trace(...).save?): " + reduceEngineMessage(e.getMessage()), e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** The name of the file in error messages. */
    String label() {
        return label;
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
     * Runs the module on a checked batch of {@code images} and returns one value per sample, shape (B): the module
     * may return (B) or (B, 1); anything else is an {@link IllegalStateException} naming the file and {@code what}.
     */
    NDArray forwardPerSample(NDArray images, Shape imageShape, Condition condition, String what) {
        int b = ModelInputs.requireBatch(images, imageShape, "images");
        ModelInputs.requireCondition(condition, b);
        NDArray y = forward(images, condition);
        Shape s = y.getShape();
        if (s.equals(new Shape(b, 1))) {
            return y.reshape(b);
        }
        if (!s.equals(new Shape(b))) {
            throw new IllegalStateException(label() + ": " + what + " of shape " + s + ", expected (" + b + ") or ("
                    + b + ", 1)");
        }
        return y;
    }

    /**
     * Runs {@code forward(x)} or {@code forward(x, condition tensor)} according to the condition input, and
     * returns the single output (in the module's data type, which {@code x} must have).
     */
    NDArray forward(NDArray x, Condition condition) {
        return forward(new NDList(x), condition);
    }

    /**
     * Runs {@code forward(leading..., condition tensor)}: the leading inputs (the first in the module's data type,
     * e.g. x_t, then e.g. int64 timesteps) followed by the condition input, if any.
     */
    NDArray forward(NDList leading, Condition condition) {
        NDArray x = leading.get(0);
        NDManager m = x.getManager();
        if (x.getDataType() != dataType) {
            throw new IllegalArgumentException(label + ": inputs are " + x.getDataType() + " but the module "
                    + "computes in " + dataType + "; create them as " + dataType + " (a cast would cut the "
                    + "gradient: DJL's toType is not differentiable)");
        }
        NDList inputs = new NDList(leading);
        switch (conditionInput) {
            case NONE -> { }
            case CLASS_INDEX -> inputs.add(m.create(classIds(condition)));
            case PROMPT_EMBEDDING -> inputs.add(embeddingBatch(m, condition));
            case TOKENS -> inputs.add(m.create(tokenIds(condition)));
        }
        NDList out;
        try {
            out = IValueUtils.forward(block, inputs, true);
        } catch (EngineException e) {
            throw new IllegalArgumentException(label + ": " + reduceEngineMessage(e.getMessage()) + " (inputs "
                    + describe(inputs) + ")", e);
        }
        if (out.size() != 1) {
            throw new IllegalStateException(label + ": forward returned " + out.size() + " outputs; genalign "
                    + "expects exactly one tensor");
        }
        NDArray y = out.get(0);
        if (y.getDataType() != dataType) {
            throw new IllegalStateException(label + ": forward returned " + y.getDataType() + " for " + dataType
                    + " inputs; genalign expects the output in the input's type");
        }
        return y;
    }

    /** Whether the module was loaded with trainable parameters. */
    boolean trainable() {
        return trainable;
    }

    /** The module's parameters (DJL names, e.g. {@code conv_in.weight}), sharing storage with the module. */
    ai.djl.nn.ParameterList parameters() {
        return block.getParameters();
    }

    /**
     * Writes the module, with its current parameter values, as a TorchScript archive (libtorch's
     * {@code torch::jit::Module::save} through DJL's {@code JniUtils.writeModule}); {@code torch.jit.load} reads it.
     */
    void save(java.io.OutputStream out) {
        JniUtils.writeModule(block, out, false);
    }

    private long[] classIds(Condition condition) {
        long[] ids = new long[condition.batchSize()];
        for (int i = 0; i < ids.length; i++) {
            int c = condition.classId(i);
            if (c < 0 || (numClasses > 0 && c >= numClasses)) {
                throw new IllegalArgumentException(label + ": class id " + c + " out of range ("
                        + (numClasses > 0 ? "0.." + (numClasses - 1) : "must be non-negative") + ") for sample " + i
                        + " (prompt \"" + condition.prompts().get(i) + "\")");
            }
            ids[i] = c;
        }
        return ids;
    }

    private long[][] tokenIds(Condition condition) {
        TokenCache c = lastTokens;
        if (c != null && (c.condition() == condition || c.condition().equals(condition))) {
            return c.ids(); // a Condition is immutable; the ids are only read (NDManager.create copies them)
        }
        long[][] ids = tokenizer.encode(condition.prompts());
        if (ids.length != condition.batchSize()) {
            throw new IllegalStateException(label + ": tokenizer " + tokenizer.name() + " returned " + ids.length
                    + " rows for " + condition.batchSize() + " prompts");
        }
        for (long[] row : ids) {
            if (row.length != tokenizer.maxLength()) {
                throw new IllegalStateException(label + ": tokenizer " + tokenizer.name() + " returned a row of "
                        + row.length + " ids, expected " + tokenizer.maxLength());
            }
        }
        lastTokens = new TokenCache(condition, ids);
        return ids;
    }

    private NDArray embeddingBatch(NDManager m, Condition condition) {
        int b = condition.batchSize();
        int size = Math.toIntExact(embeddingShape.size());
        float[] all = new float[b * size];
        for (int i = 0; i < b; i++) {
            String prompt = condition.prompts().get(i);
            float[] e = embeddings.get(promptKey.apply(prompt));
            if (e == null) {
                throw new IllegalArgumentException(label + ": no prompt embedding for \"" + prompt + "\"; known "
                        + "prompts: " + embeddings.keySet());
            }
            System.arraycopy(e, 0, all, i * size, size);
        }
        return m.create(all, new Shape(b).addAll(embeddingShape)).toType(dataType, false);
    }

    /**
     * The one line of a libtorch error worth showing: C++ frames ("frame #...", "Exception raised from ...") and
     * the TorchScript interpreter's traceback are dropped; of what remains, the last line that reads like
     * {@code SomeError: message} (the Python-level exception the script raised) is taken, else the first
     * non-blank line (libtorch's own checks, e.g. "forward() expected at most 2 argument(s) but received 3
     * argument(s). Declaration: ..."). Never returns null; a null or blank text gives "(no message)".
     */
    static String reduceEngineMessage(String text) {
        if (text == null || text.isBlank()) {
            return "(no message)";
        }
        String first = null;
        String lastError = null;
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (line.startsWith("Exception raised from")) {
                break; // the C++ backtrace follows
            }
            if (line.isEmpty() || line.startsWith("frame #")) {
                continue;
            }
            if (first == null) {
                first = line;
            }
            if (ERROR_LINE.matcher(line).matches()) {
                lastError = line;
            }
        }
        String line = lastError != null ? lastError : first != null ? first : text.strip().lines().findFirst()
                .orElse("(no message)");
        return line;
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
