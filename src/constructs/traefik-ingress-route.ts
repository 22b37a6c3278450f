import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { z } from 'zod';
import { ingressTlsSecretName } from '../conventions';
import { withDefaults } from '../private/defaults';
import { IngressRoute, IngressTls } from '../providers/ingress-routes';
import {
  CERT_MANAGER,
  CertificateSpec,
  TRAEFIK,
  TraefikIngressRouteSpec,
  TraefikMiddlewareSpec,
  TraefikNote,
  TraefikRouteOptions,
  TraefikServersTransportSpec,
  certificateSpec,
  normalizeRoutePath,
  traefikIngressRouteSpec,
  traefikMiddlewares,
  traefikNotes,
  traefikObjectName,
  traefikRouteOptionsSchema,
  traefikServersTransportSpec,
} from '../providers/traefik';
import { formatProblem, parseOrThrow } from '../spec/problems';
import { zDnsLabel, zDnsSubdomain, zHttpPath, zLabelMap, zPort } from '../spec/values';

export interface TraefikIngressRouteProps {
  /** metadata.name of the IngressRoute; the Middlewares and the ServersTransport are `<name>-<rule>`. */
  readonly name: string;
  /** Namespace of every object emitted, and of the routes' Services (Traefik refuses references to another namespace). */
  readonly namespace: string;
  /** The one host the routes serve, e.g. `api.opifex.example.com`; also the certificate's DNS name. */
  readonly host: string;
  /** TLS for the host: a cert-manager Certificate from the ClusterIssuer fills the Secret the IngressRoute serves. */
  readonly tls: IngressTls;
  /** One route per path, each to its workload's Service, matched by whole path segments; the longer path wins. */
  readonly routes: IngressRoute[];
  /**
   * Traefik entry points the IngressRoute binds to. Without any it would bind to all, plain
   * HTTP `web` included.
   * @default ['websecure'] (the Traefik Helm chart's TLS entry point, port 443)
   */
  readonly entryPoints?: string[];
  /**
   * The traffic rules around the routes (rate limit, retries, circuit breaker, passive
   * health check, body limit, proxy timeout), as Middlewares and a ServersTransport.
   * @default - none: Traefik's own behaviour
   */
  readonly traefik?: TraefikRouteOptions;
  /** Metadata labels of every object emitted. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Defaults of a TraefikIngressRoute (the rules' own defaults are resolveTraefikOptions'). */
export const TRAEFIK_INGRESS_ROUTE_DEFAULTS: Required<Pick<TraefikIngressRouteProps, 'entryPoints'>> = { entryPoints: [TRAEFIK.websecure] };

/**
 * A path Traefik's rule parser can take: the rule writes it as a Go raw string (between
 * backquotes: traefik v3.7.9 pkg/rules/parser.go parses rules with vulcand/predicate, Go
 * expression syntax), which cannot hold a backquote.
 */
const zRoutePath = zHttpPath.refine((p) => !p.includes('`'), { message: 'must not contain a backquote (it would end the path\'s string in the Traefik rule); remove it' });

const zKubeService = z.custom<k8s.KubeService>((v) => v instanceof ApiObject && v.kind === 'Service' && v.apiVersion === 'v1', {
  message: 'must be a Kubernetes Service object (a cdk8s k8s.KubeService, e.g. NlbService.internal); pass the Service, not its name',
});

export const traefikIngressRoutePropsSchema = z
  .object({
    name: zDnsLabel,
    namespace: zDnsLabel,
    host: zDnsSubdomain.refine((h) => h.includes('.'), { message: 'must be a fully qualified host name, e.g. api.example.com; give the public name clients use' }),
    tls: z.object({ clusterIssuer: zDnsSubdomain, secretName: zDnsSubdomain.optional() }).strict(),
    routes: z
      .array(z.object({ path: zRoutePath, service: zKubeService, port: zPort }).strict())
      .min(1, 'must hold at least one route; add a path to a Service')
      .superRefine((routes, ctx) => {
        const seen = new Map<string, number>();
        routes.forEach((r, i) => {
          if (typeof r?.path !== 'string') return;
          const p = normalizeRoutePath(r.path);
          const first = seen.get(p);
          if (first !== undefined) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: [i, 'path'],
              message: `is the same path as routes[${first}].path (a trailing "/" makes no other path), and Traefik would pick either; give each path one route`,
            });
          } else seen.set(p, i);
        });
      }),
    entryPoints: z
      .array(z.string().regex(/^[A-Za-z0-9][-A-Za-z0-9_]*$/, 'must be a Traefik entry point name (letters, digits, "-" and "_"); e.g. websecure'))
      .min(1, 'must name at least one entry point (none binds the route to every entry point, plain HTTP included); leave entryPoints out for websecure')
      .superRefine((names, ctx) => {
        names.forEach((n, i) => {
          if (names.indexOf(n) !== i) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: 'is listed twice; list each entry point once' });
        });
      })
      .optional(),
    traefik: traefikRouteOptionsSchema.optional(),
    labels: zLabelMap.optional(),
  })
  .strict() satisfies z.ZodType<TraefikIngressRouteProps, z.ZodTypeDef, unknown>;

/** The Service port numbers of a KubeService, as it will be synthesized. */
function servicePorts(service: k8s.KubeService): number[] {
  const ports = (service.toJson() as { spec?: { ports?: { port?: number }[] } }).spec?.ports ?? [];
  return ports.map((p) => p.port).filter((p): p is number => typeof p === 'number');
}

/**
 * A Traefik v3 route for one host: a `traefik.io/v1alpha1` IngressRoute with a route per
 * path to its workload's Service, the Middlewares its rules need (rate limit, body limit,
 * circuit breaker, retry, in that order), a ServersTransport when a proxy timeout is set,
 * and a `cert-manager.io/v1` Certificate from the ClusterIssuer for the TLS Secret
 * (cert-manager's ingress-shim issues certificates for Ingress and Gateway objects only).
 * Where Traefik does not do exactly what an option says, `notes` says what holds instead,
 * with the warning id the chart prints.
 */
export class TraefikIngressRoute extends Construct {
  readonly ingressRoute: ApiObject;
  /** The Middlewares, in the order the routes apply them. */
  readonly middlewares: ApiObject[];
  readonly serversTransport?: ApiObject;
  readonly certificate: ApiObject;
  /** The Secret the certificate is written into and the IngressRoute serves. */
  readonly tlsSecretName: string;
  /** Where Traefik's behaviour differs from the options, for synth warnings. */
  readonly notes: TraefikNote[];

  constructor(scope: Construct, id: string, props: TraefikIngressRouteProps) {
    super(scope, id);
    const p = parseOrThrow(traefikIngressRoutePropsSchema, props, `TraefikIngressRoute ${scope.node.path}/${id}`);
    const d = withDefaults(TRAEFIK_INGRESS_ROUTE_DEFAULTS, p);
    const { name, namespace, host, tls, routes } = p;
    const options = p.traefik ?? {};
    const metadata = (objectName: string) => ({ name: objectName, namespace, labels: p.labels && { ...p.labels } });
    this.tlsSecretName = tls.secretName ?? ingressTlsSecretName(name);
    this.notes = traefikNotes(options);

    const certificate: TypedObject<CertificateSpec> = {
      apiVersion: CERT_MANAGER.apiVersion,
      kind: CERT_MANAGER.certificateKind,
      // Named after its Secret, as cert-manager's ingress-shim names the Certificates it makes.
      metadata: metadata(this.tlsSecretName),
      spec: certificateSpec(host, tls.clusterIssuer, this.tlsSecretName),
    };
    this.certificate = new ApiObject(this, 'Certificate', certificate);

    this.middlewares = traefikMiddlewares(name, options).map((m) => {
      const body: TypedObject<TraefikMiddlewareSpec> = { apiVersion: TRAEFIK.apiVersion, kind: TRAEFIK.middlewareKind, metadata: metadata(m.name), spec: m.spec };
      return new ApiObject(this, `Middleware-${m.name}`, body);
    });

    const transport = traefikServersTransportSpec(options);
    if (transport) {
      const body: TypedObject<TraefikServersTransportSpec> = {
        apiVersion: TRAEFIK.apiVersion,
        kind: TRAEFIK.serversTransportKind,
        metadata: metadata(traefikObjectName(name, 'serversTransport')),
        spec: transport,
      };
      this.serversTransport = new ApiObject(this, 'ServersTransport', body);
    }

    const route: TypedObject<TraefikIngressRouteSpec> = {
      apiVersion: TRAEFIK.apiVersion,
      kind: TRAEFIK.ingressRouteKind,
      metadata: metadata(name),
      spec: traefikIngressRouteSpec({
        name,
        namespace,
        host,
        entryPoints: d.entryPoints,
        routes: routes.map((r) => ({ path: r.path, serviceName: r.service.name, port: r.port })),
        tlsSecretName: this.tlsSecretName,
        options,
      }),
    };
    // Last, so what it references exists when Traefik reads it.
    this.ingressRoute = new ApiObject(this, 'IngressRoute', route);

    this.node.addValidation({ validate: () => routes.flatMap((r, i) => routeProblems(r, i, namespace)) });
  }
}

/** The relations of one route to its Service: same namespace, and a port the Service has. */
function routeProblems(route: IngressRoute, index: number, namespace: string): string[] {
  const problems: string[] = [];
  const svc = route.service;
  const svcNamespace = svc.metadata.namespace;
  if (svcNamespace !== undefined && svcNamespace !== namespace) {
    problems.push(
      formatProblem(
        ['routes', index, 'service'],
        `${svcNamespace}/${svc.name}`,
        `is in namespace "${svcNamespace}", not the IngressRoute's "${namespace}", and Traefik refuses references to another namespace (allowCrossNamespace is off in its Helm chart); create the TraefikIngressRoute in "${svcNamespace}" or route to a Service of "${namespace}"`,
      ),
    );
  }
  const ports = servicePorts(svc);
  if (!ports.includes(route.port)) {
    const has = ports.length > 0 ? `its ports: ${ports.join(', ')}` : 'it has no ports';
    problems.push(
      formatProblem(
        ['routes', index, 'port'],
        route.port,
        `is no port of Service "${svc.name}" (${has}), so Traefik would drop the route ("service port not found"); use ${ports.length > 0 ? 'one of them' : 'a Service with ports'}`,
      ),
    );
  }
  return problems;
}

/** The body of a custom resource this construct writes. */
interface TypedObject<S> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels?: Record<string, string> };
  readonly spec: S;
}
