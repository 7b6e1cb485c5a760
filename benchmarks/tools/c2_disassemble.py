#!/usr/bin/env python3
"""Disassembles the C2-compiled methods in a HotSpot -XX:CompileCommand=print log with binutils' objdump.

Without an hsdis plugin HotSpot prints each compiled method's machine code as hex ([MachCode]); this decodes it
(AVX-512 included). Per method (the last non-OSR C2 compile) it writes DIR/<method>.s and prints, for the loop with the
most FMAs: its FMAs, instructions, conditional branches (more than the back edge: range checks left in the loop) and
stack references (spills). Usage:

  java --add-modules jdk.incubator.vector -XX:+UnlockDiagnosticVMOptions \\
      '-XX:CompileCommand=print,*VectorKernels::gemm*' -XX:CompileCommand=quiet -cp ... Main ... > LOG
  python3 benchmarks/tools/c2_disassemble.py LOG [DIR]

(A method pattern may have a '*' only at its start or end.) Debian's libhsdis0-fcml did not decode anything here.
"""
import os
import re
import subprocess
import sys
import tempfile

HEX_LINE = re.compile(r'\s+0x([0-9a-f]+): ((?:[0-9a-f]{4} ?\|? ?)+)\s*$')
INSN = re.compile(r'\s+([0-9a-f]+):\t[0-9a-f ]+\t(.*)$')


def methods(lines):
    """(name, bytes, start address) of the last non-OSR C2 compile of each method."""
    heads = [i for i, l in enumerate(lines) if l.startswith('Compiled method (c2)')]
    found = {}
    for n, i in enumerate(heads):
        if ' % ' in lines[i]:
            continue
        name = re.search(r'::(\S+) \(', lines[i]).group(1)
        end = heads[n + 1] if n + 1 < len(heads) else len(lines)
        code, start = bytearray(), None
        for line in lines[i:end]:
            m = HEX_LINE.match(line)
            if not m:
                continue
            addr = int(m.group(1), 16)
            if start is None:
                start = addr
            if addr < start + len(code):
                continue
            if addr > start + len(code):
                break
            code += bytes.fromhex(m.group(2).replace('|', '').replace(' ', ''))
        if start is not None:
            found[name] = (bytes(code), start)
    return found


def disassemble(code, start):
    with tempfile.NamedTemporaryFile(suffix='.bin') as f:
        f.write(code)
        f.flush()
        return subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '-M', 'intel',
                               '--adjust-vma=%#x' % start, f.name], capture_output=True, text=True, check=True).stdout


def hottest_loop(asm):
    """(fmas, instructions, conditional branches, stack references) of the backward-jump loop with most FMAs."""
    insns = [(int(m.group(1), 16), m.group(2)) for m in map(INSN.match, asm.split('\n')) if m]
    best = None
    for j, (addr, text) in enumerate(insns):
        jump = re.match(r'j\w+\s+0x([0-9a-f]+)', text)
        if not jump or int(jump.group(1), 16) >= addr:
            continue
        body = [t for a, t in insns[:j + 1] if a >= int(jump.group(1), 16)]
        fmas = sum('vfmadd' in t for t in body)
        if fmas and (best is None or fmas > best[0]):
            branches = sum(bool(re.match(r'j(?!mp)\w+\s', t)) for t in body)
            best = (fmas, len(body), branches, sum('[rsp' in t for t in body))
    return best


def main():
    log = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.splitext(log)[0] + '-asm'
    os.makedirs(out, exist_ok=True)
    with open(log, errors='replace') as f:
        lines = f.read().split('\n')
    for name, (code, start) in sorted(methods(lines).items()):
        asm = disassemble(code, start)
        with open(os.path.join(out, name + '.s'), 'w') as f:
            f.write(asm)
        loop = hottest_loop(asm)
        if loop:
            print('%-40s fmas %3d  instructions %4d  branches %3d  stack refs %3d' % ((name,) + loop))
        else:
            print('%-40s no fma loop' % name)


if __name__ == '__main__':
    main()
