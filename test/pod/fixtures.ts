import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { ResolvedWorkload, WorkloadFields, resolveWorkload } from '../../src/spec/workload';

/** Workload fields with only the required resources: every other field takes its default. */
export const minimalWorkload: WorkloadFields = {
  resources: {
    cpu: { request: Cpu.units(2), limit: Cpu.units(4) },
    memory: { request: Size.gibibytes(8), limit: Size.gibibytes(16) },
  },
};

/** The minimal workload with `overrides`, resolved. */
export function resolved(overrides: Partial<WorkloadFields> = {}): ResolvedWorkload {
  return resolveWorkload({ ...minimalWorkload, ...overrides });
}

/** The selector labels of the release `ai-inference`. */
export const selector = { 'app.kubernetes.io/name': 'ai-inference', 'app.kubernetes.io/instance': 'ai-inference' };
