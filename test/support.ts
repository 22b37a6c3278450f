import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';

/** A synthesized Kubernetes object, as plain data. */
export type Manifest = Record<string, any>;

/** Builds a chart with `build`, synthesizes it (running validations) and returns the objects. */
export function synth(build: (chart: Chart) => void): Manifest[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart);
}

/** The one object of `kind` (and `name`, when given); fails when there is not exactly one. */
export function only(objects: Manifest[], kind: string, name?: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}: ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  return found[0];
}

/** Runs `fn` and returns the thrown error's message (fails when nothing is thrown). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but none was thrown');
}

/** Synthesizes `scope`'s chart expecting validation to fail; returns the message. */
export function synthError(build: (chart: Chart) => Construct | void): string {
  return errorOf(() => synth((chart) => void build(chart)));
}
