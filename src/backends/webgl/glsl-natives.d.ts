// The GLSL natives of natives.ts as the kernels' TypeScript sees them. They exist only inside
// shaders: the kernel functions are never called in JS, gpu.js parses their source. Declared
// globally (not imported) so that no bundler renames the identifiers gpu.js looks up by name.
declare function anDiv(a: number, b: number): number;
declare function anMod(a: number, b: number): number;
declare function anGemmA(i: number, p: number, n: number, k: number, m: number, trans: number): number;
declare function anGemmB(i: number, p: number, n: number, k: number, trans: number): number;
declare function anWinSrc(i: number, t: number, r: number, s: number, ...geometry: number[]): number;
declare function anIm2col(i: number, ...geometry: number[]): number;
declare function anWinDst(i: number, t: number, r: number, s: number, layout: number, ...geometry: number[]): number;
declare function anWinCount(i: number, ...geometry: number[]): number;
