import { Testing } from 'cdk8s';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLATFORM_WARNING_IDS } from '../../src/conventions';
import { PRIORITY_CLASS_FACTS, PriorityClassEntry, PriorityClasses, SEED_PRIORITY_CLASSES, priorityClassNotes, priorityClassesProblems } from '../../src/constructs/priority-classes';
import { expectValidManifests } from '../helpers/k8s-schema';
import { errorOf, synth } from '../support';

const build = (classes: readonly PriorityClassEntry[]) => {
  const chart = Testing.chart();
  return new PriorityClasses(chart, 'Priorities', { classes });
};

describe('PriorityClasses', () => {
  it('emits the seed classes with their values, descriptions and the one global default', () => {
    const objects = synth((chart) => void new PriorityClasses(chart, 'Priorities', { classes: SEED_PRIORITY_CLASSES, partOf: 'opifex' }));
    expectValidManifests(objects);
    expect(objects.map((o) => [o.metadata.name, o.value, o.globalDefault])).toEqual([
      ['gpu-workload', 1000, false],
      ['high-priority', 900, false],
      ['cpu-workload', 500, false],
      ['normal-priority', 100, true],
      ['low-priority', 50, false],
    ]);
    for (const o of objects) {
      expect(o.apiVersion).toBe('scheduling.k8s.io/v1');
      expect(o.kind).toBe('PriorityClass');
      expect(o.metadata.namespace).toBeUndefined();
      expect(o.preemptionPolicy).toBe('PreemptLowerPriority');
      expect(o.metadata.labels).toEqual({ 'app.kubernetes.io/component': 'scheduling', 'app.kubernetes.io/managed-by': 'cdk8s-ai-inference', 'app.kubernetes.io/part-of': 'opifex' });
    }
    expect(objects.find((o) => o.metadata.name === 'gpu-workload')!.description).toBe('GPU-intensive L2O and neural operator training');
    expect(objects.find((o) => o.metadata.name === 'high-priority')!.description).toBe('Critical operations');
    expect(objects.find((o) => o.metadata.name === 'cpu-workload')!.description).toBe('CPU-intensive workloads');
    expect(objects.find((o) => o.metadata.name === 'normal-priority')!.description).toBe('Standard workloads');
    expect(objects.find((o) => o.metadata.name === 'low-priority')!.description).toBe('Background tasks');
  });

  it('says that the global default reaches every namespace of the cluster', () => {
    const pcs = build(SEED_PRIORITY_CLASSES);
    expect(pcs.globalDefault).toBe('normal-priority');
    expect(pcs.valueOf('gpu-workload')).toBe(1000);
    expect(pcs.notes).toHaveLength(1);
    expect(pcs.notes[0].id).toBe(PLATFORM_WARNING_IDS.globalDefaultPriority);
    expect(pcs.notes[0].message).toContain('PriorityClass "normal-priority" (value 100) is the global default: every pod created without priorityClassName in every namespace of the cluster');
    expect(pcs.notes[0].message).toContain('the API server refuses the class if another one is already the default');
  });

  it('keeps preemptionPolicy Never and leaves description out when none is given', () => {
    const objects = synth((chart) => void new PriorityClasses(chart, 'P', { classes: [{ name: 'batch', value: -10, preemptionPolicy: 'Never' }] }));
    expectValidManifests(objects);
    expect(objects[0]).toMatchObject({ value: -10, preemptionPolicy: 'Never', globalDefault: false });
    expect(objects[0].description).toBeUndefined();
  });

  it('accepts the highest user value and refuses one above it', () => {
    expect(() => build([{ name: 'top', value: PRIORITY_CLASS_FACTS.highestUserValue }])).not.toThrow();
    expect(errorOf(() => build([{ name: 'top', value: 1_000_000_001 }]))).toContain(
      'classes[0].value (1000000001) must be at most 1000000000: higher values are reserved for the system classes (system-cluster-critical, system-node-critical) and the API server refuses them; lower it',
    );
  });

  it('refuses fractions, NaN and values below int32', () => {
    expect(errorOf(() => build([{ name: 'a', value: 1.5 }]))).toContain('classes[0].value (1.5) must be a whole number; round it');
    expect(errorOf(() => build([{ name: 'a', value: NaN }]))).toContain('classes[0].value (NaN) must be a number, not NaN; give a real value');
    expect(errorOf(() => build([{ name: 'a', value: -(2 ** 31) - 1 }]))).toContain('classes[0].value (-2147483649) must fit a 32-bit integer (at least -2147483648); raise it');
  });

  it('refuses the reserved system- prefix and names that are not DNS subdomains', () => {
    expect(errorOf(() => build([{ name: 'system-gpu', value: 10 }]))).toContain(
      'classes[0].name ("system-gpu") must not start with "system-": the API server reserves that prefix for its built-in classes; rename it',
    );
    expect(errorOf(() => build([{ name: 'GPU_Workload', value: 10 }]))).toContain('classes[0].name ("GPU_Workload") must be an RFC 1123 subdomain');
  });

  it('refuses a second global default and a repeated name', () => {
    const message = errorOf(() =>
      build([
        { name: 'a', value: 1, globalDefault: true },
        { name: 'b', value: 2, globalDefault: true },
        { name: 'a', value: 3 },
      ]),
    );
    expect(message).toContain('classes[1].globalDefault (true) is a second global default beside classes[0] "a": the API server admits only one default class per cluster; keep globalDefault on one class');
    expect(message).toContain('classes[2].name ("a") repeats classes[0]: PriorityClass names are unique in the cluster; rename one or merge them');
  });

  it('refuses an empty list, an unknown preemption policy and unknown fields', () => {
    expect(errorOf(() => build([]))).toContain('classes (an empty list) must hold at least one class; add one');
    expect(errorOf(() => build([{ name: 'a', value: 1, preemptionPolicy: 'Always' as never }]))).toContain('classes[0].preemptionPolicy ("Always") must be one of "PreemptLowerPriority", "Never"');
    expect(errorOf(() => build([{ name: 'a', value: 1, globaldefault: true } as never]))).toContain('classes[0].globaldefault is not a field; did you mean classes[0].globalDefault?');
  });

  it('allows two classes with one value and notes that they never preempt each other', () => {
    const pcs = build([
      { name: 'a', value: 7 },
      { name: 'b', value: 7 },
    ]);
    expect(pcs.notes).toEqual([
      { id: PLATFORM_WARNING_IDS.samePriorityValue, message: 'PriorityClasses "a", "b" share value 7: their pods never preempt each other and queue by arrival; give them distinct values if one must win' },
    ]);
  });

  describe('properties', () => {
    const name = fc.stringMatching(/^[a-r][a-z0-9-]{0,20}[a-z0-9]$/);
    const entry = fc.record({ name, value: fc.integer({ min: PRIORITY_CLASS_FACTS.lowestValue, max: PRIORITY_CLASS_FACTS.highestUserValue }), globalDefault: fc.boolean() });

    it('accepts any list of unique user classes with at most one default, and emits one object per class', () => {
      fc.assert(
        fc.property(fc.uniqueArray(entry, { selector: (e) => e.name, minLength: 1, maxLength: 8 }), (list) => {
          const firstDefault = list.findIndex((e) => e.globalDefault);
          const classes = list.map((e, i) => ({ ...e, globalDefault: i === firstDefault }));
          expect(priorityClassesProblems(classes)).toEqual([]);
          const objects = synth((chart) => void new PriorityClasses(chart, 'P', { classes }));
          expect(objects.map((o) => o.value)).toEqual(classes.map((c) => c.value));
          expect(objects.filter((o) => o.globalDefault)).toHaveLength(firstDefault >= 0 ? 1 : 0);
          expect(priorityClassNotes(classes).filter((n) => n.id === PLATFORM_WARNING_IDS.globalDefaultPriority)).toHaveLength(firstDefault >= 0 ? 1 : 0);
        }),
        { numRuns: 60 },
      );
    });

    it('refuses every value above the user range', () => {
      fc.assert(
        fc.property(fc.integer({ min: PRIORITY_CLASS_FACTS.highestUserValue + 1, max: 2 ** 31 - 1 }), (value) => {
          expect(errorOf(() => build([{ name: 'x', value }]))).toContain(`classes[0].value (${value}) must be at most 1000000000`);
        }),
        { numRuns: 40 },
      );
    });

    it('reports one problem per extra default', () => {
      fc.assert(
        fc.property(fc.integer({ min: 2, max: 6 }), (n) => {
          const classes = Array.from({ length: n }, (_, i) => ({ name: `c${i}`, value: i, globalDefault: true }));
          expect(priorityClassesProblems(classes)).toHaveLength(n - 1);
        }),
        { numRuns: 10 },
      );
    });
  });
});
