/**
 * EIP-2612 permits for the escrow's pledgeWithPermit: the typed data a backer signs and the
 * signature split into the (v, r, s) the contract takes. The back page's wallet code
 * (site/lib/back/session.ts), the tests and the benchmarks share it.
 */
import {
  isError,
  Signature,
  TypedDataEncoder,
  ZeroAddress,
  type Contract,
  type TypedDataDomain,
} from "ethers";
import type { Address, Hex } from "./address.ts";
import { isRevert } from "./back/errors.ts";

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
  /** The token's EIP-712 domain: {@link readPermitDomain}. */
  domain: TypedDataDomain;
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
    domain: { ...request.domain },
    // A fresh, mutable copy: ethers takes `Record<string, TypedDataField[]>`.
    types: { Permit: PERMIT_TYPES.Permit.map((field) => ({ ...field })) },
    primaryType: "Permit" as const,
    message: {
      owner: request.owner,
      spender: request.spender,
      value: request.value,
      nonce: request.nonce,
      deadline: request.deadline,
    },
  };
}

/** A call the token does not implement: it reverts, or returns nothing where a value was expected. */
function isMissingFunction(error: unknown): boolean {
  return isError(error, "BAD_DATA") || isRevert(error);
}

/** EIP-5267's `fields` bits, in the order of `eip712Domain()`'s results. */
const DOMAIN_FIELDS = ["name", "version", "chainId", "verifyingContract", "salt"] as const;

/**
 * The token's EIP-712 domain for permits, or undefined when it has no EIP-2612 permit (no
 * `nonces()` or `DOMAIN_SEPARATOR()`) or when no domain this can build matches its
 * `DOMAIN_SEPARATOR()` (a signature would be refused: use approve instead). The domain comes from
 * EIP-5267's `eip712Domain()` where the token has it (OpenZeppelin 5), else from `name()` and
 * `version()` ("1" when there is no `version()`; USDC's is "2"). An RPC failure is thrown, not
 * taken for a missing permit.
 * @param token A contract over site/lib/back/escrow-abi.ts's TOKEN_ABI.
 */
export async function readPermitDomain(
  token: Contract,
  chainId: number | bigint,
  address: Address,
): Promise<TypedDataDomain | undefined> {
  let separator: string;
  try {
    [separator] = (await Promise.all([
      token.getFunction("DOMAIN_SEPARATOR").staticCall(),
      token.getFunction("nonces").staticCall(ZeroAddress),
    ])) as [string, unknown];
  } catch (error) {
    if (isMissingFunction(error)) return undefined;
    throw error;
  }
  let domain: TypedDataDomain | undefined;
  // A narrower ABI without these functions is read through the fallbacks.
  const has = (name: string) => token.interface.getFunction(name) !== null;
  if (has("eip712Domain"))
    try {
      const result = (await token.getFunction("eip712Domain").staticCall()) as unknown[];
      // Extensions (result[6]) change the domain in ways EIP-5267 leaves to each extension: unsupported.
      if ((result[6] as unknown[]).length > 0) return undefined;
      const fields = Number(result[0]);
      const read: Record<string, unknown> = {};
      DOMAIN_FIELDS.forEach((field, i) => {
        if (fields & (1 << i)) read[field] = field === "chainId" ? Number(result[i + 1]) : result[i + 1];
      });
      domain = read;
    } catch (error) {
      if (!isMissingFunction(error)) throw error;
    }
  if (domain === undefined) {
    const name = (await token.getFunction("name").staticCall()) as string;
    let version = "1";
    if (has("version"))
      try {
        version = (await token.getFunction("version").staticCall()) as string;
      } catch (error) {
        if (!isMissingFunction(error)) throw error;
      }
    domain = { name, version, chainId: Number(chainId), verifyingContract: address };
  }
  return TypedDataEncoder.hashDomain(domain) === separator ? domain : undefined;
}

/** Splits a 65-byte signature into the `v`, `r`, `s` that `permit`/`pledgeWithPermit` take. */
export function splitSignature(signature: Hex): { v: number; r: Hex; s: Hex } {
  // ethers reads v as 27 or 28 whether the signature ends in 0/1 or in 27/28.
  const { r, s, v } = Signature.from(signature);
  return { v, r: r as Hex, s: s as Hex };
}
