/**
 * EIP-2612 permits for the escrow's pledgeWithPermit: the typed data a backer signs and the
 * signature split into the (v, r, s) the contract takes. Used by the tests and benchmarks now,
 * and by the wallet code of the site.
 */
import { Signature } from "ethers";
import type { Address, Hex } from "./address.ts";

export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

export interface PermitRequest {
  /** The token's EIP-712 domain name (its `name()` for OpenZeppelin's ERC20Permit). */
  tokenName: string;
  chainId: number;
  token: Address;
  owner: Address;
  spender: Address;
  value: bigint;
  nonce: bigint;
  deadline: bigint;
}

/**
 * The typed data to sign: `signer.signTypedData(domain, types, message)` in ethers, or
 * `eth_signTypedData_v4` with `primaryType` for a wallet.
 */
export function permitTypedData(request: PermitRequest) {
  return {
    domain: { name: request.tokenName, version: "1", chainId: request.chainId, verifyingContract: request.token },
    // A fresh, mutable copy: ethers takes `Record<string, TypedDataField[]>`.
    types: { Permit: PERMIT_TYPES.Permit.map((field) => ({ ...field })) },
    primaryType: "Permit" as const,
    message: { owner: request.owner, spender: request.spender, value: request.value, nonce: request.nonce, deadline: request.deadline },
  };
}

/** Splits a 65-byte signature into the `v`, `r`, `s` that `permit`/`pledgeWithPermit` take. */
export function splitSignature(signature: Hex): { v: number; r: Hex; s: Hex } {
  // ethers reads v as 27 or 28 whether the signature ends in 0/1 or in 27/28.
  const { r, s, v } = Signature.from(signature);
  return { v, r: r as Hex, s: s as Hex };
}
