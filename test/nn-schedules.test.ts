// Learning-rate schedules against neon's docstring tables and formulas.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ExpSchedule, PolySchedule, PowerSchedule, Schedule, scheduleFromConfig, StepSchedule, type LearningRateSchedule,
} from '../src/nn/schedules.ts';
import { expectClose, F64 } from './helpers.ts';

const rates = (s: LearningRateSchedule, lr: number, epochs: number) => Array.from({ length: epochs }, (_, e) => s.getLearningRate(lr, e));

test('Schedule(): constant', () => {
  assert.equal(rates(new Schedule(), 0.01, 4), [0.01, 0.01, 0.01, 0.01]);
});

test('Schedule([2, 6], 0.5): neon docstring table', () => {
  assert.equal(rates(new Schedule([2, 6], 0.5), 1, 10), [1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25]);
});

test('Schedule(2, 0.5) and PowerSchedule(2, 0.5): lr·change^⌊epoch/2⌋ (neon docstring)', () => {
  const want = [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125];
  expectClose(rates(new Schedule(2, 0.5), 0.1, 8), want, F64, 'Schedule int');
  expectClose(rates(new PowerSchedule(2, 0.5), 0.1, 8), want, F64, 'PowerSchedule');
});

test('StepSchedule([2, 6], [0.6, 0.4]) and Schedule with two lists: absolute rates', () => {
  const want = [1, 1, 0.6, 0.6, 0.6, 0.6, 0.4, 0.4];
  assert.equal(rates(new StepSchedule([2, 6], [0.6, 0.4]), 1, 8), want);
  assert.equal(rates(new Schedule([2, 6], [0.6, 0.4]), 1, 8), want);
  // neon keeps the last rate and tests it against 0: a change of 0 gives the base rate back.
  assert.equal(rates(new StepSchedule([1], [0]), 0.3, 3), [0.3, 0.3, 0.3]);
  assert.throws(() => new StepSchedule([1, 2], [0.1]), /same length/);
  assert.throws(() => new Schedule(3, [0.1]), /list of changes/);
});

test('ExpSchedule: lr / (1 + decay·epoch)', () => {
  expectClose(rates(new ExpSchedule(0.5), 0.1, 4), [0.1, 0.1 / 1.5, 0.1 / 2, 0.1 / 2.5], F64, 'exp');
});

test('PolySchedule: neon floor division, constant until T, then 0', () => {
  assert.equal(rates(new PolySchedule(3, 2), 0.1, 6), [0.1, 0.1, 0.1, 0, 0, 0]);
  assert.ok(Number.isNaN(new PolySchedule(3, 0.5).getLearningRate(0.1, 6)), '(−1)^0.5 as numpy');
});

test('config round trips', () => {
  for (const s of [new Schedule(), new Schedule([1, 3], 0.1), new Schedule(4, 0.2), new StepSchedule([1], [0.5]),
    new PowerSchedule(3, 0.1), new ExpSchedule(0.01), new PolySchedule(10, 0.9)]) {
    const back = scheduleFromConfig(JSON.parse(JSON.stringify(s.config())));
    assert.equal(back.config(), s.config());
    assert.equal(rates(back, 0.1, 12), rates(s, 0.1, 12));
  }
});

test.run();
