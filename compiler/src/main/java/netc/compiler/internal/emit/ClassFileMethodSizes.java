package netc.compiler.internal.emit;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the bytecode length of every method in a class file (the {@code code_length} of its {@code Code} attribute,
 * JVMS §4.7.3), so tests can check generated methods against HotSpot's 8,000-byte limit: a larger method is never
 * JIT-compiled and runs interpreted, 10-15x slower (shared/notes/java-kernels.md item 7).
 */
public final class ClassFileMethodSizes {

    /** HotSpot's {@code HugeMethodLimit}: methods with more bytecode than this are not compiled. */
    public static final int HUGE_METHOD_LIMIT = 8000;

    private ClassFileMethodSizes() {
    }

    /**
     * Method name to bytecode length, in class-file order; methods without code (abstract, native) are left out.
     * An overloaded name is keyed by name plus descriptor, e.g. {@code f(I)V}, for every one of its overloads.
     *
     * @throws IllegalArgumentException if the bytes are not a well-formed class file
     */
    public static Map<String, Integer> of(byte[] classFile) {
        try {
            return parse(new DataInputStream(new ByteArrayInputStream(classFile)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a readable class file: " + e, e);
        }
    }

    /** The largest bytecode length among the methods of {@code classFile}, 0 if it has none. */
    public static int largest(byte[] classFile) {
        return of(classFile).values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private static Map<String, Integer> parse(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("bad magic number");
        }
        in.readUnsignedShort(); // minor_version
        in.readUnsignedShort(); // major_version
        String[] utf8 = readConstantPool(in);
        in.readUnsignedShort(); // access_flags
        in.readUnsignedShort(); // this_class
        in.readUnsignedShort(); // super_class
        skip(in, 2 * in.readUnsignedShort()); // interfaces
        int fields = in.readUnsignedShort();
        for (int f = 0; f < fields; f++) {
            skip(in, 6); // access_flags, name_index, descriptor_index
            skipAttributes(in);
        }
        record Method(String name, String descriptor, int codeLength) {
        }
        List<Method> methods = new ArrayList<>();
        Map<String, Integer> nameCounts = new LinkedHashMap<>();
        int count = in.readUnsignedShort();
        for (int m = 0; m < count; m++) {
            in.readUnsignedShort(); // access_flags
            String name = utf8[in.readUnsignedShort()];
            String descriptor = utf8[in.readUnsignedShort()];
            int codeLength = -1;
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                String attribute = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if ("Code".equals(attribute)) {
                    skip(in, 4); // max_stack, max_locals
                    codeLength = in.readInt();
                    skip(in, length - 8);
                } else {
                    skip(in, length);
                }
            }
            nameCounts.merge(name, 1, Integer::sum);
            if (codeLength >= 0) {
                methods.add(new Method(name, descriptor, codeLength));
            }
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (Method m : methods) {
            String key = nameCounts.get(m.name()) > 1 ? m.name() + m.descriptor() : m.name();
            sizes.put(key, m.codeLength());
        }
        return sizes;
    }

    /** Returns the CONSTANT_Utf8 strings by index; other entries are skipped (JVMS §4.4). */
    private static String[] readConstantPool(DataInputStream in) throws IOException {
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF(); // Utf8 (modified UTF-8, as DataInput reads it)
                case 7, 8, 16, 19, 20 -> skip(in, 2); // Class, String, MethodType, Module, Package
                case 15 -> skip(in, 3); // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> skip(in, 4); // Integer, Float, refs, NameAndType, (Invoke)Dynamic
                case 5, 6 -> { // Long, Double take two slots
                    skip(in, 8);
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at index " + i);
            }
        }
        return utf8;
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
            in.readUnsignedShort(); // attribute_name_index
            skip(in, in.readInt());
        }
    }

    private static void skip(DataInputStream in, int bytes) throws IOException {
        if (bytes < 0) {
            throw new IOException("negative length");
        }
        in.skipNBytes(bytes); // throws EOFException on a truncated file
    }
}
