/**
 * `cdk8s-ai-inference verify-nlb`: compares the NLB AWS has for a Service with what the
 * Service's manifest asks for. Exit 0 all ok, 1 drift or missing, 2 bad arguments or errors.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Row, compareNlb, exitCodeOf } from '../verify/nlb-compare';
import { VerifyNlbError } from '../verify/nlb-errors';
import { expectedNlb } from '../verify/nlb-expected';
import { NLB_TAGS, REQUIRED_ACTIONS, SDK_RETRY, stackTagValue } from '../verify/nlb-facts';
import { Elbv2ClientOptions, NlbReader, createElbv2Client } from '../verify/nlb-live';
import { findService, parseManifests } from '../verify/nlb-manifest';
import { ReportHeader, formatJson, formatText } from '../verify/nlb-report';
import { CliIo } from './io';

export const summary = 'Compare the live AWS NLB of a Service with its synthesized manifest';

const USAGE = `Usage: cdk8s-ai-inference verify-nlb --manifest <file> --service <namespace>/<name> --cluster <name> [options]

Finds the NLB the AWS Load Balancer Controller made for the Service (tags
${NLB_TAGS.cluster}=<cluster> and ${NLB_TAGS.stack}=<namespace>/<name>) and compares
its scheme, attributes, listeners, target groups and target health with what the
Service's annotations in the manifest ask for.

Options:
  --manifest <file>      synthesized manifests (YAML, several documents), e.g. dist/eks-nlb.k8s.yaml
  --service <ns>/<name>  the load balancer Service, e.g. pixelated-prod/ai-inference-lb
  --cluster <name>       the controller's --cluster-name (the EKS cluster name)
  --region <region>      AWS region (default: AWS_REGION or the profile's region)
  --endpoint <url>       ELBv2 endpoint URL instead of the region's (VPC endpoints, tests)
  --format text|json     output format (default text)
  -h, --help             this help

Credentials: the AWS SDK's standard chain (environment, AWS_PROFILE / SSO, web identity,
container or instance role). Throttled calls are retried by the SDK (${SDK_RETRY.mode} retry
mode, at most ${SDK_RETRY.maxAttempts} attempts). IAM: elasticloadbalancing:Describe*, i.e.
${REQUIRED_ACTIONS.join(', ')}.

Exit codes: 0 every check ok, 1 drift or missing, 2 bad arguments or an error.`;

interface Options {
  readonly manifest: string;
  readonly namespace: string;
  readonly name: string;
  readonly cluster: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly format: 'text' | 'json';
}

class UsageError extends Error {}

// Partition prefixes are two to four letters (us-east-1, cn-north-1, eusc-de-east-1).
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d+$/;

function parseOptions(argv: readonly string[], io: CliIo): Options | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        manifest: { type: 'string' },
        service: { type: 'string' },
        cluster: { type: 'string' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return 'help';
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const missing = ['manifest', 'service', 'cluster'].filter((k) => !str(k));
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((k) => `--${k}`).join(', ')}`);
  const service = str('service')!;
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(service);
  if (!m) throw new UsageError(`--service "${service}" must be <namespace>/<name> (lower-case DNS labels), e.g. pixelated-prod/ai-inference-lb`);
  const format = str('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format "${format}" must be text or json`);
  const regionFrom = str('region') !== undefined ? '--region' : io.env.AWS_REGION !== undefined ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
  const region = str('region') ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (region !== undefined && !REGION.test(region)) {
    throw new UsageError(`region "${region}" (${regionFrom}) is not an AWS region name like us-east-1 or eu-central-1; fix the region`);
  }
  const endpoint = str('endpoint');
  if (endpoint !== undefined) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new UsageError(`--endpoint "${endpoint}" is not a URL; write e.g. https://elasticloadbalancing.us-east-1.amazonaws.com`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--endpoint "${endpoint}" must be an http(s) URL`);
  }
  return { manifest: str('manifest')!, namespace: m[1], name: m[3], cluster: str('cluster')!, region, endpoint, format };
}

/** Runs the command with `client` options (tests pass credentials; the CLI uses the SDK's chain). */
export async function verifyNlb(argv: readonly string[], io: CliIo, clientOptions: Omit<Elbv2ClientOptions, 'region' | 'endpoint'> = {}): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`verify-nlb: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (options === 'help') {
    io.out(USAGE);
    return 0;
  }
  const o = options;
  const serviceId = `${o.namespace}/${o.name}`;
  try {
    const file = resolve(io.cwd, o.manifest);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new VerifyNlbError(`--manifest ${o.manifest}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run cdk8s synth first or fix the path`);
    }
    const manifest = findService(parseManifests(text, o.manifest), o.namespace, o.name, o.manifest);
    const expected = expectedNlb(manifest.service, manifest.replicas);

    const client = createElbv2Client({ ...clientOptions, region: o.region, endpoint: o.endpoint });
    try {
      const reader = new NlbReader(client, { region: o.region, endpoint: o.endpoint });
      const lookup = { cluster: o.cluster, namespace: o.namespace, name: o.name };
      const { matches, scanned } = await reader.findLoadBalancers(lookup);
      const tagText = `${NLB_TAGS.cluster}=${o.cluster}, ${NLB_TAGS.stack}=${stackTagValue(o.namespace, o.name)}`;
      const where = o.endpoint ? `at ${o.endpoint}` : `in region ${o.region ?? '(from the environment)'}`;
      const base = { service: serviceId, cluster: o.cluster, region: o.region, notes: expected.notes };

      if (matches.length === 0) {
        const header: ReportHeader = { ...base, foundBy: `no load balancer among ${scanned} ${where} has the tags ${tagText}` };
        const rows: Row[] = [{ status: 'missing', check: 'load balancer', expected: `tags ${tagText}`, live: `(none of ${scanned})`, from: 'AWS Load Balancer Controller tags' }];
        io.out(o.format === 'json' ? formatJson(header, rows, 1) : formatText(header, rows));
        io.err(
          `verify-nlb: no load balancer ${where} has the tags ${tagText} (${scanned} scanned). Likely causes: ` +
            `--cluster is not the controller's --cluster-name; the wrong account or region (--region, AWS_PROFILE); ` +
            `the controller has not reconciled the Service yet or failed to (kubectl -n ${o.namespace} describe service ${o.name}: events); ` +
            'the Service is handled by another controller (no spec.loadBalancerClass service.k8s.aws/nlb); the Service is not applied yet',
        );
        return 1;
      }
      if (matches.length > 1) {
        const list = matches.map((m) => `${m.loadBalancer.LoadBalancerArn} (created ${m.loadBalancer.CreatedTime?.toISOString() ?? '?'})`).join(', ');
        throw new VerifyNlbError(
          `${matches.length} load balancers ${where} have the tags ${tagText}: ${list}. The controller keeps one per Service: ` +
            'an older one may be a leftover of a deleted cluster with the same name, or two controllers share a --cluster-name; delete the stray one or fix the cluster name',
        );
      }

      const live = await reader.read(matches[0]);
      const rows = compareNlb(expected, live);
      const code = exitCodeOf(rows);
      const lb = live.loadBalancer;
      const header: ReportHeader = {
        ...base,
        loadBalancer: { arn: lb.LoadBalancerArn, name: lb.LoadBalancerName, dnsName: lb.DNSName },
        foundBy: `found by tags ${tagText} among ${scanned} load balancers`,
      };
      io.out(o.format === 'json' ? formatJson(header, rows, code) : formatText(header, rows));
      return code;
    } finally {
      client.destroy();
    }
  } catch (e) {
    if (e instanceof Error) {
      io.err(`verify-nlb: ${e.message}`);
      // CI reading --format json gets an object on stdout in every case.
      if (o.format === 'json') io.out(JSON.stringify({ service: serviceId, cluster: o.cluster, region: o.region, error: e.message, exitCode: 2 }, null, 2));
      return 2;
    }
    throw e;
  }
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  return verifyNlb(argv, io);
}
