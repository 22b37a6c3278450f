/**
 * Annotation-key prefixes of each load balancer provider, so neither provider's keys ever
 * reach the other's Service (the schemas refuse them in `extraAnnotations`).
 *
 * - AWS: the AWS Load Balancer Controller reads `service.beta.kubernetes.io/aws-load-balancer-*`
 *   (docs/guide/service/annotations.md) and `elbv2.k8s.aws/*` (its own API group).
 * - GKE: the GKE L4 controllers read `cloud.google.com/*` and `networking.gke.io/*`
 *   (kubernetes/ingress-gce pkg/l4/annotations, e.g. `cloud.google.com/l4-rbs`,
 *   `networking.gke.io/load-balancer-type`).
 */
export const AWS_ANNOTATION_PREFIXES = ['service.beta.kubernetes.io/aws-', 'elbv2.k8s.aws/'] as const;
export const GKE_ANNOTATION_PREFIXES = ['cloud.google.com/', 'networking.gke.io/'] as const;
