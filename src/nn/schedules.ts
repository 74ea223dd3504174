// Learning-rate schedules (neon optimizers/optimizer.py:118-396). `epoch` is 0-based and the rate is
// asked for at every minibatch. neon's list schedules keep the last rate in a field; here each rate
// is a pure function of the epoch (the same values when epochs are visited in order, as fit does),
// so a resumed run needs no schedule state.

export type ScheduleConfig =
  | { type: 'Schedule'; stepConfig: number | number[] | null; change: number | number[] }
  | { type: 'StepSchedule'; stepConfig: number[]; change: number[] }
  | { type: 'PowerSchedule'; stepConfig: number; change: number }
  | { type: 'ExpSchedule'; decay: number }
  | { type: 'PolySchedule'; totalEpochs: number; power: number };

export interface LearningRateSchedule {
  getLearningRate(learningRate: number, epoch: number): number;
  config(): ScheduleConfig;
}

/** The rate of neon's StepSchedule: change[i] from epoch stepConfig[i] on, the base rate before.
 *  neon stores the last rate and tests it against 0, so a change of 0 gives the base rate back. */
function stepRate(stepConfig: readonly number[], change: readonly number[], learningRate: number, epoch: number): number {
  let rate = 0, at = -Infinity;
  for (let i = 0; i < stepConfig.length; i++) {
    // neon looks the epoch up with list.index(), which finds the first of duplicated steps.
    if (stepConfig[i] <= epoch && stepConfig[i] > at) { at = stepConfig[i]; rate = change[i]; }
  }
  return rate === 0 ? learningRate : rate;
}

function checkInt(name: string, what: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name}: ${what} must be a positive integer, got ${v}`);
}

/** Constant by default. stepConfig a list of epochs: lr·change^(number of steps ≤ epoch);
 *  an integer k: lr·change^⌊epoch/k⌋; a list with a list of changes: StepSchedule's rule. */
export class Schedule implements LearningRateSchedule {
  readonly stepConfig: number | number[] | null;
  readonly change: number | number[];

  constructor(stepConfig: number | number[] | null = null, change: number | number[] = 1) {
    if (Array.isArray(change)) {
      if (!Array.isArray(stepConfig) || stepConfig.length !== change.length) {
        throw new Error('Schedule: a list of changes needs a list of steps of the same length (or use StepSchedule)');
      }
    }
    if (typeof stepConfig === 'number') checkInt('Schedule', 'an integer stepConfig', stepConfig);
    this.stepConfig = Array.isArray(stepConfig) ? [...stepConfig] : stepConfig;
    this.change = Array.isArray(change) ? [...change] : change;
  }

  getLearningRate(learningRate: number, epoch: number): number {
    const { stepConfig, change } = this;
    if (Array.isArray(stepConfig) && Array.isArray(change)) return stepRate(stepConfig, change, learningRate, epoch);
    const c = change as number;
    let steps = 0;
    if (typeof stepConfig === 'number') steps = Math.floor(epoch / stepConfig);
    else if (Array.isArray(stepConfig)) for (const s of stepConfig) if (epoch >= s) steps++;
    return learningRate * c ** steps;
  }

  config(): ScheduleConfig {
    return { type: 'Schedule', stepConfig: this.stepConfig, change: this.change };
  }
}

/** Absolute rate change[i] from epoch stepConfig[i] on. */
export class StepSchedule implements LearningRateSchedule {
  readonly stepConfig: number[];
  readonly change: number[];
  constructor(stepConfig: number[], change: number[]) {
    if (!Array.isArray(stepConfig) || !Array.isArray(change)) throw new Error('StepSchedule: stepConfig and change must be lists');
    if (stepConfig.length !== change.length) throw new Error('StepSchedule: stepConfig and change must have the same length');
    this.stepConfig = [...stepConfig];
    this.change = [...change];
  }
  getLearningRate(learningRate: number, epoch: number): number {
    return stepRate(this.stepConfig, this.change, learningRate, epoch);
  }
  config(): ScheduleConfig {
    return { type: 'StepSchedule', stepConfig: this.stepConfig, change: this.change };
  }
}

/** lr·change^⌊epoch/stepConfig⌋. */
export class PowerSchedule implements LearningRateSchedule {
  constructor(readonly stepConfig: number, readonly change: number) {
    checkInt('PowerSchedule', 'stepConfig', stepConfig);
    if (typeof change !== 'number') throw new Error('PowerSchedule: change must be a number');
  }
  getLearningRate(learningRate: number, epoch: number): number {
    return learningRate * this.change ** Math.floor(epoch / this.stepConfig);
  }
  config(): ScheduleConfig {
    return { type: 'PowerSchedule', stepConfig: this.stepConfig, change: this.change };
  }
}

/** lr / (1 + decay·epoch). */
export class ExpSchedule implements LearningRateSchedule {
  constructor(readonly decay: number) {}
  getLearningRate(learningRate: number, epoch: number): number {
    return learningRate / (1 + this.decay * epoch);
  }
  config(): ScheduleConfig {
    return { type: 'ExpSchedule', decay: this.decay };
  }
}

/** neon's code, not its docstring: lr·(1 − ⌊epoch/T⌋)^power, i.e. constant until epoch T, then 0
 *  (and (−1)^power, NaN for a fractional power, from 2T on), because it uses floor division. */
export class PolySchedule implements LearningRateSchedule {
  constructor(readonly totalEpochs: number, readonly power: number) {
    checkInt('PolySchedule', 'totalEpochs', totalEpochs);
  }
  getLearningRate(learningRate: number, epoch: number): number {
    return learningRate * (1 - Math.floor(epoch / this.totalEpochs)) ** this.power;
  }
  config(): ScheduleConfig {
    return { type: 'PolySchedule', totalEpochs: this.totalEpochs, power: this.power };
  }
}

export function scheduleFromConfig(cfg: ScheduleConfig): LearningRateSchedule {
  switch (cfg?.type) {
    case 'Schedule': return new Schedule(cfg.stepConfig, cfg.change);
    case 'StepSchedule': return new StepSchedule(cfg.stepConfig, cfg.change);
    case 'PowerSchedule': return new PowerSchedule(cfg.stepConfig, cfg.change);
    case 'ExpSchedule': return new ExpSchedule(cfg.decay);
    case 'PolySchedule': return new PolySchedule(cfg.totalEpochs, cfg.power);
    default: throw new Error(`scheduleFromConfig: unknown schedule '${String((cfg as { type?: unknown } | undefined)?.type)}'`);
  }
}
