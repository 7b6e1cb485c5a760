package netc.compiler.internal.emit;

import com.palantir.javapoet.CodeBlock;

/** The common epilogues: an optional column bias, then an optional ReLU; see {@link Epilogue#biasRelu}. */
record BiasRelu(String biasArray, String biasOffset, boolean relu) implements Epilogue {

    BiasRelu {
        if ((biasArray == null) != (biasOffset == null)) {
            throw new IllegalArgumentException("bias array and offset go together");
        }
        if (biasArray != null) {
            JavaLiterals.checkedIdentifier(biasArray);
            JavaLiterals.checkedIdentifier(biasOffset);
        }
    }

    @Override
    public CodeBlock scalar(String row, String col, CodeBlock value) {
        JavaLiterals.checkedIdentifier(col);
        CodeBlock v = value;
        if (biasArray != null) {
            v = CodeBlock.of("$L + $L[$L + $L]", v, biasArray, biasOffset, col);
        }
        return relu ? CodeBlock.of("$T.max($L, 0f)", Math.class, v) : v;
    }

    @Override
    public CodeBlock vector(String row, String col, CodeBlock value) {
        JavaLiterals.checkedIdentifier(col);
        CodeBlock v = value;
        if (biasArray != null) {
            v = CodeBlock.of("$L.add($T.fromArray($L, $L, $L + $L))",
                    v, GemmEmitter.FLOAT_VECTOR, GemmEmitter.SPECIES_REF, biasArray, biasOffset, col);
        }
        return relu ? CodeBlock.of("$L.max(0f)", v) : v;
    }
}
