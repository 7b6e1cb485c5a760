# C2 code of a generated TN 4x4 tile (FormsProbe.l1TnVec4x4, same statements as MnistMlp.gemm26Vec4x4/gemm31Vec4x4),
# JDK 17.0.15, AMD EPYC (Zen 3, AVX2): -XX:CompileCommand=print without hsdis, hex dump disassembled with objdump.
# Frame: sub $0x240,%rsp. Vectors are ymm (8 floats). 8 of the 16 accumulators live in stack slots: the k loop
# (0x1b0-0x2dd) does vmovdqu slot->reg, vfmadd231ps, vmovdqu reg->slot for them.
 13a:	41 bb e8 03 00 00    	mov    $0x3e8,%r11d
 140:	45 33 c9             	xor    %r9d,%r9d
 143:	c5 fe 7f 4c 24 28    	vmovdqu %ymm1,0x28(%rsp)
 149:	c5 7e 6f c1          	vmovdqu %ymm1,%ymm8
 14d:	c5 fe 7f 8c 24 c8 01 	vmovdqu %ymm1,0x1c8(%rsp)
 154:	00 00 
 156:	c5 fe 7f 8c 24 28 01 	vmovdqu %ymm1,0x128(%rsp)
 15d:	00 00 
 15f:	c5 fe 6f f9          	vmovdqu %ymm1,%ymm7
 163:	c5 fe 7f 8c 24 48 01 	vmovdqu %ymm1,0x148(%rsp)
 16a:	00 00 
 16c:	c5 fe 7f 4c 24 48    	vmovdqu %ymm1,0x48(%rsp)
 172:	c5 fe 7f 8c 24 68 01 	vmovdqu %ymm1,0x168(%rsp)
 179:	00 00 
 17b:	c5 fe 6f f1          	vmovdqu %ymm1,%ymm6
 17f:	c5 fe 7f 4c 24 68    	vmovdqu %ymm1,0x68(%rsp)
 185:	c5 fe 7f 8c 24 a8 01 	vmovdqu %ymm1,0x1a8(%rsp)
 18c:	00 00 
 18e:	c5 fe 6f e9          	vmovdqu %ymm1,%ymm5
 192:	c5 fe 6f e1          	vmovdqu %ymm1,%ymm4
 196:	c5 fe 6f d9          	vmovdqu %ymm1,%ymm3
 19a:	c5 fe 6f d1          	vmovdqu %ymm1,%ymm2
 19e:	45 33 c0             	xor    %r8d,%r8d
 1a1:	33 ff                	xor    %edi,%edi
 1a3:	33 f6                	xor    %esi,%esi
 1a5:	e9 59 01 00 00       	jmp    0x303
 1aa:	66 0f 1f 44 00 00    	nopw   0x0(%rax,%rax,1)
 1b0:	8b f0                	mov    %eax,%esi
 1b2:	c4 c1 f9 6e c5       	vmovq  %r13,%xmm0
 1b7:	03 f5                	add    %ebp,%esi
 1b9:	03 fb                	add    %ebx,%edi
 1bb:	4c 63 d7             	movslq %edi,%r10
 1be:	c4 c1 f9 7e c5       	vmovq  %xmm0,%r13
 1c3:	c4 c2 7d 18 44 bd 10 	vbroadcastss 0x10(%r13,%rdi,4),%ymm0
 1ca:	41 8b c0             	mov    %r8d,%eax
 1cd:	c1 e0 06             	shl    $0x6,%eax
 1d0:	41 8b f8             	mov    %r8d,%edi
 1d3:	c1 e7 02             	shl    $0x2,%edi
 1d6:	83 c0 40             	add    $0x40,%eax
 1d9:	83 c7 04             	add    $0x4,%edi
 1dc:	c5 7e 6f 4c b1 10    	vmovdqu 0x10(%rcx,%rsi,4),%ymm9
 1e2:	c5 7e 6f 54 b1 30    	vmovdqu 0x30(%rcx,%rsi,4),%ymm10
 1e8:	c4 42 7d b8 c1       	vfmadd231ps %ymm9,%ymm0,%ymm8
 1ed:	c5 7e 6f 9c 24 c8 01 	vmovdqu 0x1c8(%rsp),%ymm11
 1f4:	00 00 
 1f6:	c4 42 7d b8 da       	vfmadd231ps %ymm10,%ymm0,%ymm11
 1fb:	c5 7e 7f 9c 24 c8 01 	vmovdqu %ymm11,0x1c8(%rsp)
 202:	00 00 
 204:	c5 7e 6f 5c b1 50    	vmovdqu 0x50(%rcx,%rsi,4),%ymm11
 20a:	c5 7e 6f 64 b1 70    	vmovdqu 0x70(%rcx,%rsi,4),%ymm12
 210:	c4 c2 7d b8 fb       	vfmadd231ps %ymm11,%ymm0,%ymm7
 215:	c5 7e 6f ac 24 48 01 	vmovdqu 0x148(%rsp),%ymm13
 21c:	00 00 
 21e:	c4 42 7d b8 ec       	vfmadd231ps %ymm12,%ymm0,%ymm13
 223:	c5 7e 7f ac 24 48 01 	vmovdqu %ymm13,0x148(%rsp)
 22a:	00 00 
 22c:	c4 02 7d 18 6c 95 1c 	vbroadcastss 0x1c(%r13,%r10,4),%ymm13
 233:	c4 02 7d 18 74 95 18 	vbroadcastss 0x18(%r13,%r10,4),%ymm14
 23a:	c4 02 7d 18 7c 95 14 	vbroadcastss 0x14(%r13,%r10,4),%ymm15
 241:	c5 fe 6f 44 24 28    	vmovdqu 0x28(%rsp),%ymm0
 247:	c4 c2 15 b8 c1       	vfmadd231ps %ymm9,%ymm13,%ymm0
 24c:	c5 fe 7f 44 24 28    	vmovdqu %ymm0,0x28(%rsp)
 252:	c5 fe 6f 44 24 48    	vmovdqu 0x48(%rsp),%ymm0
 258:	c4 c2 05 b8 c1       	vfmadd231ps %ymm9,%ymm15,%ymm0
 25d:	c5 fe 7f 44 24 48    	vmovdqu %ymm0,0x48(%rsp)
 263:	c4 c2 0d b8 e1       	vfmadd231ps %ymm9,%ymm14,%ymm4
 268:	c4 c2 05 b8 f2       	vfmadd231ps %ymm10,%ymm15,%ymm6
 26d:	c4 c2 05 b8 ec       	vfmadd231ps %ymm12,%ymm15,%ymm5
 272:	c5 fe 6f 44 24 68    	vmovdqu 0x68(%rsp),%ymm0
 278:	c4 c2 05 b8 c3       	vfmadd231ps %ymm11,%ymm15,%ymm0
 27d:	c5 fe 7f 44 24 68    	vmovdqu %ymm0,0x68(%rsp)
 283:	c4 c2 0d b8 da       	vfmadd231ps %ymm10,%ymm14,%ymm3
 288:	c5 fe 6f 84 24 28 01 	vmovdqu 0x128(%rsp),%ymm0
 28f:	00 00 
 291:	c4 c2 15 b8 c2       	vfmadd231ps %ymm10,%ymm13,%ymm0
 296:	c5 fe 7f 84 24 28 01 	vmovdqu %ymm0,0x128(%rsp)
 29d:	00 00 
 29f:	c4 c2 0d b8 cc       	vfmadd231ps %ymm12,%ymm14,%ymm1
 2a4:	c4 c2 0d b8 d3       	vfmadd231ps %ymm11,%ymm14,%ymm2
 2a9:	c5 fe 6f 84 24 68 01 	vmovdqu 0x168(%rsp),%ymm0
 2b0:	00 00 
 2b2:	c4 c2 15 b8 c3       	vfmadd231ps %ymm11,%ymm13,%ymm0
 2b7:	c5 fe 7f 84 24 68 01 	vmovdqu %ymm0,0x168(%rsp)
 2be:	00 00 
 2c0:	c5 fe 6f 84 24 a8 01 	vmovdqu 0x1a8(%rsp),%ymm0
 2c7:	00 00 
 2c9:	c4 c2 15 b8 c4       	vfmadd231ps %ymm12,%ymm13,%ymm0
 2ce:	c5 fe 7f 84 24 a8 01 	vmovdqu %ymm0,0x1a8(%rsp)
 2d5:	00 00 
 2d7:	41 ff c0             	inc    %r8d
 2da:	44 3b c2             	cmp    %edx,%r8d
 2dd:	0f 8c cd fe ff ff    	jl     0x1b0
 2e3:	4d 8b 97 48 03 00 00 	mov    0x348(%r15),%r10
 2ea:	41 85 02             	test   %eax,(%r10)
 2ed:	44 3b 84 24 50 02 00 	cmp    0x250(%rsp),%r8d
 2f4:	00 
 2f5:	7d 3c                	jge    0x333
 2f7:	8b f0                	mov    %eax,%esi
 2f9:	c4 c1 f9 6e c5       	vmovq  %r13,%xmm0
 2fe:	44 8b 54 24 10       	mov    0x10(%rsp),%r10d
 303:	8b 94 24 50 02 00 00 	mov    0x250(%rsp),%edx
 30a:	41 2b d0             	sub    %r8d,%edx
 30d:	44 8b ac 24 50 02 00 	mov    0x250(%rsp),%r13d
 314:	00 
 315:	45 3b e8             	cmp    %r8d,%r13d
 318:	41 0f 4c d1          	cmovl  %r9d,%edx
 31c:	81 fa e8 03 00 00    	cmp    $0x3e8,%edx
