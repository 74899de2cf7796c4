import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must not reach unless private targets are allowed
 * (LEDGER_WEBHOOK_ALLOW_PRIVATE): loopback, link-local (cloud metadata services live there),
 * private and shared ranges, and the unspecified address. A server-side request forger would
 * otherwise make the ledger call its own network.
 */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/** True for an address a webhook must not reach (IPv4-mapped IPv6 is judged as the IPv4 it maps). */
export const isPrivateAddress = (address: string): boolean => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 4) return BLOCKED.check(address, 'ipv4');
  if (family === 6) return BLOCKED.check(address, 'ipv6');
  return true;
};

/** A request waits at most this long for the resolver (getaddrinfo has no timeout of its own). */
const LOOKUP_TIMEOUT_MS = 3000;

const resolveWithin = async (host: string, ms: number): Promise<string[]> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return (await Promise.race([lookup(host, { all: true, verbatim: true }), timeout])).map((a) => a.address);
  } finally {
    clearTimeout(timer);
  }
};

/** Why a URL's host may not be called, or null when it may. */
export const refusedTarget = async (url: string, allowPrivate: boolean): Promise<string | null> => {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return 'is not a URL';
  }
  if (allowPrivate) return null;
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolveWithin(host, LOOKUP_TIMEOUT_MS);
  } catch {
    return `host ${host} does not resolve`;
  }
  const privateOne = addresses.find(isPrivateAddress);
  if (privateOne !== undefined) return `host ${host} resolves to ${privateOne}, a loopback, link-local or private address`;
  return null;
};
