package netc.runtime;

/** What a model's target is: a class label out of {@code n} classes, or a vector of {@code n} real values. */
public enum TargetKind {
    /** One class index per sample, stored as a float; the model output has one score per class. */
    CLASSES,
    /** A real-valued vector per sample, compared with the output element by element. */
    VALUES
}
