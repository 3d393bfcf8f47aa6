/**
 * Address checks shared by the manifest and the producer CLIs. Stricter than ethers' own
 * `isAddress`, which also takes ICAP addresses and hex without `0x`: a manifest or a command line
 * names an address one way only, `0x` and 40 hex digits. Pure module: no Node or browser APIs.
 */
import { getAddress } from "ethers";

/** A 0x-prefixed hex string. */
export type Hex = `0x${string}`;
/** A 0x-prefixed 20-byte address. */
export type Address = Hex;

/** `0x` followed by 40 hex digits, in any case. */
export function isHexAddress(value: string): boolean {
  return /^0x[0-9a-fA-F]{40}$/.test(value);
}

/**
 * Whether a hex address (see {@link isHexAddress}) carries no checksum (all lowercase) or the
 * right EIP-55 one. Any other mix of cases, all uppercase included, is taken for a typo. (ethers'
 * `isAddress` and `getAddress` take an all-uppercase address as it is.)
 */
export function hasValidChecksum(value: string): boolean {
  return value === value.toLowerCase() || getAddress(value.toLowerCase()) === value;
}

/** The EIP-55 checksummed form of a hex address. */
export function checksumAddress(value: string): Address {
  return getAddress(value) as Address;
}

/**
 * What is wrong with `value` as an address a producer names (the manifest, a command line), in
 * plain words, or `undefined` when it is a well-formed, non-zero address. The one home of that
 * rule and of its words.
 */
export function addressProblem(value: string): string | undefined {
  if (!isHexAddress(value)) return "expected a 0x-prefixed 20-byte hex address";
  if (!hasValidChecksum(value)) return "mixed-case address whose EIP-55 checksum is wrong (a typo?)";
  if (/^0x0{40}$/i.test(value)) return "must not be the zero address";
  return undefined;
}
