import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { ingressTlsSecretName } from '../conventions';
import {
  INGRESS_NGINX_CONTROLLER,
  IngressNginxNote,
  IngressNginxOptions,
  ResolvedIngressNginxOptions,
  ingressNginxAnnotations,
  ingressNginxControllerConfig,
  ingressNginxNotes,
  ingressNginxOptionsSchema,
  resolveIngressNginxOptions,
} from '../providers/ingress-nginx';
import { IngressRoute, IngressTls } from '../providers/ingress-routes';
import { formatProblem, parseOrThrow, throwIfProblems } from '../spec/problems';
import { zDnsSubdomain, zLabelMap, zPort } from '../spec/values';

export interface NginxIngressProps {
  /** metadata.name of the Ingress. */
  readonly name: string;
  /** Namespace of the Ingress; every route's Service must be in it. @default - the chart's namespace */
  readonly namespace?: string;
  /** The IngressClass of the ingress-nginx controller. @default 'nginx' (the Helm chart's IngressClass) */
  readonly ingressClassName?: string;
  /** The one host the routes are served on, a DNS name (e.g. `api.opifex.example.com`). */
  readonly host: string;
  /**
   * TLS for the host: cert-manager's ingress-shim issues the certificate from the
   * ClusterIssuer into the Secret, and the controller serves it (and redirects HTTP to HTTPS,
   * its default with TLS). @default - no TLS
   */
  readonly tls?: IngressTls;
  /** One path prefix per Service, at least one. */
  readonly routes: IngressRoute[];
  /** What the controller does with these routes (annotations). @default - the provider's defaults (resolveIngressNginxOptions) */
  readonly nginx?: IngressNginxOptions;
  /** Metadata labels of the Ingress. @default - none */
  readonly labels?: Record<string, string>;
}

/**
 * cert-manager's ingress-shim reads the ClusterIssuer from this annotation and issues one
 * Certificate per `spec.tls` entry, which needs `hosts` and `secretName`. Source:
 * cert-manager/cert-manager v1.21.1, pkg/apis/certmanager/v1/types.go
 * (IngressClusterIssuerNameAnnotationKey) and pkg/controller/certificate-shim/sync.go
 * (validateIngressTLSBlock).
 */
export const CERT_MANAGER_CLUSTER_ISSUER_ANNOTATION = 'cert-manager.io/cluster-issuer';

/** The one pathType the construct writes: every route is a prefix of the request path. */
const PATH_TYPE = 'Prefix';

// A DNS name of lower-case RFC 1123 labels (at most 63 each, 253 in all), not an address.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const zHost = z.string().superRefine((host, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  if (host.startsWith('*.')) return fail('is a wildcard; name the one host the routes serve (a wildcard certificate needs a DNS-01 issuer, and the routes are per host)');
  if (host.length > 253) return fail('must be at most 253 characters (a DNS name); shorten it');
  const labels = host.split('.');
  if (!labels.every((l) => l.length <= 63 && DNS_LABEL.test(l))) {
    return fail('must be a DNS name (lower-case letters, digits and "-" in labels of at most 63, separated by "."), without scheme, port or path; e.g. api.example.com');
  }
  if (labels.every((l) => /^\d+$/.test(l))) return fail('is an IP address; an Ingress host must be a DNS name');
});

/**
 * A Prefix path as both the API server and the controller accept it: absolute, without
 * `//`, `/./`, `/../`, `%2f` or a trailing `/.` or `/..` (k8s.io/kubernetes
 * pkg/apis/networking/validation, validateIngressHTTPIngressPath, v1.28), and only
 * letters, digits, `.`, `_`, `-` and `/` (ingress-nginx internal/ingress/inspector/rules.go
 * validPathType, enforced by strict-validate-path-type, true by default, controller-v1.15.1).
 */
const zPrefixPath = z.string().superRefine((path, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  if (!path.startsWith('/')) return fail('must start with "/" (a Prefix path is absolute); e.g. /api/v1/l2o');
  if (!/^\/[A-Za-z0-9._\-/]*$/.test(path)) {
    return fail('may hold only letters, digits, ".", "_", "-" and "/" (ingress-nginx refuses other characters in a Prefix path); remove the others');
  }
  for (const bad of ['//', '/./', '/../']) if (path.includes(bad)) return fail(`must not contain "${bad}" (the API server refuses it in a Prefix path); write the path plainly`);
  if (path.endsWith('/.') || path.endsWith('/..')) return fail('must not end with "/." or "/.." (the API server refuses it in a Prefix path); write the path plainly');
});

const zService = z.custom<k8s.KubeService>((v) => ApiObject.isApiObject(v) && (v as ApiObject).kind === 'Service', {
  message: 'must be a Service object (a k8s.KubeService, e.g. NlbService.internal); pass the Service itself, not its name',
});

export const nginxIngressPropsSchema = z
  .object({
    name: zDnsSubdomain,
    namespace: zDnsSubdomain.optional(),
    ingressClassName: zDnsSubdomain.optional(),
    host: zHost,
    tls: z
      .object({
        clusterIssuer: zDnsSubdomain,
        secretName: zDnsSubdomain.optional(),
      })
      .strict()
      .optional(),
    routes: z
      .array(z.object({ path: zPrefixPath, service: zService, port: zPort }).strict())
      .min(1, 'must hold at least one route; an Ingress without paths serves nothing'),
    nginx: ingressNginxOptionsSchema.optional(),
    labels: zLabelMap.optional(),
  })
  .strict() satisfies z.ZodType<NginxIngressProps, z.ZodTypeDef, unknown>;

/**
 * A Prefix path without its trailing slashes: `/api` and `/api/` match the same requests.
 * The API defines Prefix matching per path element, and ingress-nginx writes both as the
 * location `/api/` plus an exact `/api` (internal/ingress/controller/location.go,
 * updateServerLocations and normalizePrefixPath, controller-v1.15.1), so two routes on them
 * would compete for one location.
 */
function samePrefix(path: string): string {
  return path.replace(/\/+$/, '') || '/';
}

/** What the API objects of the routes say, checked against the Ingress. */
function routeProblems(routes: readonly IngressRoute[], namespace: string | undefined): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  routes.forEach((route, i) => {
    const key = samePrefix(route.path);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(
        formatProblem(['routes', i, 'path'], route.path, `is the same prefix as routes[${first}].path ("${routes[first].path}"; a trailing "/" does not make a Prefix path another one), and only one Service can serve it; give each route its own path`),
      );
    } else {
      seen.set(key, i);
    }
    const service = route.service;
    const serviceNamespace = service.metadata.namespace;
    if (serviceNamespace !== namespace) {
      problems.push(
        formatProblem(
          ['routes', i, 'service'],
          `${serviceNamespace ?? '(no namespace)'}/${service.name}`,
          `is not in the Ingress's namespace (${namespace ?? 'none'}), and an Ingress reaches only Services of its own namespace; create the Ingress in "${serviceNamespace ?? 'the Service\'s namespace'}" or route to a Service of "${namespace ?? 'the Ingress\'s namespace'}"`,
        ),
      );
    }
    const ports = ((service.toJson() as { spec?: { ports?: { port?: number; name?: string }[] } }).spec?.ports ?? []).map((p) => p.port);
    if (!ports.includes(route.port)) {
      const has = ports.length > 0 ? `its ports: ${ports.join(', ')}` : 'it has no ports';
      problems.push(
        formatProblem(['routes', i, 'port'], route.port, `is not a port of Service "${service.name}" (${has}), so the controller would have no endpoint to send the path to; use one of its ports`),
      );
    }
  });
  return problems;
}

/**
 * One `networking.k8s.io/v1` Ingress for the ingress-nginx controller: one host, a Prefix
 * path per route to its Service's port, TLS from a cert-manager ClusterIssuer, and the
 * `nginx.ingress.kubernetes.io/*` annotations of the options. What the controller cannot do
 * per Ingress is in `notes` (for the chart's warnings) and `controllerConfig` (for the
 * platform team's Helm values).
 */
export class NginxIngress extends Construct {
  readonly resource: k8s.KubeIngress;
  /** The options with their defaults. */
  readonly options: ResolvedIngressNginxOptions;
  /** Where the options ask for what the controller cannot do per Ingress: what holds instead. */
  readonly notes: readonly IngressNginxNote[];
  /** Controller ConfigMap keys (Helm values `controller.config`) these options need. */
  readonly controllerConfig: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: NginxIngressProps) {
    super(scope, id);
    const subject = `NginxIngress ${scope.node.path}/${id}`;
    const p = parseOrThrow(nginxIngressPropsSchema, props, subject);
    // The namespace the Ingress is written in: the prop, else the chart's (as ApiObject does).
    const namespace = p.namespace ?? Chart.of(this).namespace;
    throwIfProblems(subject, routeProblems(p.routes, namespace));

    this.options = resolveIngressNginxOptions(p.nginx);
    this.notes = ingressNginxNotes(this.options, 'nginx');
    this.controllerConfig = ingressNginxControllerConfig(this.options);

    const annotations: Record<string, string> = { ...ingressNginxAnnotations(this.options) };
    if (p.tls) annotations[CERT_MANAGER_CLUSTER_ISSUER_ANNOTATION] = p.tls.clusterIssuer;

    this.resource = new k8s.KubeIngress(this, 'Resource', {
      metadata: { name: p.name, namespace: p.namespace, labels: p.labels, annotations },
      spec: {
        ingressClassName: p.ingressClassName ?? INGRESS_NGINX_CONTROLLER.ingressClassName,
        tls: p.tls ? [{ hosts: [p.host], secretName: p.tls.secretName ?? ingressTlsSecretName(p.name) }] : undefined,
        rules: [
          {
            host: p.host,
            http: {
              paths: p.routes.map((route) => ({
                path: route.path,
                pathType: PATH_TYPE,
                backend: { service: { name: route.service.name, port: { number: route.port } } },
              })),
            },
          },
        ],
      },
    });
  }
}
