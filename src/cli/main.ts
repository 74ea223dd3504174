// The `argon` command: train, eval, predict, summary. User errors print a message and a hint; a
// raw stack trace reaches the user only with --debug.
import { UsageError, formatFlags, parseArgs, type FlagSpecs, type Parsed } from './args.ts';
import { EVAL_FLAGS, PREDICT_FLAGS, SUMMARY_FLAGS, evaluateCommand, predictCommand, summaryCommand } from './inspect.ts';
import { EXPORT_COMMAND, IMPORT_COMMAND } from './onnx.ts';
import { TRAIN_FLAGS, train, trainHelp } from './train.ts';

interface Command {
  usage: string;
  summary: string;
  flags: FlagSpecs;
  run(args: Parsed): Promise<void>;
  extraHelp?(): string;
}

const COMMANDS: Record<string, Command> = {
  train: {
    usage: 'argon train [--model M] [--data D] [--epochs N] [--out DIR] …',
    summary: 'train a course network (no arguments: CNN-1 on 8,000 MNIST digits, then accuracy on 2,000 held-out ones)',
    flags: TRAIN_FLAGS, run: train, extraHelp: trainHelp,
  },
  eval: { usage: 'argon eval --model DIR --data <csv>', summary: 'accuracy and confusion matrix of a trained model', flags: EVAL_FLAGS, run: evaluateCommand },
  predict: { usage: 'argon predict --model DIR image.jpg …', summary: 'class probabilities for images', flags: PREDICT_FLAGS, run: predictCommand },
  summary: {
    usage: 'argon summary --model resnet18 --input 3x64x64 --batch 32 [--classes 2]',
    summary: 'layers, output shapes, parameters and training memory of a network', flags: SUMMARY_FLAGS, run: summaryCommand,
  },
  export: EXPORT_COMMAND,
  import: IMPORT_COMMAND,
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 2;
  return ['usage: argon <command> [flags]   (argon <command> --help for its flags; argon --version)', '', 'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`)].join('\n');
}

/** The package's version, from its package.json: beside build/ for the bundle (build/cli.mjs),
 *  two levels up for the sources (src/cli/main.ts). */
async function packageVersion(): Promise<string> {
  const fs = await import('node:fs/promises');
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(await fs.readFile(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'argon-nn' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not this one
    }
  }
  throw new Error("cannot find argon-nn's package.json");
}

function commandHelp(name: string, c: Command): string {
  return [`usage: ${c.usage}`, '', c.summary, '', 'flags:', formatFlags(c.flags), ...(c.extraHelp ? ['', c.extraHelp()] : [])].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv;
  try {
    if (name === '--version' || name === '-v' || name === 'version') {
      console.log(`argon-nn ${await packageVersion()} (Node ${process.version})`);
      return 0;
    }
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      console.log(mainHelp());
      return name === undefined ? 1 : 0;
    }
    const command = COMMANDS[name];
    if (!command) {
      const { closest } = await import('./args.ts');
      const near = closest(name, Object.keys(COMMANDS));
      throw new UsageError(`unknown command '${name}'${near ? ` (did you mean '${near}'?)` : ''}; commands: ${Object.keys(COMMANDS).join(', ')}`);
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(commandHelp(name, command));
      return 0;
    }
    await command.run(parseArgs(rest, command.flags));
    return 0;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    if (debug) console.error(err.stack ?? err.message);
    else console.error(`argon: ${err.message}`);
    if (e instanceof UsageError && name && COMMANDS[name]) console.error(`see: argon ${name} --help`);
    return e instanceof UsageError ? 2 : 1;
  }
}
