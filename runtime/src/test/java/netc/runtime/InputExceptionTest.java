package netc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InputExceptionTest {

    @Test
    void messageIsContextThenErrorThenDetail() {
        InputException e = new InputException("data.csv:3", "column 2 is not a number: \"x\"");
        assertEquals("data.csv:3: error: column 2 is not a number: \"x\"", e.getMessage());
        assertEquals("data.csv:3", e.context());
        assertEquals("column 2 is not a number: \"x\"", e.detail());
    }

    @Test
    void messageWithoutContextStartsWithError() {
        assertEquals("error: something is wrong", new InputException("", "something is wrong").getMessage());
        assertEquals("error: something is wrong", new InputException(null, "something is wrong").getMessage());
    }
}
