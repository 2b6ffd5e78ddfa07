import type { IncomingMessage } from 'node:http';

/**
 * The caller's IP address: the socket's peer, or, behind `trustedHops` proxies, the address the
 * outermost trusted proxy saw (counted from the right of `x-forwarded-for`, because the entries to
 * the left of it are whatever the client chose to send).
 */
export function clientIpOf(req: IncomingMessage, trustedHops: number): string {
  const peer = normalize(req.socket.remoteAddress ?? 'unknown');
  if (trustedHops <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return peer;
  const chain = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const entry = chain[Math.max(0, chain.length - trustedHops)];
  return entry ? normalize(entry) : peer;
}

function normalize(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
