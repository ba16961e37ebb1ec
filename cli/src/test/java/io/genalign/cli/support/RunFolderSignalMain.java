package io.genalign.cli.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Creates a run folder, writes a file into it, says "ready" and waits to be killed (for RunFolderTest). */
public final class RunFolderSignalMain {
    private RunFolderSignalMain() {}

    public static void main(String[] args) throws Exception {
        RunFolder f = RunFolder.create(Path.of(args[0]), false);
        Files.writeString(f.file("half.csv"), "x");
        System.out.println("ready " + f.partial());
        System.out.flush();
        Thread.sleep(120_000);
    }
}
