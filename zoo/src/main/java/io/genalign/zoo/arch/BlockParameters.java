package io.genalign.zoo.arch;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.genalign.core.io.BadFileException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Parameter files of the zoo's blocks (DJL's {@code saveParameters} format): what inference loads
 * ({@code Zoo.*FromFile}), what training and preference fine-tuning write and checkpoint.
 */
public final class BlockParameters {
    private BlockParameters() {}

    /** Saves the parameters of {@code block} to {@code file} atomically (a temporary sibling, then a move). */
    public static void save(Block block, Path file) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            block.saveParameters(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Loads parameters saved by {@link #save} into the initialised {@code block}; a file that is not a weight
     * file of this block is a {@link BadFileException} naming it.
     */
    public static void load(Block block, NDManager manager, Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "Is a directory");
        }
        load(block, manager, new BufferedInputStream(Files.newInputStream(file)), file);
    }

    /**
     * As {@link #load(Block, NDManager, Path)} from bytes already read; {@code source} names them in errors.
     */
    public static void load(Block block, NDManager manager, byte[] weights, Path source) throws IOException {
        load(block, manager, new ByteArrayInputStream(weights), source);
    }

    private static void load(Block block, NDManager manager, InputStream stream, Path source) throws IOException {
        try (DataInputStream in = new DataInputStream(stream)) {
            block.loadParameters(manager, in);
        } catch (MalformedModelException | EOFException | UTFDataFormatException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new BadFileException(source, "not a weight file of this model ("
                    + why.substring(0, 1).toLowerCase(Locale.ROOT) + why.substring(1) + ")", e);
        }
    }
}
