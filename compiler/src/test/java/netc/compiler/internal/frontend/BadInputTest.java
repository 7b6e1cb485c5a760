package netc.compiler.internal.frontend;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.UserError;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code frontend/bad/*.net} must be rejected with exactly the diagnostics in the {@code .err} beside it: the
 * rendered text, with positions, source lines, carets and notes. The file's name in messages is its base name, so
 * the goldens do not depend on where the checkout lives.
 */
class BadInputTest {

    @TestFactory
    List<DynamicTest> everyBadFileIsRejectedWithItsGoldenDiagnostics() {
        Path dir = Golden.resources("frontend/bad");
        return Golden.list(dir, ".net").stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(),
                () -> {
                    SourceFile source = new SourceFile(file.getFileName().toString(), Golden.read(file));
                    UserError e = assertThrows(UserError.class, () -> Frontend.analyze(source),
                            file.getFileName() + " should be rejected");
                    String name = file.getFileName().toString().replaceAll("\\.net$", ".err");
                    Golden.check(dir.resolve(name), e.getMessage() + "\n");
                })).collect(Collectors.toList());
    }
}
