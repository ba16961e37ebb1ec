package io.genalign.zoo.train;

import io.genalign.zoo.data.FashionMnist;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Trains one zoo model from the command line (the CLI's {@code genalign zoo train} does the same with a
 * progress bar and the loss plot): {@code TrainMain MODEL WORKDIR [STEPS]}. It writes no {@code loss-curve.png}:
 * plotting lives in the report layer (the CLI).
 */
public final class TrainMain {
    private TrainMain() {}

    public static void main(String[] args) throws Exception {
        String model = args[0];
        Path work = Paths.get(args[1]);
        TrainOptions o = TrainOptions.defaults(model);
        if (args.length > 2) {
            o = o.withSteps(Integer.parseInt(args[2]));
        }
        FashionMnist data = FashionMnist.load(null);
        long t0 = System.nanoTime();
        ZooTrainer.Result r = ZooTrainer.train(model, work, o, data, (step, total, losses) -> {
            if (step % 50 == 0 || step == total) {
                System.out.printf("%s step %d/%d %s %.1fs%n", model, step, total, losses, (System.nanoTime() - t0) / 1e9);
            }
        });
        System.out.println("done " + r);
    }
}
