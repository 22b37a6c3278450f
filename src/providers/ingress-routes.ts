/**
 * The routes an ingress controller serves, shared by the ingress-nginx and Traefik
 * constructs so both express the same platform: one host, TLS from cert-manager, and a path
 * per workload to that workload's ClusterIP Service. Pure data, no cdk8s.
 */
import { k8s } from 'cdk8s-plus-28';

/** One path of the host, served by one workload's Service. */
export interface IngressRoute {
  /** The path prefix, e.g. `/api/v1/l2o`. Starts with `/`. */
  readonly path: string;
  /** The Service the path goes to (a ClusterIP Service of the workload, e.g. NlbService.internal). */
  readonly service: k8s.KubeService;
  /** The Service port, by number. */
  readonly port: number;
}

/** TLS for the host, its certificate issued by cert-manager. */
export interface IngressTls {
  /** The cert-manager ClusterIssuer that issues the certificate (e.g. a Let's Encrypt issuer). */
  readonly clusterIssuer: string;
  /** The Secret cert-manager writes the certificate into. @default - `<name>-tls` */
  readonly secretName?: string;
}
