import { isIP } from 'node:net';

/** An IP address as a number, so that ranges compare with `<=` whatever the notation (`::1` = `0:0:…:1`). */
export interface IpValue {
  readonly version: 4 | 6;
  readonly value: bigint;
}

/** A CIDR block as event-ruler builds it: from the address as written (host bits kept) to the top of the block. */
export interface IpRange {
  readonly version: 4 | 6;
  readonly bottom: bigint;
  readonly top: bigint;
}

export function parseIp(text: string): IpValue | undefined {
  const version = isIP(text);
  if (version === 4) return { version, value: parseIpv4(text) };
  if (version === 6) return { version, value: parseIpv6(text) };
  return undefined;
}

function parseIpv4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseIpv6(text: string): bigint {
  // node:net already said the text is valid IPv6, so only the shapes remain: `::`, an embedded IPv4 tail, a zone.
  let body = text.split('%')[0] ?? '';
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', rest] = body.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - headGroups.length - restGroups.length;
  const groups =
    rest === undefined ? headGroups : [...headGroups, ...Array(missing).fill('0'), ...restGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

/** Parses `address/bits`, throwing event-ruler's messages, which AWS returns as the reason. */
export function parseCidr(text: string): IpRange {
  const slashed = text.split('/');
  if (slashed.length !== 2) throw new Error("Malformed CIDR, one '/' required");
  const [address = '', bits = ''] = slashed;
  if (!/^-?\d+$/.test(bits)) throw new Error('Malformed CIDR, mask bits must be an integer');
  const maskBits = Number(bits);
  if (maskBits < 0) throw new Error('Malformed CIDR, mask bits must not be negative');
  const ip = parseIp(address);
  if (!ip) throw new Error(`Invalid IP address: ${address}`);
  // event-ruler refuses a single-address block (/32, /128); AWS answers with its message, so we do too.
  if (ip.version === 4 && maskBits > 31) throw new Error('IPv4 mask bits must be < 32');
  if (ip.version === 6 && maskBits > 127) throw new Error('IPv6 mask bits must be < 128');
  const width = ip.version === 4 ? 32n : 128n;
  const hostMask = (1n << (width - BigInt(maskBits))) - 1n;
  return { version: ip.version, bottom: ip.value, top: ip.value | hostMask };
}

export function ipInRange(range: IpRange, text: string): boolean {
  const ip = parseIp(text);
  return (
    ip !== undefined && ip.version === range.version && ip.value >= range.bottom && ip.value <= range.top
  );
}

export function sameIp(a: IpValue, b: IpValue): boolean {
  return a.version === b.version && a.value === b.value;
}
