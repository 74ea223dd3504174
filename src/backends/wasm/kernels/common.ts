// Helpers shared by the wasm glue. Wasm writes through raw pointers, so an undersized buffer would
// silently overwrite its neighbours; every glue checks the extent a kernel will touch (O(1)).
import type { WindowGeometry } from '../../../kernels.ts';
import type { DeviceBuffer } from '../../backend.ts';
import type { WasmContext } from '../context.ts';

/** Throws unless buf is a float buffer of at least `min` elements. */
export function needFloat(kernel: string, what: string, buf: DeviceBuffer, min: number): void {
  if (buf.kind !== 'float') throw new Error(`wasm ${kernel}: ${what} must be a float buffer, got ${buf.kind}`);
  if (buf.size < min) throw new Error(`wasm ${kernel}: ${what} has ${buf.size} elements, the kernel needs ${min}`);
}

/** Throws unless buf is an int32 buffer of at least `min` elements. */
export function needInt(kernel: string, what: string, buf: DeviceBuffer, min: number): void {
  if (buf.kind !== 'int32') throw new Error(`wasm ${kernel}: ${what} must be an int32 buffer, got ${buf.kind}`);
  if (buf.size < min) throw new Error(`wasm ${kernel}: ${what} has ${buf.size} elements, the kernel needs ${min}`);
}

export interface WindowSizes {
  /** Input elements, C·D·H·W·N. */
  input: number;
  /** Output elements (pooling), C·OD·OH·OW·N. */
  output: number;
  /** im2col rows, C·T·R·S. */
  rows: number;
  /** im2col columns, OD·OH·OW·N. */
  columns: number;
}

export function windowSizes(g: WindowGeometry): WindowSizes {
  const [D, H, W] = g.inSize, [T, R, S] = g.window, [OD, OH, OW] = g.outSize;
  const C = g.channels, N = g.batch;
  return { input: C * D * H * W * N, output: C * OD * OH * OW * N, rows: C * T * R * S, columns: OD * OH * OW * N };
}

/** Bytes the geometry block takes at the start of the scratch region (20 i32, rounded up). */
export const GEOMETRY_BYTES = 128;

/** Writes g into scratch as the 20-i32 block the window kernels read (assembly/im2col.ts):
 *  channels, batch, inSize[3], window[3], stride[3], pad[3], dilation[3], outSize[3]. Returns its
 *  byte offset; `extraBytes` more follow at offset + GEOMETRY_BYTES for the kernel's own use (one
 *  scratch region per kernel call: a second ctx.scratch call may hand back the same bytes). */
export function geometryBlock(ctx: WasmContext, g: WindowGeometry, extraBytes = 0): number {
  const at = ctx.scratch(GEOMETRY_BYTES + extraBytes);
  const mem = ctx.i32();
  const values = [g.channels, g.batch, ...g.inSize, ...g.window, ...g.stride, ...g.pad, ...g.dilation, ...g.outSize];
  mem.set(values, at >>> 2); // unsigned: pointers pass 2 GiB in a big heap
  return at;
}

/** Weight gradients sum their chunks in fixed groups (a function of the shapes alone, so every
 *  thread count gives the same bits), each into its own partial, then the partials in order. At
 *  most this many groups: more spread the work more evenly over threads, each costs a partial's
 *  scratch and one more pass in the final sum. */
export const MAX_WEIGHT_GRAD_GROUPS = 16;

/** `chunks` in at most `most` groups of perGroup consecutive chunks (the last may be short). */
export function chunkGroups(chunks: number, most = MAX_WEIGHT_GRAD_GROUPS): { perGroup: number; groups: number } {
  const perGroup = Math.ceil(chunks / Math.min(chunks, most));
  return { perGroup, groups: Math.ceil(chunks / perGroup) };
}

export const POOL_MODES = { max: 0, avg: 1, l2: 2, lp: 3, weighted: 4 } as const;
