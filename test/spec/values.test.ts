import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import {
  cidrProblem,
  cpuCores,
  imageProblem,
  qualifiedNameProblem,
  zCpu,
  zDns1035Label,
  zDnsLabel,
  zDuration,
  zInt,
  zLabelValue,
  zPortName,
  zSize,
} from '../../src/spec/values';
import { describeValue, formatDuration, nearest, zodProblems } from '../../src/spec/problems';

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;

describe('value schemas', () => {
  describe('image references', () => {
    it.each([
      'ghcr.io/pixelated/ai-inference:1.4.2',
      'vllm/vllm-openai:v0.6.3',
      'localhost:5000/team/model_server:2024.01.02-rc1',
      'registry.example.com:8443/a/b/c:tag',
      `ghcr.io/acme/inference@sha256:${'a'.repeat(64)}`,
      `ghcr.io/acme/inference:1.0@sha256:${'b'.repeat(64)}`,
    ])('accepts the pinned reference %s', (image) => {
      expect(imageProblem(image)).toBeUndefined();
    });

    it.each([
      ['ghcr.io/acme/inference', 'must be pinned by tag or digest'],
      ['ghcr.io/acme/inference:latest', 'must not use the mutable :latest tag'],
      ['ghcr.io/acme/my image:1.0', 'is not an image reference'],
      ['ghcr.io/Acme/inference:1.0', 'is not an image reference'],
      ['ghcr.io/acme/inference:', 'is not an image reference'],
      [`ghcr.io/acme/inference@sha256:${'A'.repeat(64)}`, 'has a digest that is not sha256:<64 lower-case hex>'],
      [`ghcr.io/acme/inference@md5:${'a'.repeat(32)}`, 'has a digest that is not sha256:<64 lower-case hex>'],
      [':1.0', 'is not an image reference'],
    ])('refuses %s', (image, start) => {
      expect(imageProblem(image)).toMatch(new RegExp(`^${start.replace(/[.*+?^${}()|[\]\\:<>]/g, '\\$&')}`));
    });
  });

  describe('CIDR blocks', () => {
    it.each(['10.0.0.0/16', '0.0.0.0/0', '203.0.113.7/32', '2001:db8::/32', '::/0', 'fd00::1/128'])('accepts %s', (cidr) => {
      expect(cidrProblem(cidr)).toBeUndefined();
    });

    it.each([
      ['10.0.0.0/33', 'has an IPv4 prefix length above 32; use 0-32'],
      ['2001:db8::/129', 'has an IPv6 prefix length above 128; use 0-128'],
      ['10.0.0.0', 'must be a CIDR block with a prefix length, such as 10.0.0.0/16 or 2001:db8::/32'],
      ['10.0.0.256/8', 'must be a CIDR block of an IPv4 or IPv6 address, such as 10.0.0.0/16 or 2001:db8::/32'],
      ['2001:db8:::/32', 'must be a CIDR block of an IPv4 or IPv6 address, such as 10.0.0.0/16 or 2001:db8::/32'],
      ['10.0.0.0/-1', 'must be a CIDR block with a prefix length, such as 10.0.0.0/16 or 2001:db8::/32'],
    ])('refuses %s', (cidr, message) => {
      expect(cidrProblem(cidr)).toBe(message);
    });
  });

  describe('names and labels', () => {
    it('keeps Service names to RFC 1035 labels: a letter first, at most 63', () => {
      expect(ok(zDns1035Label, 'ai-inference')).toBe(true);
      expect(ok(zDns1035Label, '1abc')).toBe(false);
      expect(ok(zDnsLabel, '1abc')).toBe(true);
      expect(ok(zDns1035Label, 'a'.repeat(64))).toBe(false);
      expect(ok(zDns1035Label, 'ends-')).toBe(false);
    });

    it('checks label and annotation keys as qualified names with an optional DNS prefix', () => {
      expect(qualifiedNameProblem('app.kubernetes.io/name')).toBeUndefined();
      expect(qualifiedNameProblem('node-type')).toBeUndefined();
      expect(qualifiedNameProblem('Example_Key.1')).toBeUndefined();
      expect(qualifiedNameProblem(`a/${'x'.repeat(64)}`)).toMatch(/name 1-63/);
      expect(qualifiedNameProblem('Upper.Case/name')).toMatch(/DNS-subdomain prefix/);
      expect(qualifiedNameProblem('/name')).toMatch(/DNS-subdomain prefix/);
      expect(qualifiedNameProblem('a/b/c')).toMatch(/DNS-subdomain prefix/);
      expect(qualifiedNameProblem('-x')).toMatch(/starting and ending with a letter or digit/);
    });

    it('checks label values: empty allowed, at most 63, alphanumeric at both ends', () => {
      expect(ok(zLabelValue, '')).toBe(true);
      expect(ok(zLabelValue, 'v1.4.2')).toBe(true);
      expect(ok(zLabelValue, 'x'.repeat(64))).toBe(false);
      expect(ok(zLabelValue, '-x')).toBe(false);
      expect(ok(zLabelValue, 'has space')).toBe(false);
    });

    it('checks port names as IANA service names', () => {
      expect(ok(zPortName, 'http')).toBe(true);
      expect(ok(zPortName, 'metrics-2')).toBe(true);
      expect(ok(zPortName, '8080')).toBe(false);
      expect(ok(zPortName, 'a--b')).toBe(false);
      expect(ok(zPortName, 'sixteen-chars-xx')).toBe(false);
    });
  });

  describe('numbers', () => {
    it('gives one message per bad whole number, the first rule it breaks', () => {
      const schema = zInt(1, 10, 'replicas');
      expect(zodProblems(schema, Infinity)).toEqual(['(root) (Infinity) must be a finite whole number (replicas); give a real value']);
      expect(zodProblems(schema, 1.5)).toEqual(['(root) (1.5) must be a whole number (replicas); round it']);
      expect(zodProblems(schema, 0)).toEqual(['(root) (0) must be within 1-10 (replicas); pick a value in range']);
      expect(zodProblems(schema, NaN)).toEqual(['(root) (NaN) must be a number, not NaN; give a real value']);
      expect(zodProblems(zInt(0), 2 ** 31)).toEqual(['(root) (2147483648) must fit a 32-bit integer (at most 2147483647); lower it']);
      expect(zodProblems(zInt(0), 2 ** 31 - 1)).toEqual([]);
    });
  });

  describe('cdk8s value types', () => {
    it('refuses Durations and Sizes that hold no finite amount', () => {
      expect(ok(zDuration, Duration.seconds(30))).toBe(true);
      expect(ok(zDuration, Duration.seconds(NaN))).toBe(false);
      expect(ok(zDuration, Duration.minutes(Infinity))).toBe(false);
      expect(ok(zSize, Size.gibibytes(1))).toBe(true);
      expect(ok(zSize, Size.gibibytes(NaN))).toBe(false);
      expect(ok(zSize, Size.gibibytes(Infinity))).toBe(false);
      expect(ok(zSize, Size.gibibytes(0))).toBe(false);
    });

    it('accepts any object shaped like a cdk8s-plus Cpu of at least 1 millicore', () => {
      expect(ok(zCpu, Cpu.units(2))).toBe(true);
      expect(ok(zCpu, Cpu.millis(500))).toBe(true);
      expect(ok(zCpu, { amount: '250m' })).toBe(true);
      expect(ok(zCpu, Cpu.units(NaN))).toBe(false);
      expect(ok(zCpu, Cpu.units(Infinity))).toBe(false);
      expect(ok(zCpu, Cpu.millis(-5))).toBe(false);
      expect(ok(zCpu, Cpu.units(0.0001))).toBe(false);
      expect(ok(zCpu, '2')).toBe(false);
      expect(cpuCores('1500m')).toBe(1.5);
      expect(cpuCores('NaN')).toBeNaN();
    });
  });
});

describe('how values and problems read', () => {
  it('shows values for people', () => {
    expect(describeValue(NaN)).toBe('NaN');
    expect(describeValue(Infinity)).toBe('Infinity');
    expect(describeValue(undefined)).toBe('not set');
    expect(describeValue(Duration.minutes(90))).toBe('1h30m');
    expect(describeValue(Duration.seconds(NaN))).toBe('a duration of NaN');
    expect(describeValue(Size.gibibytes(16))).toBe('16Gi');
    expect(describeValue(Cpu.units(4))).toBe('4 cores');
    expect(describeValue(Cpu.millis(1000))).toBe('1 core');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue([1, 2])).toBe('a list of 2');
    expect(describeValue('x'.repeat(100))).toMatch(/^"x+\.\.\."$/);
    expect(formatDuration(Duration.millis(1500))).toBe('1s500ms');
  });

  it('suggests a near name only when it is near', () => {
    expect(nearest('loadbalancer', ['loadBalancer', 'headless'])).toBe('loadBalancer');
    expect(nearest('behaviour', ['behavior', 'signals'])).toBe('behavior');
    expect(nearest('zzzzzz', ['minAvailable', 'maxUnavailable'])).toBeUndefined();
  });
});
