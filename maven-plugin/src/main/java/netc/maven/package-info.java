/**
 * The netc Maven plugin: goal {@code netc:generate} compiles {@code .net} model files to Java sources ahead of
 * time, in the generate-sources phase.
 */
package netc.maven;
