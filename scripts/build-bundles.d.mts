// Types of build-bundles.mjs for the TypeScript callers (the browser test harness, benchmarks).
import type { BuildOptions, Plugin } from 'esbuild';

export const root: string;
export const wasmBesideBundle: Plugin;
export function options(o: { platform: 'browser' | 'node'; minify?: boolean }): BuildOptions;
export function browserOptions(o?: { minify?: boolean }): BuildOptions;
export const entries: Record<'browser' | 'iife' | 'cli', () => BuildOptions>;
export const ALL: string[];
export function buildBundles(only?: string[]): Promise<number>;
