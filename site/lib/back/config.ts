/**
 * What the back page's `<pp-back>` element knows about the campaign: the manifest's chain and
 * escrow, serialised into `data-config` at build time and checked again in the browser. Pure
 * and dependency-free (no zod, no ethers): the browser parses it before any wallet is chosen,
 * where every byte counts.
 */
import type { Manifest } from "../manifest.ts";

export interface BackConfig {
  chain: {
    id: number;
    name: string;
    rpcUrls: string[];
    explorerUrl?: string;
    nativeCurrency: { name: string; symbol: string; decimals: number };
  };
  escrow: {
    address: string;
    deployBlock: number;
    beneficiary: string;
    goalBackers: number;
    /** Smallest first pledge in the token's smallest unit, as a decimal string. */
    minPledge: string;
    /** Unix seconds. */
    deadline: number;
    token: { address: string; name: string; symbol: string; decimals: number };
  };
}

/** The config for a validated manifest (the build calls this). */
export function backConfig(manifest: Pick<Manifest, "chain" | "escrow">): BackConfig {
  const { chain, escrow } = manifest;
  return {
    chain: {
      id: chain.id,
      name: chain.name,
      rpcUrls: [...chain.rpcUrls],
      ...(chain.explorerUrl === undefined ? {} : { explorerUrl: chain.explorerUrl.replace(/\/+$/, "") }),
      nativeCurrency: { ...chain.nativeCurrency },
    },
    escrow: {
      address: escrow.address,
      deployBlock: escrow.deployBlock,
      beneficiary: escrow.beneficiary,
      goalBackers: escrow.goalBackers,
      minPledge: escrow.minPledge,
      deadline: escrow.deadline,
      token: {
        address: escrow.token.address,
        name: escrow.token.name,
        symbol: escrow.token.symbol,
        decimals: escrow.token.decimals,
      },
    },
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;
const isAddress = (value: unknown): value is string =>
  typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value);
const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
const isText = (value: unknown): value is string => typeof value === "string" && value.length > 0;
const isHttpUrl = (value: unknown): value is string =>
  typeof value === "string" && /^https?:\/\//.test(value);

/**
 * Reads the JSON in `data-config`. Throws a TypeError naming the first field that is missing or
 * of the wrong kind: a page built from a valid manifest never does, so this guards against a
 * hand-edited or truncated page rather than a user's mistake.
 */
export function parseBackConfig(json: string | undefined): BackConfig {
  let data: unknown;
  try {
    data = JSON.parse(json ?? "");
  } catch {
    throw new TypeError("data-config is not JSON");
  }
  const fail = (field: string): never => {
    throw new TypeError(`data-config: ${field} is missing or invalid`);
  };
  if (!isObject(data)) return fail("(top level)");
  const { chain, escrow } = data;
  if (!isObject(chain)) return fail("chain");
  if (!isCount(chain.id) || chain.id === 0) fail("chain.id");
  if (!isText(chain.name)) fail("chain.name");
  if (!Array.isArray(chain.rpcUrls) || chain.rpcUrls.length === 0 || !chain.rpcUrls.every(isHttpUrl))
    fail("chain.rpcUrls");
  if (chain.explorerUrl !== undefined && !isHttpUrl(chain.explorerUrl)) fail("chain.explorerUrl");
  const native = chain.nativeCurrency;
  if (!isObject(native) || !isText(native.name) || !isText(native.symbol) || !isCount(native.decimals))
    fail("chain.nativeCurrency");
  if (!isObject(escrow)) return fail("escrow");
  if (!isAddress(escrow.address)) fail("escrow.address");
  if (!isCount(escrow.deployBlock)) fail("escrow.deployBlock");
  if (!isAddress(escrow.beneficiary)) fail("escrow.beneficiary");
  if (!isCount(escrow.goalBackers) || escrow.goalBackers === 0) fail("escrow.goalBackers");
  if (typeof escrow.minPledge !== "string" || !/^[1-9][0-9]*$/.test(escrow.minPledge))
    fail("escrow.minPledge");
  if (!isCount(escrow.deadline)) fail("escrow.deadline");
  const token = escrow.token;
  if (
    !isObject(token) ||
    !isAddress(token.address) ||
    !isText(token.name) ||
    !isText(token.symbol) ||
    !isCount(token.decimals)
  ) {
    fail("escrow.token");
  }
  return data as unknown as BackConfig;
}

/** A link to `kind` (`tx`, `address`, `block`) `id` on the chain's explorer, when the manifest names one. */
export function explorerLink(
  config: BackConfig,
  kind: "tx" | "address" | "block",
  id: string | number,
): string | undefined {
  return config.chain.explorerUrl === undefined
    ? undefined
    : `${config.chain.explorerUrl.replace(/\/+$/, "")}/${kind}/${id}`;
}

/** The sessionStorage key of the pending transaction for this escrow. */
export function pendingKey(config: BackConfig): string {
  return `peerpilot:pending:${config.escrow.address}`;
}
