package io.genalign.spark;

import io.genalign.cli.GenalignCli;
import io.genalign.core.runtime.EngineBootstrap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point for {@code spark-submit}: {@code spark-submit --master URL --class io.genalign.spark.SparkBatchMain
 * genalign-spark.jar --model M --prompts FILE ...} runs {@code genalign batch} with the given arguments on the
 * master spark-submit chose (its {@code spark.master}), unless {@code --spark-master} is among the arguments.
 */
public final class SparkBatchMain {
    private SparkBatchMain() {}

    public static void main(String[] args) {
        EngineBootstrap.ensureOffline();
        List<String> a = new ArrayList<>();
        a.add("batch");
        a.addAll(Arrays.asList(args));
        if (!a.contains("--spark-master") && a.stream().noneMatch(s -> s.startsWith("--spark-master="))) {
            a.add("--spark-master");
            a.add(System.getProperty("spark.master", "local[*]"));
        }
        System.exit(GenalignCli.execute(a.toArray(new String[0])));
    }
}
