import { isIP } from 'node:net';

/**
 * DPV (legacy Altinn II) whitelists the agency's outbound addresses. We accept a
 * single IPv4/IPv6 address or a CIDR block, and normalise nothing but whitespace.
 */
export function isValidIpOrCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  return family === 4 ? bits >= 0 && bits <= 32 : bits >= 0 && bits <= 128;
}
