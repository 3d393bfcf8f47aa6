/**
 * The parameters a wallet takes to switch to (EIP-3326 `wallet_switchEthereumChain`) or add
 * (EIP-3085 `wallet_addEthereumChain`) the campaign's chain, from the manifest's chain section.
 * Pure.
 */
import type { BackConfig } from "./config.ts";

/** EIP-3085 `AddEthereumChainParameter`. */
export interface AddEthereumChainParameter {
  chainId: string;
  chainName: string;
  nativeCurrency: { name: string; symbol: string; decimals: number };
  rpcUrls: string[];
  blockExplorerUrls?: string[];
}

/** A chain id as the wallet RPC methods take it: `0x`-prefixed hex without leading zeros. */
export function hexChainId(id: number): string {
  return `0x${id.toString(16)}`;
}

/** `[{ chainId }]` for `wallet_switchEthereumChain`. */
export function switchChainParams(chain: BackConfig["chain"]): [{ chainId: string }] {
  return [{ chainId: hexChainId(chain.id) }];
}

/** `[AddEthereumChainParameter]` for `wallet_addEthereumChain`. */
export function addChainParams(chain: BackConfig["chain"]): [AddEthereumChainParameter] {
  const params: AddEthereumChainParameter = {
    chainId: hexChainId(chain.id),
    chainName: chain.name,
    nativeCurrency: {
      name: chain.nativeCurrency.name,
      symbol: chain.nativeCurrency.symbol,
      decimals: chain.nativeCurrency.decimals,
    },
    rpcUrls: [...chain.rpcUrls],
  };
  if (chain.explorerUrl !== undefined) params.blockExplorerUrls = [chain.explorerUrl];
  return [params];
}
