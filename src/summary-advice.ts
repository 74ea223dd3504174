// The course's design principles ("Принципы построения сверточных сетей", after Szegedy et al. 2016,
// Rethinking the Inception Architecture, §2–3) turned into summary() advice:
// (1) avoid representational bottlenecks, especially early: in the first third of the summary rows,
//     a layer whose output has fewer than a quarter of its input's values is flagged;
// (2) replace large convolutions by stacks of 3×3 ones: for every k×k (or k×k×k) Convolution with
//     k ≥ 5, the stack of n = ⌈(k − 1)/2⌉ 3×3 convs with the same receptive field, input size and
//     output depth is priced. The stack keeps the input width C until its last conv, which makes the
//     K output maps (C → C → … → K; Szegedy et al. Fig. 1 keep the width the same way). A strided
//     conv's stride goes to the last conv of the stack, so the first n − 1 convs run at the input
//     resolution (what keeps the receptive field exactly k; for an unpadded conv this slightly
//     overstates the stack's cost). With P_in, P_out the input and output positions:
//       weights = 3^d·(C·C·(n − 1) + C·K),
//       multiply-adds = 3^d·(C·C·(n − 1)·P_mid + C·K·P_out), P_mid = P_in if P_out < P_in else P_out,
//       FLOPs = 2 · multiply-adds.
import type { AdviceRule, Summary } from './summary.ts';
import { shapeString, sizeOf } from './shape.ts';

type Rows = Omit<Summary, 'advice'>['rows'];

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function percent(part: number, whole: number): string {
  return `${Math.round((100 * part) / whole)} %`;
}

/** Rows in the first third of the summary whose output has fewer than ¼ of their input's values. */
export const bottleneckAdvice: AdviceRule = (s) => {
  const rows: Rows = s.rows;
  const early = Math.ceil(rows.length / 3);
  const out: string[] = [];
  rows.slice(0, early).forEach((r, i) => {
    const vin = sizeOf(r.inShape), vout = sizeOf(r.outShape);
    if (r.type === 'SkipNode' || !(4 * vout < vin)) return;
    out.push(`representational bottleneck at ${r.name} (${r.type}, layer ${i + 1} of ${rows.length}, in the first third): ` +
      `${shapeString(r.inShape)} → ${shapeString(r.outShape)} keeps ${count(vout)} of ${count(vin)} values (${percent(vout, vin)}, under a quarter); ` +
      'the course\'s principle: avoid bottlenecks, especially early; compress gradually (more maps, or downsample later)');
  });
  return out;
};

/** The stacked-3×3 equivalent of a Convolution row, or null when its window is not k×k with k ≥ 5. */
export function stackedEquivalent(r: Rows[number]): { k: number; dims: number; n: number; params: number; macs: number } | null {
  if (r.type !== 'Convolution') return null;
  const dims = r.inShape.length - 1, c = r.inShape[0], kout = r.outShape[0];
  const vol = r.params / (c * kout);
  const k = Math.round(vol ** (1 / dims));
  if (k ** dims !== vol || k < 5) return null;
  const n = Math.ceil((k - 1) / 2), tap = 3 ** dims;
  const pin = sizeOf(r.inShape.slice(1)), pout = sizeOf(r.outShape.slice(1));
  // Same-size intermediates run at the input resolution when the conv downsamples, otherwise at the output's.
  const pmid = pout < pin ? pin : pout;
  return { k, dims, n, params: tap * (c * c * (n - 1) + c * kout), macs: tap * (c * c * (n - 1) * pmid + c * kout * pout) };
}

/** For each k×k conv with k ≥ 5: weights and FLOPs of the stacked 3×3 equivalent. */
export const stackedConvAdvice: AdviceRule = (s) => s.rows.flatMap((r) => {
  const e = stackedEquivalent(r);
  if (!e) return [];
  const c = r.inShape[0], kout = r.outShape[0];
  const size = (k: number) => (e.dims === 1 ? `${k}-wide` : new Array<number>(e.dims).fill(k).join('×'));
  const win = size(e.k), three = size(3);
  const chain = [...new Array<number>(e.n).fill(c), kout].join(' → ');
  const change = (now: number, then: number) => (then <= now ? `saves ${percent(now - then, now)}` : `costs ${percent(then - now, now)} more`);
  return [`${r.name}: a ${win} conv (${c} → ${kout} maps) = ${e.n} stacked ${three} convs (${chain} maps, same receptive field and output): ` +
    `${count(e.params)} weights instead of ${count(r.params)} (${change(r.params, e.params)}), ` +
    `${count(2 * e.macs)} FLOPs per sample instead of ${count(2 * r.macs)} (${change(r.macs, e.macs)})`];
});
