// Training recipes for `argon train`. 'course' is the lecture's exact setup; 'default' keeps the
// lecture's optimizer and fixes what must be fixed (networks: RECIPE_CHANGES in src/models/options.ts;
// training: below). Every change is listed so --help and the README can print it.
import { RECIPE_CHANGES, type Recipe } from '../models/index.ts';
import { GradientDescentMomentum } from '../nn/optimizers/index.ts';
import type { Optimizer } from '../nn/optimizers/optimizer.ts';
import { Schedule } from '../nn/schedules.ts';

export interface TrainingPlan {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer(lr: number, epochs: number): Optimizer;
}

/** What `--recipe default` changes in training (beside the network changes). */
export const TRAINING_CHANGES: readonly string[] = [
  'learning rate divided by 10 at 60 % and again at 85 % of the epochs (Schedule): the course keeps 0.01 throughout, ' +
    'which makes CNN-2 swing between 53 % and 86 % from epoch to epoch on the faces',
  'epochs: 10 instead of 30 (the course used a GPU; 10 epochs reach the course\'s accuracy on the faces here)',
];

export function recipeChanges(): string[] {
  return [...RECIPE_CHANGES, ...TRAINING_CHANGES];
}

export function trainingPlan(recipe: Recipe): TrainingPlan {
  // The lecture: GradientDescentMomentum(0.01, momentum_coef=0.9, wdecay=0.0005), batch 128, 30 epochs.
  const course = (lr: number) => new GradientDescentMomentum(lr, { momentumCoef: 0.9, wdecay: 0.0005 });
  if (recipe === 'course') {
    return { epochs: 30, batchSize: 128, learningRate: 0.01, optimizer: course };
  }
  return {
    epochs: 10,
    batchSize: 128,
    learningRate: 0.01,
    optimizer: (lr, epochs) => new GradientDescentMomentum(lr, {
      momentumCoef: 0.9, wdecay: 0.0005,
      schedule: new Schedule([Math.round(0.6 * epochs), Math.round(0.85 * epochs)], 0.1),
    }),
  };
}
