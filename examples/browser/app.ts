// The demo page: wires the controls to the training worker, draws the live chart, classifies
// uploaded photos and moves model files in and out.
import { drawChart, type ChartData } from './chart.ts';
import { loadMnist, loadPhotos } from './data.ts';
import type { BackendChoice, Dataset, FromWorker, NetName, ToWorker, TrainConfig } from './protocol.ts';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el as T;
};
const num = (id: string): number => Number($<HTMLInputElement>(id).value);

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer: Transferable[] = []): void => worker.postMessage(m, transfer);

let data: Dataset | null = null;
let mnist: Dataset | null = null;
let chart: ChartData = { loss: [], accuracy: [] };
let trained = false;
let step = 0;

function log(text: string, error = false): void {
  const line = document.createElement('div');
  line.textContent = text;
  if (error) line.className = 'error';
  $('log').prepend(line);
}

function setBusy(busy: boolean): void {
  $<HTMLButtonElement>('train').disabled = busy || !data;
  $<HTMLButtonElement>('stop').disabled = !busy;
  $<HTMLButtonElement>('download').disabled = busy || !trained;
  $<HTMLButtonElement>('upload').disabled = busy;
}

function describeData(d: Dataset, source: string): string {
  return `${source}: ${d.y.length - d.ntest} train / ${d.ntest} held out, ${d.lshape.join('×')}, classes ${d.classes.join(', ')}`;
}

async function useMnist(): Promise<void> {
  mnist ??= await loadMnist(new URL('./', import.meta.url));
  data = mnist;
  $('data-info').textContent = describeData(data, 'MNIST digits');
  setBusy(false);
}

function config(): TrainConfig {
  const max = $<HTMLInputElement>('max-batches').value;
  return {
    backend: $<HTMLSelectElement>('backend').value as BackendChoice,
    threads: crossOriginIsolated ? num('threads') : null,
    net: $<HTMLSelectElement>('net').value as NetName,
    epochs: num('epochs'), batchSize: num('batch'), learningRate: num('lr'),
    maxBatches: max ? Number(max) : null,
    evalEvery: max ? Math.max(1, Math.ceil(Number(max) / 3)) : 25,
    evalImages: num('eval-images'),
  };
}

function showPrediction(probs: number[], classes: string[]): void {
  const order = probs.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 5);
  const total = probs.reduce((a, b) => a + b, 0) || 1;
  const box = $('prediction');
  box.replaceChildren();
  const head = document.createElement('div');
  head.innerHTML = `Prediction: <b id="predicted">${classes[order[0][1]]}</b>`;
  box.append(head);
  for (const [p, i] of order) {
    const row = document.createElement('div');
    row.className = 'bar';
    const share = p / total;
    row.innerHTML = `<span>${classes[i]}</span><div><i style="width:${(share * 100).toFixed(1)}%"></i></div><span>${(share * 100).toFixed(1)} %</span>`;
    box.append(row);
  }
}

/** Training speed last seen on each backend (images/s), to put both side by side. */
const rates = new Map<string, number>();
let backendName = '';

/** Shows the backend's warning (the GPU on a software renderer) above the log, once per text. */
function showWarning(text: string): void {
  const box = $('warning');
  if (box.dataset.text === text) return;
  box.dataset.text = text;
  box.textContent = `⚠ ${text}`;
  box.hidden = false;
  log(`warning: ${text}`, true);
}

/** After a run on the software-rendered GPU and one on the CPU, the two measured speeds. */
function compareRates(): void {
  const g = rates.get('webgl'), c = rates.get('wasm');
  if (g === undefined || c === undefined || !$('warning').dataset.text) return;
  const line = `Measured here: GPU (software renderer) ${g.toFixed(1)} images/s, CPU ${c.toFixed(1)} images/s — the CPU is ${(c / g).toFixed(0)}× faster`;
  $('warning').textContent = `⚠ ${$('warning').dataset.text} ${line}.`;
  log(line);
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'backend':
      backendName = m.name;
      $('s-backend').textContent = m.name === 'webgl' ? 'GPU' : 'CPU';
      log(`backend: ${m.detail}`);
      if (m.warning) showWarning(m.warning);
      break;
    case 'batch': {
      step++;
      chart.loss.push([step, m.loss]);
      const total = config().maxBatches ?? m.nbatches * num('epochs');
      $<HTMLDivElement>('progress').firstElementChild?.setAttribute('style', `width:${Math.min(100, (100 * step) / total).toFixed(1)}%`);
      $('status').textContent = `epoch ${m.epoch + 1} · batch ${m.batch}/${m.nbatches} · loss ${m.loss.toFixed(4)}`;
      $('s-loss').textContent = m.loss.toFixed(3);
      $('s-speed').textContent = m.imagesPerSecond.toFixed(0);
      rates.set(backendName, m.imagesPerSecond);
      drawChart($('chart'), chart);
      break;
    }
    case 'accuracy':
      chart.accuracy.push([m.step, m.accuracy]);
      $('s-acc').textContent = `${(m.accuracy * 100).toFixed(1)} %`;
      drawChart($('chart'), chart);
      break;
    case 'done':
      trained = true;
      $('status').textContent = `${m.stopped ? 'stopped' : 'done'} after ${m.batches} batches in ${m.seconds.toFixed(1)} s` +
        (m.accuracy !== null ? ` · held-out accuracy ${(m.accuracy * 100).toFixed(1)} %` : '');
      document.body.dataset.trained = 'yes';
      setBusy(false);
      compareRates();
      break;
    case 'prediction':
      showPrediction(m.probs, m.classes);
      break;
    case 'saved': {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([m.bytes.slice()], { type: 'application/octet-stream' }));
      a.download = `${$<HTMLSelectElement>('net').value}.argon`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      log(`model saved (${(m.bytes.length / 1024).toFixed(0)} KiB)`);
      break;
    }
    case 'loaded':
      trained = true;
      $('model-info').textContent = `loaded: input ${m.inputShape.join('×')}, classes ${m.classes.join(', ')}`;
      setBusy(false);
      break;
    case 'error':
      log(m.message, true);
      $('status').textContent = `error: ${m.message}`;
      setBusy(false);
      break;
  }
};

$('train').onclick = () => {
  if (!data) return;
  chart = { loss: [], accuracy: [] };
  step = 0;
  delete document.body.dataset.trained;
  setBusy(true);
  $('status').textContent = 'starting…';
  send({ type: 'train', config: config(), data });
};
$('stop').onclick = () => send({ type: 'stop' });
$('download').onclick = () => send({ type: 'save' });
$('upload').onclick = () => $<HTMLInputElement>('model-file').click();
$<HTMLInputElement>('model-file').onchange = async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const c = config();
  send({ type: 'load', bytes: new Uint8Array(await file.arrayBuffer()), config: { backend: c.backend, threads: c.threads }, classes: data?.classes ?? [] });
};

$<HTMLSelectElement>('dataset').onchange = async (e) => {
  if ((e.target as HTMLSelectElement).value === 'mnist') { await useMnist(); return; }
  $<HTMLInputElement>('folder').click();
};
$<HTMLInputElement>('folder').onchange = async (e) => {
  const files = [...((e.target as HTMLInputElement).files ?? [])];
  try {
    const photos = await loadPhotos(files, 64, 4000, (done, total) => { $('data-info').textContent = `decoding photos: ${done}/${total}`; });
    data = photos;
    $('data-info').textContent = describeData(photos, 'photos');
    if (photos.skipped.length) log(`skipped ${photos.skipped.length} unreadable photo(s): ${photos.skipped.slice(0, 3).join(', ')}`);
    setBusy(false);
  } catch (err) {
    log(err instanceof Error ? err.message : String(err), true);
    $<HTMLSelectElement>('dataset').value = 'mnist';
    await useMnist();
  }
};

$<HTMLInputElement>('photo').onchange = async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const bitmap = await createImageBitmap(file);
  const preview = $<HTMLCanvasElement>('preview');
  const ctx = preview.getContext('2d');
  if (!ctx) return;
  ctx.drawImage(bitmap, 0, 0, preview.width, preview.height);
  const side = Math.min(bitmap.width, 256) || 1;
  const work = new OffscreenCanvas(side, side);
  const wctx = work.getContext('2d');
  if (!wctx) return;
  wctx.drawImage(bitmap, 0, 0, side, side);
  bitmap.close();
  const img = wctx.getImageData(0, 0, side, side);
  send({ type: 'predict', image: { width: img.width, height: img.height, data: img.data } });
};

$('threads-row').style.display = crossOriginIsolated ? '' : 'none';
$<HTMLInputElement>('threads').value = String(Math.min(navigator.hardwareConcurrency || 2, 8));
$('env').textContent = `cross-origin isolated: ${crossOriginIsolated ? 'yes (CPU threads available)' : 'no (1 CPU thread)'}; ` +
  `${navigator.hardwareConcurrency ?? '?'} cores`;
setBusy(true);
$<HTMLButtonElement>('stop').disabled = true;
useMnist().catch((err: unknown) => {
  $('data-info').textContent = `MNIST not available (${err instanceof Error ? err.message : String(err)}): pick a folder of photos`;
});
drawChart($('chart'), chart);

/** For the page test (and the curious): the series drawn on the chart. */
(globalThis as { argonDemo?: { losses(): number[]; accuracies(): number[] } }).argonDemo = {
  losses: () => chart.loss.map((p) => p[1]),
  accuracies: () => chart.accuracy.map((p) => p[1]),
};
