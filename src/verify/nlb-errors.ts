/**
 * Turns an error of an ELBv2 call into a message that says what failed and what to do.
 * Pure: the SDK's error object in, text out.
 */
import { SDK_RETRY } from './nlb-facts';

/** An error verify-nlb explains itself (the CLI prints its message and exits 2). */
export class VerifyNlbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyNlbError';
  }
}

export interface CallContext {
  /** The API action, e.g. `DescribeLoadBalancers`. */
  readonly action: string;
  readonly region?: string;
  /** The endpoint given with --endpoint, if any. */
  readonly endpoint?: string;
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess']);
const BAD_CREDENTIALS = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'UnrecognizedClientException', 'InvalidSignatureException']);
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);
const NETWORK = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCode(e: any): string | undefined {
  return e?.Code ?? e?.Error?.Code ?? (typeof e?.name === 'string' && e.name !== 'Error' ? e.name : undefined);
}

function networkCode(e: any): string | undefined {
  for (let cur = e, depth = 0; cur && depth < 5; cur = cur.cause, depth++) {
    if (typeof cur.code === 'string' && NETWORK.has(cur.code)) return cur.code;
  }
  return undefined;
}

/** A message for `e`, thrown by the SDK during `ctx.action`. */
export function explainAwsError(e: unknown, ctx: CallContext): string {
  const err = e as any;
  const code = errorCode(err);
  const message: string = err?.message ?? String(e);
  const requestId: string | undefined = err?.$metadata?.requestId ?? err?.RequestId;
  const req = requestId ? ` (request id ${requestId})` : '';
  if (code && ACCESS_DENIED.has(code)) {
    return (
      `AWS refused ${ctx.action}: ${code}: ${message}${req}. ` +
      `The caller needs the IAM permission elasticloadbalancing:${ctx.action}; grant elasticloadbalancing:Describe* ` +
      '(read-only, every action verify-nlb calls) to the role or user of the credentials in use (check it with `aws sts get-caller-identity`)'
    );
  }
  if (code && BAD_CREDENTIALS.has(code)) {
    return `AWS did not accept the credentials for ${ctx.action}: ${code}: ${message}${req}. Refresh them (aws sso login, or new keys) or pick another profile with AWS_PROFILE`;
  }
  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return `no AWS credentials found for ${ctx.action}: ${message}. verify-nlb uses the SDK's standard chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE with ~/.aws/config (SSO too), web identity (IRSA), ECS or EC2 instance roles`;
  }
  if (/Region is missing/i.test(message) || /expected `region` to be configured/i.test(message)) {
    return 'no AWS region: pass --region (e.g. --region us-east-1) or set AWS_REGION, or a region in the profile of ~/.aws/config';
  }
  if (code && THROTTLED.has(code)) {
    return `AWS kept throttling ${ctx.action} (${code}) after ${SDK_RETRY.maxAttempts} attempts with the SDK's ${SDK_RETRY.mode} retry backoff${req}; run again later or with fewer concurrent callers`;
  }
  const net = networkCode(err);
  if (net) {
    const host = err?.hostname ?? err?.cause?.hostname;
    const where = ctx.endpoint ? `the endpoint ${ctx.endpoint}` : `the ELBv2 endpoint of region ${ctx.region ?? '(from the environment)'}${host ? ` (${host})` : ''}`;
    if (net === 'ENOTFOUND' || net === 'EAI_AGAIN') {
      return ctx.endpoint
        ? `${ctx.action}: cannot resolve the host of ${where} (${net}); check --endpoint`
        : `${ctx.action}: cannot resolve ${where} (${net}): is "${ctx.region}" a region ELBv2 exists in (e.g. us-east-1, eu-west-1)? Check --region / AWS_REGION, and DNS from this machine`;
    }
    return `${ctx.action}: cannot reach ${where} (${net}); check the network path (proxy, VPC endpoint, firewall)${ctx.endpoint ? ' and --endpoint' : ''}`;
  }
  return `${ctx.action} failed: ${code ? `${code}: ` : ''}${message}${req}`;
}
