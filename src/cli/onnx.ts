// `argon export` and `argon import`: a trained model to ONNX (for ONNX Runtime, PyTorch, …) and an
// ONNX model to a model folder that the other commands (summary, eval, predict) read.
import { Model } from '../model/model.ts';
import { INPUT_NAME, OUTPUT_NAME, OPSET } from '../onnx/index.ts';
import { importOnnx } from '../onnx/import.ts';
import { writeFileAtomic } from '../io/atomic-write.ts';
import { readFileBytes } from '../model/persist.ts';
import { sizeOf } from '../shape.ts';
import { UsageError, type FlagSpecs, type Parsed } from './args.ts';
import { parseShape } from './data.ts';

const common: FlagSpecs = {
  debug: { type: 'boolean', help: 'show stack traces' },
  help: { type: 'boolean', help: 'this help' },
};

export const EXPORT_FLAGS: FlagSpecs = {
  model: { type: 'string', placeholder: 'DIR', help: 'a training output folder (holding model.argon) or a .argon file' },
  onnx: { type: 'string', placeholder: 'out.onnx', help: 'the ONNX file to write' },
  ...common,
};

export const IMPORT_FLAGS: FlagSpecs = {
  out: { type: 'string', placeholder: 'DIR', help: 'folder to write model.argon and import.json into' },
  input: { type: 'string', placeholder: 'CxHxW', help: 'per-sample input shape, when the file leaves H or W symbolic' },
  ...common,
};

function modelPath(arg: string | undefined): string {
  if (!arg) throw new UsageError('--model is required (a training output folder or a .argon file)');
  return arg.endsWith('.argon') ? arg : `${arg}/model.argon`;
}

export async function exportCommand(args: Parsed): Promise<void> {
  const f = args.flags;
  if (args.positional.length) throw new UsageError(`export takes no positional arguments, got '${args.positional.join(' ')}'`);
  const out = f.get('onnx') as string | undefined;
  if (!out) throw new UsageError('--onnx is required (the file to write, e.g. model.onnx)');
  const model = Model.fromBytes(await readFileBytes(modelPath(f.get('model') as string | undefined)));
  const bytes = model.toOnnx();
  await writeFileAtomic(out, bytes);
  const shape = model.pendingShape ?? [];
  console.log(`wrote ${out}: ${bytes.length.toLocaleString('en-US')} bytes, ONNX opset ${OPSET}`);
  console.log(`  input  '${INPUT_NAME}'  float32 [N, ${shape.join(', ')}] (NCHW: batch first, then Argon's per-sample [C, H, W])`);
  console.log(`  output '${OUTPUT_NAME}' float32 [N, ${model.root.outShape.join(', ')}] (after the final activation)`);
}

export async function importCommand(args: Parsed): Promise<void> {
  const f = args.flags;
  if (args.positional.length !== 1) throw new UsageError('import needs one ONNX file: argon import model.onnx --out DIR');
  const out = f.get('out') as string | undefined;
  if (!out) throw new UsageError('--out is required (the folder to write model.argon into)');
  const source = args.positional[0];
  let bytes: Uint8Array;
  try {
    bytes = await readFileBytes(source);
  } catch {
    throw new UsageError(`cannot read '${source}'`);
  }
  const inputShape = f.has('input') ? parseShape(f.get('input') as string, 'input') : undefined;
  const r = importOnnx(bytes, { inputShape, source });
  const model = new Model(r.root, { name: r.name });
  model.pending = { tensors: r.tensors };
  model.pendingShape = r.inputShape;
  await model.build(r.inputShape);
  await writeFileAtomic(`${out}/model.argon`, model.toBytes());
  const params = model.params().reduce((n, p) => n + sizeOf(p.value.shape), 0);
  const note = {
    importedFrom: source, producer: r.producer, opset: r.opset, structure: r.structure, name: r.name,
    input: r.inputShape, output: [...model.outputShape], parameters: params, date: new Date().toISOString(),
  };
  await writeFileAtomic(`${out}/import.json`, `${JSON.stringify(note, null, 2)}\n`);
  console.log(`imported ${source} (${r.producer || 'unknown producer'}, opset ${r.opset}) → ${out}/model.argon`);
  console.log(`  input [${r.inputShape.join(', ')}] → output [${model.outputShape.join(', ')}], ${params.toLocaleString('en-US')} parameters, ` +
    `${r.structure === 'graph' ? 'a general Graph container' : 'Sequential/MergeSum/MergeBroadcast containers'}`);
  console.log(`  see the layers with: argon summary --file ${out}`);
  model.dispose();
}

export const EXPORT_COMMAND = {
  usage: 'argon export --model DIR --onnx out.onnx',
  summary: 'write a trained model as ONNX (opset 13, NCHW input) for ONNX Runtime, PyTorch and others',
  flags: EXPORT_FLAGS, run: exportCommand,
};

export const IMPORT_COMMAND = {
  usage: 'argon import model.onnx --out DIR [--input CxHxW]',
  summary: 'turn an ONNX model (e.g. from PyTorch) into a model folder for summary, eval, predict',
  flags: IMPORT_FLAGS, run: importCommand,
};
