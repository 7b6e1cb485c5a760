package netc.cli;

import java.math.BigDecimal;
import java.util.Locale;
import netc.compiler.internal.source.UserError;
import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.train.Adam;
import netc.runtime.train.Augmentation;
import netc.runtime.train.EpochReport;
import netc.runtime.train.Optimizer;
import netc.runtime.train.Trainer;
import netc.runtime.train.TrainingRun;
import picocli.CommandLine.Option;

/**
 * The options of {@code netc train} for validation, early stopping and regularisation: what they mean is in
 * {@link Trainer.Builder}; here they are checked (each bad value named by its option) and described in the
 * {@code training:} line.
 */
final class FitOptions {

    @Option(names = "--validation", paramLabel = "F", description = "Hold out this share (0 < F < 1) of the "
            + "training data as a validation set, chosen at random per class from --seed (with a single CSV "
            + "--data file: of the 90%% left after its test hold-out). Each epoch then reports validation loss and "
            + "accuracy; the test set is evaluated once, at the end, on the weights kept (see --keep). Not yet "
            + "with --checkpoint-dir or --resume.")
    Double validation;

    @Option(names = "--patience", paramLabel = "N", description = "With --validation: stop when the validation loss "
            + "has not improved for N epochs in a row.")
    Integer patience;

    @Option(names = "--keep", paramLabel = "best|last", description = "With --validation: the weights the run ends "
            + "with, and --save writes: those of the epoch with the lowest validation loss (best, the default) or "
            + "those of the last step (last).")
    Trainer.Keep keep;

    @Option(names = "--test-every-epoch", description = "With --validation: also evaluate the test set after every "
            + "epoch (and print it), not only at the end.")
    boolean testEveryEpoch;

    @Option(names = "--weight-decay", paramLabel = "W", description = "Weight decay (default 0, none), on every "
            + "parameter, biases included: decoupled for adam (AdamW: w -= lr * W * w each step, lr as scheduled), "
            + "an L2 term W * w added to the gradient for sgd and momentum, as PyTorch's AdamW and SGD do it.")
    Double weightDecay;

    @Option(names = "--clip-norm", paramLabel = "C", description = "Scale each step's gradient down to a global L2 "
            + "norm (over all parameters) of at most C before the optimizer step, as PyTorch's clip_grad_norm_.")
    Double clipNorm;

    @Option(names = "--warmup", paramLabel = "N", description = "Raise the learning rate linearly over the first N "
            + "steps (mini-batches), from lr/(N+1) to lr; the --schedule then runs over the remaining steps.")
    Integer warmup;

    @Option(names = "--augment", paramLabel = "LIST", description = "Change the training images of every batch at "
            + "random: 'flip' mirrors an image left to right with probability 1/2, 'shift=N' moves it by up to N "
            + "pixels in each direction, filling with 0 (torchvision's RandomHorizontalFlip and RandomCrop with "
            + "padding N); e.g. --augment=flip,shift=2. Test and validation images are never changed. Needs an "
            + "image input. Default: none.")
    String augment;

    private Augmentation augmentation = Augmentation.NONE;

    /** Checks every value, naming the option; before anything is compiled or loaded. */
    void check() {
        if (validation != null && !(validation > 0 && validation < 1)) {
            throw new UserError("--validation", "must be a fraction > 0 and < 1, got " + validation);
        }
        if (patience != null && patience < 1) {
            throw new UserError("--patience", "must be at least 1, got " + patience);
        }
        if (validation == null) {
            String without = patience != null ? "--patience" : keep != null ? "--keep" : testEveryEpoch
                    ? "--test-every-epoch" : null;
            if (without != null) {
                throw new UserError(without, "needs --validation: it works on the validation set held out of the "
                        + "training data");
            }
        }
        if (weightDecay != null && (!(weightDecay >= 0) || weightDecay.isInfinite())) {
            throw new UserError("--weight-decay", "must be a finite number >= 0, got " + weightDecay);
        }
        if (clipNorm != null && (!(clipNorm > 0) || clipNorm.isInfinite())) {
            throw new UserError("--clip-norm", "must be a finite number > 0, got " + clipNorm);
        }
        if (warmup != null && warmup < 0) {
            throw new UserError("--warmup", "must be at least 0 steps, got " + warmup);
        }
        if (augment != null) {
            try {
                augmentation = Augmentation.parse(augment);
            } catch (InputException e) {
                throw new UserError("--augment", e.detail());
            }
        }
    }

    /** Checks the options that depend on the model: {@code --augment} needs an image input. */
    void check(ModelSpec spec) {
        try {
            augmentation.requireImage(spec);
        } catch (InputException e) {
            throw new UserError("--augment", e.detail());
        }
    }

    /** Sets the options given on {@code b}. */
    Trainer.Builder apply(Trainer.Builder b) {
        if (validation != null) {
            b.validation(validation).keep(keep).testEveryEpoch(testEveryEpoch);
        }
        if (patience != null) {
            b.patience(patience);
        }
        if (weightDecay != null) {
            b.weightDecay(weightDecay);
        }
        if (clipNorm != null) {
            b.clipNorm(clipNorm);
        }
        if (warmup != null) {
            b.warmup(warmup);
        }
        return b.augmentation(augmentation);
    }

    /** Whether the run holds out a validation set. */
    boolean validating() {
        return validation != null;
    }

    /** The settings given, for the {@code training:} line: {@code ", weight decay 0.01 (decoupled), ..."}. */
    String describe(Optimizer opt) {
        StringBuilder sb = new StringBuilder();
        if (weightDecay != null && weightDecay > 0) {
            sb.append(", weight decay ").append(weightDecay).append(opt instanceof Adam ? " (decoupled)" : " (L2)");
        }
        if (clipNorm != null) {
            sb.append(", gradient norm clipped to ").append(clipNorm);
        }
        if (warmup != null && warmup > 0) {
            sb.append(", ").append(warmup).append(" warm-up step").append(warmup == 1 ? "" : "s");
        }
        if (!augmentation.isNone()) {
            sb.append(", ").append(augmentation.describe());
        }
        if (validation != null) {
            sb.append(String.format(Locale.ROOT, ", %s%% validation", percent(validation)));
            if (patience != null) {
                sb.append(", patience ").append(patience);
            }
            sb.append(", keep ").append((keep == null ? Trainer.Keep.BEST : keep).name().toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    /** The lines after a validated run: the best epoch, whether it stopped early, the test set's figures. */
    String summary(TrainingRun run, int epochs) {
        StringBuilder sb = new StringBuilder();
        int done = run.epochs().size();
        if (run.stoppedEarly() && patience != null && done > 0) {
            sb.append(String.format(Locale.ROOT, "stopped after epoch %d: validation loss not improved for %d "
                    + "epoch%s%n", done, patience, patience == 1 ? "" : "s"));
        }
        if (run.bestEpoch() > 0) {
            double best = run.epochs().get(run.bestEpoch() - 1).validationLoss();
            boolean kept = keep != Trainer.Keep.LAST;
            sb.append(String.format(Locale.ROOT, "best epoch %d of %d (validation loss %.4f); kept the %s weights%n",
                    run.bestEpoch(), done, best, kept ? "best epoch's" : "last"));
        }
        if (run.test() != null) {
            sb.append(String.format(Locale.ROOT, "test loss %.4f", run.test().loss()));
            if (!Double.isNaN(run.test().accuracy())) {
                sb.append(String.format(Locale.ROOT, "  test accuracy %.4f", run.test().accuracy()));
            }
            sb.append(String.format(Locale.ROOT, "  (%,d samples)%n", run.test().samples()));
        }
        return sb.toString();
    }

    /** Steps of linear learning-rate warm-up, 0 without {@code --warmup}. */
    long warmupSteps() {
        return warmup == null ? 0 : warmup;
    }

    /**
     * The evaluated columns of an epoch line: {@code "  val loss 0.41  val accuracy 0.85"} when there is a validation
     * set, then {@code "  test loss ...  test accuracy ..."} when the test set was evaluated that epoch.
     */
    static String evaluated(EpochReport r) {
        StringBuilder sb = new StringBuilder();
        // whether a set was evaluated, not whether its loss is NaN: a NaN loss is shown, as NaN
        if (r.validated()) {
            sb.append(String.format(Locale.ROOT, "  val loss %.4f", r.validationLoss()));
            if (!Double.isNaN(r.validationAccuracy())) {
                sb.append(String.format(Locale.ROOT, "  val accuracy %.4f", r.validationAccuracy()));
            }
        }
        if (r.tested() || !r.validated()) {
            sb.append(String.format(Locale.ROOT, "  test loss %.4f", r.testLoss()));
            if (!Double.isNaN(r.testAccuracy())) {
                sb.append(String.format(Locale.ROOT, "  test accuracy %.4f", r.testAccuracy()));
            }
        }
        return sb.toString();
    }

    private static String percent(double fraction) {
        return new BigDecimal(Double.toString(fraction)).movePointRight(2).stripTrailingZeros().toPlainString();
    }
}
