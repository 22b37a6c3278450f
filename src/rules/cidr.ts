/** IPv4/IPv6 CIDR arithmetic for NetworkPolicy ipBlocks: does one block contain another. */

interface Block {
  readonly v6: boolean;
  readonly base: bigint;
  readonly bits: number;
}

function parseV4(ip: string): bigint | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseV6(ip: string): bigint | undefined {
  const halves = ip.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const all = [...head, ...Array(Math.max(fill, 0)).fill('0'), ...tail];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Parsed blocks by text: a policy's blocks are compared against every source range. */
const parsed = new Map<string, Block | undefined>();

export function parseCidr(cidr: string): Block | undefined {
  if (parsed.has(cidr)) return parsed.get(cidr);
  const block = parseUncached(cidr);
  if (parsed.size < 10_000) parsed.set(cidr, block);
  return block;
}

function parseUncached(cidr: string): Block | undefined {
  const [ip, len] = cidr.trim().split('/');
  const v6 = ip.includes(':');
  const width = v6 ? 128 : 32;
  const bits = len === undefined ? width : Number(len);
  if (!Number.isInteger(bits) || bits < 0 || bits > width) return undefined;
  const addr = v6 ? parseV6(ip) : parseV4(ip);
  if (addr === undefined) return undefined;
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(width - bits);
  return { v6, base: addr & mask, bits };
}

/** Whether `outer` contains every address of `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  if (!a || !b || a.v6 !== b.v6 || a.bits > b.bits) return false;
  const width = a.v6 ? 128 : 32;
  const mask = a.bits === 0 ? 0n : ((1n << BigInt(a.bits)) - 1n) << BigInt(width - a.bits);
  return (b.base & mask) === a.base;
}

/** Whether two blocks share an address. */
export function cidrOverlaps(x: string, y: string): boolean {
  return cidrContains(x, y) || cidrContains(y, x);
}

/**
 * The private address ranges a VPC's subnets (and so an NLB's private IPs) come from
 * (RFC 1918 and the RFC 6598 shared range AWS allows for VPC CIDRs).
 */
export const PRIVATE_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'];

export function isPrivateCidr(cidr: string): boolean {
  return PRIVATE_RANGES.some((r) => cidrContains(r, cidr));
}
