package netc.spark;

import java.io.Serializable;
import java.util.Locale;

import netc.runtime.InputException;
import netc.runtime.train.Adam;
import netc.runtime.train.Momentum;
import netc.runtime.train.Optimizer;
import netc.runtime.train.Sgd;
import netc.runtime.train.TrainingDefaults;

/**
 * Which optimizer to train with, as a value that travels to the executors (in local-SGD mode every partition steps an
 * optimizer of its own): the runtime's {@link Sgd}, {@link Momentum} and {@link Adam}, with their default settings
 * besides the learning rate.
 *
 * @param name         {@code sgd}, {@code momentum} or {@code adam}
 * @param learningRate the base learning rate, before the schedule
 */
public record OptimizerChoice(String name, double learningRate) implements Serializable {

    /** @throws InputException if the name is not an optimizer or the rate is not positive */
    public OptimizerChoice {
        name = name == null ? "" : name.toLowerCase(Locale.ROOT);
        if (!name.equals("sgd") && !name.equals("momentum") && !name.equals("adam")) {
            throw new InputException("training", "optimizer must be sgd, momentum or adam, got '" + name + "'");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new InputException("training", "learning rate must be finite and > 0, got " + learningRate);
        }
    }

    /** The optimizer {@code name} at its default rate ({@link TrainingDefaults}). */
    public static OptimizerChoice of(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        double rate = switch (n) {
            case "sgd" -> TrainingDefaults.SGD_LEARNING_RATE;
            case "adam" -> TrainingDefaults.ADAM_LEARNING_RATE;
            default -> TrainingDefaults.MOMENTUM_LEARNING_RATE;
        };
        return new OptimizerChoice(n, rate);
    }

    /** The single-machine trainer's default, {@link TrainingDefaults#optimizer()}: momentum. */
    public static OptimizerChoice defaults() {
        return of("momentum");
    }

    /** A new optimizer with these settings and no state. */
    public Optimizer create() {
        return switch (name) {
            case "sgd" -> new Sgd(learningRate);
            case "adam" -> new Adam(learningRate);
            default -> new Momentum(learningRate);
        };
    }
}
