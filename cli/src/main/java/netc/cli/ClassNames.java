package netc.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netc.compiler.internal.source.UserError;
import netc.runtime.ModelSpec;
import netc.runtime.TargetKind;
import netc.runtime.data.FashionMnist;
import netc.runtime.io.AtomicFiles;

/**
 * The names {@code netc eval} prints for the classes: from a {@code --labels} file (one name per line), else
 * Fashion-MNIST's when the data is Fashion-MNIST (the default data, or an IDX directory whose path says
 * "fashion"), else the class numbers.
 */
final class ClassNames {
    private ClassNames() {
    }

    /**
     * The names of the network's classes, or null for a network that predicts real values.
     *
     * @throws UserError if {@code --labels} is given for real values, cannot be read, has a blank or control-character
     *                   name, or has a different number of names than the network has classes
     */
    static List<String> resolve(Path labels, Path data, ModelSpec spec) {
        if (spec.targetKind() != TargetKind.CLASSES) {
            if (labels != null) {
                throw new UserError("--labels", "network '" + spec.name() + "' predicts real values, not classes");
            }
            return null;
        }
        int classes = spec.targetSize();
        if (labels != null) {
            return read(labels, classes, spec.name());
        }
        if (classes == FashionMnist.CLASSES && isFashionMnist(data)) {
            return FashionMnist.CLASS_NAMES;
        }
        List<String> numbers = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            numbers.add(Integer.toString(k));
        }
        return numbers;
    }

    /** Without {@code --data} a 10-class, 784-input network gets Fashion-MNIST (see {@link DataSource}). */
    private static boolean isFashionMnist(Path data) {
        return data == null || (Files.isDirectory(data)
                && data.toAbsolutePath().normalize().toString().toLowerCase(Locale.ROOT).contains("fashion"));
    }

    private static List<String> read(Path file, int classes, String network) {
        List<String> lines;
        try {
            lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new UserError(file.toString(), "no such file");
        } catch (CharacterCodingException e) {
            throw new UserError(file.toString(), "expected UTF-8 text with one class name per line");
        } catch (IOException e) {
            throw new UserError(file.toString(), "cannot read: " + AtomicFiles.reason(e));
        }
        // A final newline, or a few, is not a class.
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        for (int i = 0; i < lines.size(); i++) {
            String name = lines.get(i).strip();
            if (name.isEmpty()) {
                throw new UserError(file + ":" + (i + 1), "expected a class name, found an empty line");
            }
            if (name.chars().anyMatch(Character::isISOControl)) {
                throw new UserError(file + ":" + (i + 1), "class name contains a control character");
            }
            lines.set(i, name);
        }
        if (lines.size() != classes) {
            throw new UserError(file.toString(), "expected " + classes + " class names, one per line (network '"
                    + network + "' predicts " + classes + " classes), found " + lines.size());
        }
        return List.copyOf(lines);
    }
}
