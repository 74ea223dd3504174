// A live two-series line chart on a canvas: training loss per batch (left axis, autoscaled) and
// held-out accuracy (right axis, 0–100 %).
export interface ChartData { loss: [number, number][]; accuracy: [number, number][] }

export function drawChart(canvas: HTMLCanvasElement, data: ChartData): void {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.scale(dpr, dpr);
  ctx.clearRect(0, 0, w, h);
  const pad = { l: 44, r: 44, t: 14, b: 26 };
  const pw = w - pad.l - pad.r, ph = h - pad.t - pad.b;
  const xmax = Math.max(1, ...data.loss.map((p) => p[0]), ...data.accuracy.map((p) => p[0]));
  const lmax = Math.max(1e-6, ...data.loss.map((p) => p[1])) * 1.05;
  const X = (x: number): number => pad.l + (x / xmax) * pw;
  ctx.strokeStyle = '#d0d4dc';
  ctx.fillStyle = '#5b6270';
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = pad.t + (ph * i) / 4;
    ctx.beginPath(); ctx.moveTo(pad.l, y); ctx.lineTo(pad.l + pw, y); ctx.stroke();
    ctx.textAlign = 'right'; ctx.fillText((lmax * (1 - i / 4)).toFixed(2), pad.l - 6, y + 4);
    ctx.textAlign = 'left'; ctx.fillText(`${100 - 25 * i} %`, pad.l + pw + 6, y + 4);
  }
  ctx.textAlign = 'center';
  ctx.fillText('batches', pad.l + pw / 2, h - 6);
  const line = (pts: [number, number][], color: string, Y: (v: number) => number, dots: boolean): void => {
    if (!pts.length) return;
    ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = 2;
    ctx.beginPath();
    pts.forEach(([x, v], i) => (i ? ctx.lineTo(X(x), Y(v)) : ctx.moveTo(X(x), Y(v))));
    ctx.stroke();
    if (dots) for (const [x, v] of pts) { ctx.beginPath(); ctx.arc(X(x), Y(v), 3, 0, 2 * Math.PI); ctx.fill(); }
  };
  line(data.loss, '#2f6fde', (v) => pad.t + ph * (1 - v / lmax), data.loss.length < 30);
  line(data.accuracy, '#e07b24', (v) => pad.t + ph * (1 - v), true);
}
