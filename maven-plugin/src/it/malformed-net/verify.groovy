// The build failed (invoker.buildResult) for the right reason, said the right way.
def log = new File(basedir, 'build.log').text
def expected = 'src/main/netc/com/example/bad.net:9:19: error: unknown name \'c\''
assert log.contains(expected) : "build.log lacks the compiler's message: ${expected}"
assert log.contains('[ERROR] Failed to execute goal io.github.netc:netc-maven-plugin')
// A user's mistake, not a netc bug: no stack trace, no internal-error wording.
assert !log.contains('\tat netc.') : 'a stack trace in build.log'
assert !log.contains('internal error')
// Nothing half-written.
assert !new File(basedir, 'target/generated-sources/netc/com/example/Bad.java').exists()
true
