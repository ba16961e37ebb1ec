package io.genalign.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The overwrite rules of run folders (issue 12, item 2) and the clean-up of temporary folders (item 5). */
class RunFolderTest {
    @TempDir
    Path tmp;

    final List<String> notices = new ArrayList<>();

    @AfterEach
    void reset() {
        RunFolder.discardUncommitted();
        RunFolder.beginCommand("genalign", List.of(), List.of());
        RunFolder.setNotices(s -> System.err.println("genalign: " + s));
    }

    @Test
    void everyRunFolderCarriesTheMarker() throws Exception {
        RunFolder.beginCommand("genalign test", List.of("--out", "x"), List.of());
        RunFolder f = RunFolder.create(tmp.resolve("run"), false);
        Files.writeString(f.file("a.txt"), "a");
        f.commit();
        String marker = Files.readString(tmp.resolve("run").resolve(RunFolder.MARKER));
        assertTrue(marker.contains("\"command\": \"genalign test\"") && marker.contains("\"time\"")
                && marker.contains("\"version\""), marker);
        assertTrue(Files.exists(tmp.resolve("run/a.txt")));
    }

    @Test
    void overwriteReplacesOnlyAFolderGenalignMade() throws Exception {
        Path mine = tmp.resolve("mine");
        RunFolder f = RunFolder.create(mine, false);
        Files.writeString(f.file("old.txt"), "old");
        f.commit();
        BadInputException refused = assertThrows(BadInputException.class, () -> RunFolder.create(mine, false));
        assertTrue(refused.getMessage().contains("--overwrite"), refused.getMessage());
        RunFolder g = RunFolder.create(mine, true);
        Files.writeString(g.file("new.txt"), "new");
        g.commit();
        assertTrue(Files.exists(mine.resolve("new.txt")) && !Files.exists(mine.resolve("old.txt")));

        Path users = Files.createDirectories(tmp.resolve("users"));
        Files.writeString(users.resolve("thesis.tex"), "precious");
        BadInputException e = assertThrows(BadInputException.class, () -> RunFolder.create(users, true));
        assertTrue(e.getMessage().contains("not made by genalign") && e.getMessage().contains(RunFolder.MARKER),
                e.getMessage());
        assertEquals("precious", Files.readString(users.resolve("thesis.tex")));
        // an empty folder holds nothing to lose
        RunFolder.create(Files.createDirectories(tmp.resolve("empty")), false).commit();
        assertTrue(Files.exists(tmp.resolve("empty").resolve(RunFolder.MARKER)));
    }

    @Test
    void neverTheWorkingDirectoryItsParentsHomeRootOrAnInput() throws Exception {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p : List.of(Path.of("."), cwd, cwd.getParent(), Path.of(System.getProperty("user.home")),
                Path.of("/"))) {
            BadInputException e = assertThrows(BadInputException.class, () -> RunFolder.create(p, true), p.toString());
            assertTrue(e.getMessage().startsWith("refusing"), e.getMessage());
        }
        Path pairs = Files.createDirectories(tmp.resolve("pairs"));
        Files.writeString(pairs.resolve(RunFolder.MARKER), "{}"); // even one genalign made
        Files.writeString(pairs.resolve("pairs.csv"), "x");
        BadInputException e = assertThrows(BadInputException.class, () -> RunFolder.create(pairs, true, pairs));
        assertTrue(e.getMessage().contains("the command reads"), e.getMessage());
        // a folder holding an input, and the inputs registered for the running command
        assertThrows(BadInputException.class, () -> RunFolder.create(tmp, true, pairs.resolve("pairs.csv")));
        RunFolder.beginCommand("genalign dpo", List.of(), List.of(pairs));
        assertThrows(BadInputException.class, () -> RunFolder.create(pairs, true));
        assertEquals("x", Files.readString(pairs.resolve("pairs.csv")));
    }

    @Test
    void staleLeftoversOfDeadProcessesAreRemovedWithANotice() throws Exception {
        RunFolder.setNotices(notices::add);
        Path out = tmp.resolve("report");
        long dead = deadPid();
        Path stale = Files.createDirectories(tmp.resolve(".report.partial-" + dead));
        Files.writeString(stale.resolve("half.png"), "x");
        Path staleOld = Files.createDirectories(tmp.resolve(".report.old-" + dead));
        Path alive = Files.createDirectories(tmp.resolve(".report.partial-" + ProcessHandle.current().parent()
                .orElseThrow().pid()));
        Path otherName = Files.createDirectories(tmp.resolve(".other.partial-" + dead));
        RunFolder.create(out, false).commit();
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(staleOld));
        assertTrue(Files.exists(alive), "a live process's folder is left alone");
        assertTrue(Files.exists(otherName), "another output's folder is left alone");
        assertEquals(2, notices.size(), notices.toString());
        assertTrue(notices.stream().anyMatch(n -> n.startsWith("removed " + stale) && n.contains("interrupted run")),
                notices.toString());
    }

    /** kill -9 between moving the old result aside and moving the new one in: the old one comes back. */
    @Test
    void aReplacementKilledHalfwayRestoresTheEarlierResult() throws Exception {
        RunFolder.setNotices(notices::add);
        long dead = deadPid();
        Path aside = Files.createDirectories(tmp.resolve(".report.old-" + dead));
        Files.writeString(aside.resolve(RunFolder.MARKER), "{}");
        Files.writeString(aside.resolve("index.html"), "earlier result");
        Path half = Files.createDirectories(tmp.resolve(".report.partial-" + dead));
        BadInputException e = assertThrows(BadInputException.class, () -> RunFolder.create(tmp.resolve("report"),
                false));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals("earlier result", Files.readString(tmp.resolve("report/index.html")));
        assertFalse(Files.exists(aside));
        assertFalse(Files.exists(half));
        assertTrue(notices.stream().anyMatch(n -> n.startsWith("restored ")), notices.toString());
    }

    @Test
    void uncommittedPartialFoldersAreRemoved() throws Exception {
        RunFolder f = RunFolder.create(tmp.resolve("failed"), false);
        Files.writeString(f.file("half.csv"), "x");
        assertTrue(Files.exists(f.partial()));
        RunFolder.discardUncommitted(); // what GenalignCli does when a command ends (and the shutdown hook)
        assertFalse(Files.exists(f.partial()));
        assertFalse(Files.exists(tmp.resolve("failed")));
    }

    /** SIGTERM (and SIGINT, which the JVM handles the same way) runs the shutdown hook that removes the partial. */
    @Test
    void sigtermRemovesThePartialFolder() throws Exception {
        Path out = tmp.resolve("killed");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                RunFolderSignalMain.class.getName(), out.toString()).redirectErrorStream(true).start();
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
        assertTrue(line != null && line.startsWith("ready "), String.valueOf(line));
        Path partial = Path.of(line.substring("ready ".length()));
        assertTrue(Files.exists(partial.resolve("half.csv")));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertFalse(Files.exists(partial), "the shutdown hook removed " + partial);
        assertFalse(Files.exists(out));
    }

    /** A pid that no running process has. */
    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        long pid = p.pid();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        return pid;
    }
}
