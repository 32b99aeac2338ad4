/** @module shared/ip-address — parses IPv4/IPv6 literals and classifies the ones a server-side fetch must not reach. */
import { isIP } from 'node:net';

type Range = { bytes: number[]; prefix: number; kind: string };

/** IPv4 ranges that are not the public internet (RFC 6890 special-purpose registry, trimmed to what matters). */
const IPV4_RANGES: Range[] = [
  { bytes: [0, 0, 0, 0], prefix: 8, kind: 'unspecified' },
  { bytes: [10, 0, 0, 0], prefix: 8, kind: 'private' },
  { bytes: [100, 64, 0, 0], prefix: 10, kind: 'carrier-grade NAT' },
  { bytes: [127, 0, 0, 0], prefix: 8, kind: 'loopback' },
  { bytes: [169, 254, 0, 0], prefix: 16, kind: 'link-local' },
  { bytes: [172, 16, 0, 0], prefix: 12, kind: 'private' },
  { bytes: [192, 0, 0, 0], prefix: 24, kind: 'reserved' },
  { bytes: [192, 0, 2, 0], prefix: 24, kind: 'documentation' },
  { bytes: [192, 168, 0, 0], prefix: 16, kind: 'private' },
  { bytes: [198, 18, 0, 0], prefix: 15, kind: 'benchmarking' },
  { bytes: [198, 51, 100, 0], prefix: 24, kind: 'documentation' },
  { bytes: [203, 0, 113, 0], prefix: 24, kind: 'documentation' },
  { bytes: [224, 0, 0, 0], prefix: 4, kind: 'multicast' },
  { bytes: [240, 0, 0, 0], prefix: 4, kind: 'reserved' },
];

/** IPv6 ranges that are not the public internet; IPv4-embedding prefixes are handled separately. */
const IPV6_RANGES: Range[] = [
  { bytes: [0x01, 0x00, 0, 0, 0, 0, 0, 0], prefix: 64, kind: 'discard' },
  { bytes: [0x20, 0x01, 0x0d, 0xb8], prefix: 32, kind: 'documentation' },
  { bytes: [0xfc], prefix: 7, kind: 'unique-local' },
  { bytes: [0xfe, 0x80], prefix: 10, kind: 'link-local' },
  { bytes: [0xfe, 0xc0], prefix: 10, kind: 'site-local' },
  { bytes: [0xff], prefix: 8, kind: 'multicast' },
];

/**
 * Parses an IP literal (IPv4 dotted quad, or IPv6 with `::`, an embedded dotted IPv4 tail, optional brackets and zone
 * id) into its bytes.
 * @param address - the literal, e.g. `127.0.0.1`, `[::1]`, `fe80::1%eth0`, `::ffff:10.0.0.1`
 * @returns 4 bytes for IPv4, 16 for IPv6, or undefined when `address` is not an IP literal
 */
export function parseIpAddress(address: string): number[] | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return bare.split('.').map(Number);
  if (version === 6) return parseIpv6(bare);
  return undefined;
}

function parseIpv6(text: string): number[] {
  let head = text;
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(head);
  if (dotted?.[1] !== undefined) {
    tail = dotted[1].split('.').map(Number);
    head = head.slice(0, -dotted[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left = '', right] = head.split('::');
  const groups = (part: string): number[] =>
    part === '' ? [] : part.split(':').flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
  const leftBytes = groups(left);
  const rightBytes = [...groups(right ?? ''), ...tail];
  const fill = right === undefined ? 0 : 16 - leftBytes.length - rightBytes.length;
  return [...leftBytes, ...new Array<number>(fill).fill(0), ...rightBytes];
}

function inRange(bytes: readonly number[], range: Range): boolean {
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((range.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

function startsWith(bytes: readonly number[], prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function classifyIpv6(bytes: readonly number[]): string | undefined {
  const zeros10 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  if (bytes.every((b) => b === 0)) return 'unspecified';
  if (bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and IPv4-compatible (::a.b.c.d) carry an IPv4 address
  // that the kernel or a gateway will reach: judge the embedded address.
  if (startsWith(bytes, [...zeros10, 0xff, 0xff])) return classifyBytes(bytes.slice(12));
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return classifyBytes(bytes.slice(12));
  if (startsWith(bytes, [...zeros10, 0, 0])) return classifyBytes(bytes.slice(12)) ?? 'reserved';
  if (startsWith(bytes, [0x20, 0x02])) return classifyBytes(bytes.slice(2, 6));
  return IPV6_RANGES.find((r) => inRange(bytes, r))?.kind;
}

function classifyBytes(bytes: readonly number[]): string | undefined {
  if (bytes.length === 4) return IPV4_RANGES.find((r) => inRange(bytes, r))?.kind;
  return classifyIpv6(bytes);
}

/**
 * Says why an IP address is not a public internet address.
 * @param address - an IPv4 or IPv6 literal (brackets and zone ids allowed)
 * @returns the kind (`loopback`, `private`, `link-local`, `unique-local`, `carrier-grade NAT`, `multicast`,
 *   `unspecified`, `reserved`, …), or undefined for a public address
 * @throws AppError is never thrown: a string that is not an IP literal is reported as `not an IP address`
 */
export function classifyAddress(address: string): string | undefined {
  const bytes = parseIpAddress(address);
  if (bytes === undefined) return 'not an IP address';
  return classifyBytes(bytes);
}

/**
 * True when `address` is a public internet address (neither private, loopback, link-local, unique-local, CGNAT,
 * multicast, unspecified nor reserved; IPv4-mapped IPv6 judged by its IPv4 address).
 * @param address - an IPv4 or IPv6 literal
 */
export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === undefined;
}
