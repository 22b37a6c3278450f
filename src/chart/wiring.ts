import { z } from 'zod';
import { InferenceDeploymentProps, inferenceDeploymentPropsSchema } from '../constructs/inference-deployment';
import { InferenceNetworkPolicyProps, inferenceNetworkPolicyPropsSchema } from '../constructs/inference-network-policy';
import { NlbServiceProps, nlbServicePropsSchema } from '../constructs/nlb-service';
import { PdbPolicyProps, pdbPolicyPropsSchema } from '../constructs/pdb-policy';
import { AiInferenceSpec, specShapeSchema } from '../spec/spec';
import { InferenceValidationError, zodProblems } from '../private/validation';

/**
 * The spec, mapped onto each construct's props. Each mapping comes with the spec path of
 * every props field, so a construct's validation error names the field the user wrote.
 */
interface Wiring<P> {
  readonly schema: z.ZodType<unknown, z.ZodTypeDef, P>;
  readonly props: P;
  /** props field (first path segment) -> spec path */
  readonly paths: Record<string, string>;
}

export function deploymentWiring(spec: AiInferenceSpec, autoscaled: boolean): Wiring<InferenceDeploymentProps> {
  return {
    schema: inferenceDeploymentPropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      image: spec.image,
      imagePullPolicy: spec.imagePullPolicy,
      replicas: spec.replicas,
      autoscaled,
      ports: spec.ports,
      resources: spec.resources,
      scheduling: spec.scheduling,
      probes: spec.probes,
      modelLoadTime: spec.model.loadTime,
      storage: spec.storage,
      config: { ...spec.config, model: { name: spec.model.name, version: spec.model.version } },
      secretEnv: spec.secretEnv,
      shutdown: spec.shutdown,
      identity: spec.identity,
      labels: partOfLabel(spec),
    },
    paths: { name: 'release', modelLoadTime: 'model.loadTime' },
  };
}

export function nlbWiring(spec: AiInferenceSpec): Wiring<NlbServiceProps> {
  return {
    schema: nlbServicePropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      ports: spec.ports,
      loadBalancer: spec.traffic?.loadBalancer,
      headless: spec.traffic?.headless,
      internal: spec.traffic?.internal,
      labels: partOfLabel(spec),
    },
    paths: { name: 'release', loadBalancer: 'traffic.loadBalancer', headless: 'traffic.headless', internal: 'traffic.internal' },
  };
}

export function pdbWiring(spec: AiInferenceSpec, replicaFloor: number, replicaFloorPath: string): Wiring<PdbPolicyProps> {
  return {
    schema: pdbPolicyPropsSchema,
    props: {
      name: spec.release,
      namespace: spec.namespace,
      ...spec.disruption,
      replicaFloor,
      replicaFloorPath,
      errorPathPrefix: 'disruption.',
      labels: partOfLabel(spec),
    },
    paths: {
      name: 'release',
      minAvailable: 'disruption.minAvailable',
      maxUnavailable: 'disruption.maxUnavailable',
      unhealthyPodEvictionPolicy: 'disruption.unhealthyPodEvictionPolicy',
    },
  };
}

export function networkPolicyWiring(spec: AiInferenceSpec): Wiring<InferenceNetworkPolicyProps> | undefined {
  if (spec.networkPolicy === false) return undefined;
  const paths: Record<string, string> = { name: 'release', loadBalancerSourceRanges: 'traffic.loadBalancer.sourceRanges' };
  for (const key of Object.keys(spec.networkPolicy ?? {})) paths[key] = `networkPolicy.${key}`;
  return {
    schema: inferenceNetworkPolicyPropsSchema,
    props: {
      ...spec.networkPolicy,
      name: spec.release,
      namespace: spec.namespace,
      loadBalancerSourceRanges: spec.traffic?.loadBalancer?.sourceRanges,
      labels: partOfLabel(spec),
    },
    paths,
  };
}

function partOfLabel(spec: AiInferenceSpec): Record<string, string> | undefined {
  return spec.partOf ? { 'app.kubernetes.io/part-of': spec.partOf } : undefined;
}

/** Problems of one construct's props, with paths rewritten to spec paths. */
export function wiringProblems(w: { schema: z.ZodTypeAny; props: unknown; paths: Record<string, string> }): string[] {
  return zodProblems(w.schema, w.props, ([head, ...rest]) =>
    typeof head === 'string' && w.paths[head] ? [w.paths[head], ...rest] : [head, ...rest],
  );
}

/** Spec-level shape problems. */
export function shapeProblems(spec: unknown): string[] {
  return zodProblems(specShapeSchema, spec);
}

/** Throws an InferenceValidationError listing every problem, or returns when there is none. */
export function throwIfProblems(subject: string, problems: string[]): void {
  if (problems.length > 0) throw new InferenceValidationError(subject, [...new Set(problems)]);
}
