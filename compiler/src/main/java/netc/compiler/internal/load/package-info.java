/**
 * Turning generated Java source into loaded classes: {@link netc.compiler.internal.load.JaninoLoader} compiles in-process
 * with Janino and loads each compilation in its own child-first class loader. A javac-based twin for differential
 * tests lives in test scope ({@code JavacLoader}).
 */
package netc.compiler.internal.load;
