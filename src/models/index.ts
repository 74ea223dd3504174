// The course's networks by name: `models.cnn1({ nclass: 2, inputShape: [3, 64, 64] })`.
import type { Layer } from '../layers/layer.ts';
import type { NetworkOptions } from './options.ts';
import { resnet101, resnet152, resnet18, resnet34, resnet50 } from './resnet.ts';
import { cnn1, cnn2, fcnn1, fcnn2, fcnn3 } from './simple.ts';
import { fcn } from './fcn.ts';

export const models = { fcnn1, fcnn2, fcnn3, cnn1, cnn2, resnet18, resnet34, resnet50, resnet101, resnet152, fcn } as const satisfies
  Record<string, (opts?: NetworkOptions) => Layer[]>;

export type ModelName = keyof typeof models;
export const modelNames = Object.keys(models) as ModelName[];

export { cnn1, cnn2, fcnn1, fcnn2, fcnn3 } from './simple.ts';
export { resnet18, resnet34, resnet50, resnet101, resnet152, makeResnetBase, moduleBasic, moduleBottleneck, convParams, type ResnetBlock } from './resnet.ts';
export { RECIPE_CHANGES, type NetworkOptions, type Recipe } from './options.ts';
export { fcn, type FcnOptions } from './fcn.ts';
export { costFor, headType } from './head-cost.ts';
