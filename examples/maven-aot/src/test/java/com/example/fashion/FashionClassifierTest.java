package com.example.fashion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import netc.runtime.data.Dataset;
import netc.runtime.data.FashionMnist;
import org.junit.jupiter.api.Test;

/**
 * The committed weights, run through the class javac compiled from the generated source, classify the embedded
 * test images exactly as {@code netc eval} does: the figure in expected-accuracy.properties is what it printed.
 */
class FashionClassifierTest {

    @Test
    void classifiesTheEmbeddedTestImagesWithTheAccuracyNetcEvalReports() throws Exception {
        Path weights = Path.of(FashionClassifierTest.class.getResource("fashion_softmax.safetensors").toURI());
        Dataset test = FashionMnist.loadEmbedded().test();
        int[] predicted = new FashionClassifier(weights).classify(test.x(), test.n());

        int correct = 0;
        for (int i = 0; i < test.n(); i++) {
            if (predicted[i] == test.label(i)) {
                correct++;
            }
        }
        String accuracy = String.format(Locale.ROOT, "%.4f", (double) correct / test.n());
        assertEquals(1000, test.n());
        assertEquals(expectedAccuracy(), accuracy);
    }

    private static String expectedAccuracy() throws Exception {
        Properties p = new Properties();
        try (InputStream in = FashionClassifierTest.class.getResourceAsStream("/expected-accuracy.properties")) {
            p.load(in);
        }
        return p.getProperty("accuracy");
    }
}
