export { backward } from './engine.ts';
export { noGrad, isRecording } from './mode.ts';
export { gradCheck, type GradCheckOptions, type GradCheckResult, type GradCheckMismatch } from './gradcheck.ts';
