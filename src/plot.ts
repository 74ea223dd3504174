// A dependency-free SVG line chart (training curves): axes with "nice" ticks, one <path> per series
// (gaps where a value is missing), point markers and a legend.

export interface Series {
  name: string;
  /** null (or a non-finite number) leaves a gap. */
  values: readonly (number | null)[];
  /** x of each value; default 1, 2, 3, … */
  x?: readonly number[];
}

export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => String(Number(v.toPrecision(6)));

/** About `count` round tick values (1, 2 or 5 × 10ᵏ apart) covering [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function domain(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values), hi = Math.max(...values);
  if (lo === hi) { const pad = Math.abs(lo) * 0.1 || 1; lo -= pad; hi += pad; }
  return [lo, hi];
}

export function lineChartSvg(series: readonly Series[], opts: ChartOptions = {}): string {
  const W = opts.width ?? 720, H = opts.height ?? 420;
  const left = 70, right = 170, top = 40, bottom = 55, pw = W - left - right, ph = H - top - bottom;
  const pts = series.map((s) => s.values.map((v, i) => ({ x: s.x?.[i] ?? i + 1, y: v })));
  const finite = pts.flat().filter((p): p is { x: number; y: number } => typeof p.y === 'number' && Number.isFinite(p.y) && Number.isFinite(p.x));
  const [x0, x1] = domain(finite.map((p) => p.x)), [y0, y1] = domain(finite.map((p) => p.y));
  const sx = (x: number) => left + ((x - x0) / (x1 - x0)) * pw, sy = (y: number) => top + ph - ((y - y0) / (y1 - y0)) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  if (opts.title) out.push(`<text x="${left + pw / 2}" y="${top / 2 + 5}" text-anchor="middle" font-size="15">${esc(opts.title)}</text>`);
  for (const t of ticks(x0, x1, Math.min(10, Math.max(1, Math.round(x1 - x0))))) {
    out.push(`<line x1="${sx(t)}" y1="${top + ph}" x2="${sx(t)}" y2="${top + ph + 5}" stroke="black"/>`,
      `<text x="${sx(t)}" y="${top + ph + 18}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of ticks(y0, y1, 6)) {
    out.push(`<line x1="${left}" y1="${sy(t)}" x2="${left + pw}" y2="${sy(t)}" stroke="#e5e5e5"/>`,
      `<line x1="${left - 5}" y1="${sy(t)}" x2="${left}" y2="${sy(t)}" stroke="black"/>`,
      `<text x="${left - 8}" y="${sy(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  out.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + ph}" stroke="black"/>`,
    `<line x1="${left}" y1="${top + ph}" x2="${left + pw}" y2="${top + ph}" stroke="black"/>`);
  if (opts.xLabel) out.push(`<text x="${left + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel) out.push(`<text transform="translate(16 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`);
  pts.forEach((line, i) => {
    const color = COLORS[i % COLORS.length];
    let d = '', pen = false;
    const marks: string[] = [];
    for (const p of line) {
      if (typeof p.y !== 'number' || !Number.isFinite(p.y)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${sx(p.x).toFixed(2)} ${sy(p.y).toFixed(2)}`;
      marks.push(`<circle cx="${sx(p.x).toFixed(2)}" cy="${sy(p.y).toFixed(2)}" r="2.5" fill="${color}"/>`);
      pen = true;
    }
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"><title>${esc(series[i].name)}</title></path>`, ...marks);
    const ly = top + 10 + i * 18;
    out.push(`<line x1="${left + pw + 15}" y1="${ly}" x2="${left + pw + 40}" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${left + pw + 46}" y="${ly + 4}">${esc(series[i].name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
