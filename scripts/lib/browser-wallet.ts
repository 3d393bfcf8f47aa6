/**
 * A dev wallet for Chromium driven by playwright-core: an EIP-1193 provider in the page, announced
 * through EIP-6963 and/or set as `window.ethereum`, whose keys and decisions stay in Node. The
 * page's `request()` crosses to Node through one Playwright binding per wallet (so two wallets can
 * live in one page); Node signs with an ethers v6 `Wallet` and passes every read to the chain's
 * JSON-RPC unchanged. Tests script the user: approve (default), reject with 4001, refuse typed
 * data (4200), or hold a request until they release it; and, as in a wallet's activity list,
 * speed up or cancel a transaction it sent that is still pending.
 *
 * Errors cross the binding as plain `{ code, message, data }` objects (an `Error` thrown through
 * Playwright loses its numeric `code`); the page turns them back into `Error`s that carry `code`,
 * as real wallets' provider errors do.
 *
 * For tests and `npm run screenshots` only: it approves everything it is not told to refuse.
 */
import { randomUUID } from "node:crypto";
import {
  getAddress,
  getBytes,
  isHexString,
  JsonRpcProvider,
  Network,
  Wallet,
  type TransactionRequest,
  type TypedDataField,
} from "ethers";
import type { BrowserContext, Page } from "playwright-core";

/** EIP-6963 provider info. */
export interface WalletInfo {
  name: string;
  /** Reverse-DNS id, e.g. "org.peerpilot.testwallet". */
  rdns: string;
  /**
   * Stable for one install (default: a fresh UUIDv4); mipd drops a second announcement with the same uuid.
   */
  uuid?: string;
  /** A data: URI (EIP-6963 requires one), e.g. an SVG. */
  icon: string;
}

export interface BrowserWalletOptions {
  /** JSON-RPC of the chain the wallet starts on (the local Hardhat chain on 127.0.0.1). */
  rpcUrl: string;
  privateKey: string;
  info: WalletInfo;
  announce: { eip6963: boolean; windowEthereum: boolean };
  /**
   * Every chain the wallet knows, chain id → RPC URL. Default: only `rpcUrl`'s chain. When given,
   * it is the whole list (leave `rpcUrl`'s chain out to test a wallet that must add it).
   */
  knownChains?: Record<number, string>;
  /** The chain the wallet is on at the start (default: `rpcUrl`'s chain); must be a known chain. */
  chainId?: number;
}

/**
 * What the scripted user does. Each call of {@link BrowserWallet.setBehaviour} replaces the whole behaviour.
 */
export interface WalletBehaviour {
  /** Answer these methods with 4001 (user rejected the request). */
  reject?: (method: string) => boolean;
  /** Answer eth_signTypedData_v4 with 4200 (unsupported method), as wallets without typed data do. */
  refuseTypedData?: boolean;
  /**
   * Keep these requests pending until {@link BrowserWallet.releaseHeld} or {@link BrowserWallet.rejectHeld}.
   */
  hold?: (method: string) => boolean;
}

export interface BrowserWallet {
  /** The current account (checksummed). */
  readonly address: string;
  /** The chain the wallet is on now. */
  readonly chainId: number;
  /** Every method the page asked for, in order (also those refused or held). */
  readonly requests: string[];
  /** The methods now held (see {@link WalletBehaviour.hold}). */
  readonly held: string[];
  setBehaviour(behaviour: WalletBehaviour): void;
  /** Lets every held request go on (it is then answered as if it had not been held). */
  releaseHeld(): void;
  /** Answers every held request with 4001, as a user pressing Reject. */
  rejectHeld(): void;
  /** Moves the wallet to a known chain, as the user would in the wallet, and emits chainChanged. */
  setChain(chainId: number): Promise<void>;
  /** Switches to the account of `privateKey` and emits accountsChanged (if the page was connected). */
  setAccount(privateKey: string): Promise<void>;
  /** Emits an EIP-1193 event to the page's listeners (every page of the context). */
  emit(event: string, payload: unknown): Promise<void>;
  /**
   * Replaces the pending transaction `hash` (sent from the current account) as a wallet's
   * "Speed up" (the same call) or "Cancel" (a 0-value transfer to itself) does: the same nonce
   * at twice the fees, so the node's mempool takes it in the original's place. The page is not
   * asked or told. Resolves to the replacement's hash.
   */
  replacePending(hash: string, how: Replacement): Promise<string>;
}

/** What a wallet's activity list offers for a pending transaction. */
export type Replacement = "speed-up" | "cancel";

/** Plain ETH transfer gas: what a cancel costs. */
const TRANSFER_GAS = 21_000n;

/** A JSON-RPC / EIP-1193 error as it crosses to the page. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

type Answer = { ok: true; result: unknown } | { ok: false; error: RpcErrorObject };

const USER_REJECTED: RpcErrorObject = { code: 4001, message: "User rejected the request." };
const UNAUTHORIZED: RpcErrorObject = {
  code: 4100,
  message: "The requested account has not been authorized by the user.",
};
const UNSUPPORTED: RpcErrorObject = { code: 4200, message: "The wallet does not support this method." };

function invalidParams(message: string): RpcErrorObject {
  return { code: -32602, message };
}

function isRpcError(value: unknown): value is RpcErrorObject {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as RpcErrorObject).code === "number" &&
    typeof (value as RpcErrorObject).message === "string"
  );
}

/**
 * The JSON-RPC error under an ethers error (ethers keeps the node's answer in `info.error`), so
 * the page sees what a wallet would forward: the node's code, message and revert data.
 */
function rpcErrorOf(error: unknown): RpcErrorObject {
  if (isRpcError(error))
    return {
      code: error.code,
      message: error.message,
      ...(error.data !== undefined ? { data: error.data } : {}),
    };
  const nested = (error as { info?: { error?: unknown } } | undefined)?.info?.error;
  if (isRpcError(nested)) return rpcErrorOf(nested);
  const data = (error as { data?: unknown } | undefined)?.data;
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return { code: -32603, message, ...(typeof data === "string" ? { data } : {}) };
}

const hexQuantity = (value: number) => `0x${value.toString(16)}`;

/** EIP-3085's rule for a chain id: a 0x-prefixed hex number without leading zeros, below 2^53. */
function parseChainId(value: unknown): number | undefined {
  if (typeof value !== "string" || !/^0x[1-9a-f][0-9a-f]*$/i.test(value)) return undefined;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** One JSON-RPC call over HTTP, answered as the node answered it. */
async function forward(url: string, method: string, params: unknown[]): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
  } catch {
    return {
      ok: false,
      error: {
        code: -32603,
        message: `The wallet's RPC for this chain (${new URL(url).host}) did not answer.`,
      },
    };
  }
  const body = (await response.json().catch(() => undefined)) as
    { result?: unknown; error?: unknown } | undefined;
  if (body === undefined)
    return {
      ok: false,
      error: { code: -32603, message: `The wallet's RPC answered HTTP ${response.status} without JSON.` },
    };
  if (body.error !== undefined) return { ok: false, error: rpcErrorOf(body.error) };
  return { ok: true, result: body.result ?? null };
}

/**
 * The page side: an EIP-1193 provider bridged to the binding `binding`. Runs in every document before its
 * scripts.
 */
function pageScript(arg: {
  binding: string;
  emitter: string;
  info: Required<WalletInfo>;
  eip6963: boolean;
  windowEthereum: boolean;
}): void {
  type Listener = (payload: unknown) => void;
  const listeners = new Map<string, Set<Listener>>();
  // Looked up at each call: Playwright may define the binding after this script has run.
  const call = (request: unknown) =>
    (window as unknown as Record<string, (request: unknown) => Promise<Answer>>)[arg.binding](request);
  const provider = {
    async request(request: { method?: unknown; params?: unknown }): Promise<unknown> {
      if (typeof request !== "object" || request === null || typeof request.method !== "string") {
        throw Object.assign(new Error("request() needs { method: string, params?: array }"), {
          code: -32600,
        });
      }
      const params = request.params === undefined ? [] : request.params;
      const answer = await call({ method: request.method, params });
      if (answer.ok) return answer.result;
      throw Object.assign(new Error(answer.error.message), {
        code: answer.error.code,
        data: answer.error.data,
      });
    },
    on(event: string, listener: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return provider;
    },
    removeListener(event: string, listener: Listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };
  Object.assign(provider, {
    addListener: provider.on.bind(provider),
    off: provider.removeListener.bind(provider),
  });
  Object.defineProperty(window, arg.emitter, {
    value: (event: string, payload: unknown) => {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          listener(payload);
        } catch (error) {
          // A listener's failure is the page's: report it as an uncaught error, keep emitting.
          setTimeout(() => {
            throw error;
          });
        }
      }
    },
  });
  if (arg.windowEthereum)
    Object.defineProperty(window, "ethereum", { value: provider, configurable: true, writable: true });
  if (arg.eip6963) {
    const detail = Object.freeze({ info: Object.freeze({ ...arg.info }), provider });
    const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
    window.addEventListener("eip6963:requestProvider", announce);
    announce();
  }
}

let installed = 0;

/**
 * Installs the wallet in `target` (a context: every page opened after; a page: its next
 * documents, so install before `goto`). Resolves once the wallet has read its chain's id.
 */
export async function installBrowserWallet(
  target: BrowserContext | Page,
  options: BrowserWalletOptions,
): Promise<BrowserWallet> {
  const providers = new Map<number, JsonRpcProvider>();
  const startChainId = Number(
    ((await forward(options.rpcUrl, "eth_chainId", [])) as { result?: string }).result ?? NaN,
  );
  if (!Number.isSafeInteger(startChainId))
    throw new Error(`browser wallet: ${options.rpcUrl} does not answer eth_chainId`);
  const known = new Map<number, string>(
    options.knownChains === undefined
      ? [[startChainId, options.rpcUrl]]
      : Object.entries(options.knownChains).map(([id, url]) => [Number(id), url]),
  );
  let chainId = options.chainId ?? startChainId;
  if (!known.has(chainId)) throw new Error(`browser wallet: chain ${chainId} is not among its known chains`);
  let wallet = new Wallet(options.privateKey);
  let authorized = false;
  let behaviour: WalletBehaviour = {};
  const requests: string[] = [];
  const held: { method: string; decide: (approved: boolean) => void }[] = [];
  /** Signs and sends one transaction at a time, so two sends never take the same nonce. */
  let sending: Promise<unknown> = Promise.resolve();

  const id = ++installed;
  const binding = `__peerpilotTestWallet${id}`;
  const emitter = `__peerpilotTestWallet${id}Emit`;
  const info: Required<WalletInfo> = { ...options.info, uuid: options.info.uuid ?? randomUUID() };

  function providerFor(chain: number): JsonRpcProvider {
    let provider = providers.get(chain);
    if (provider === undefined) {
      // No cache (ethers' 250 ms cache gave two quick sends the same nonce) and no network probing.
      provider = new JsonRpcProvider(known.get(chain), Network.from(chain), {
        cacheTimeout: -1,
        staticNetwork: true,
        batchMaxCount: 1,
      });
      providers.set(chain, provider);
    }
    return provider;
  }

  function pages(): Page[] {
    return "pages" in target ? target.pages() : [target];
  }

  async function emit(event: string, payload: unknown): Promise<void> {
    await Promise.all(
      pages().map((page) =>
        page
          .evaluate(
            ([name, eventName, value]) => {
              const fire = (
                window as unknown as Record<string, ((event: string, payload: unknown) => void) | undefined>
              )[name];
              fire?.(eventName, value);
            },
            [emitter, event, payload] as const,
          )
          // A page closing or navigating has no listeners left to tell.
          .catch(() => undefined),
      ),
    );
  }

  async function switchTo(chain: number): Promise<void> {
    if (chain === chainId) return;
    chainId = chain;
    await emit("chainChanged", hexQuantity(chain));
  }

  async function addChain(params: unknown[]): Promise<Answer> {
    const chain = params[0] as Record<string, unknown> | undefined;
    if (typeof chain !== "object" || chain === null)
      return {
        ok: false,
        error: invalidParams(
          "wallet_addEthereumChain expects [{ chainId, chainName, rpcUrls, nativeCurrency }].",
        ),
      };
    const id = parseChainId(chain.chainId);
    if (id === undefined)
      return {
        ok: false,
        error: invalidParams(
          `chainId must be a 0x-prefixed hex number without leading zeros, not ${JSON.stringify(chain.chainId)}.`,
        ),
      };
    if (typeof chain.chainName !== "string" || chain.chainName.trim() === "")
      return { ok: false, error: invalidParams("chainName must be a non-empty string.") };
    const rpcUrls = chain.rpcUrls;
    if (
      !Array.isArray(rpcUrls) ||
      rpcUrls.length === 0 ||
      !rpcUrls.every((url) => typeof url === "string" && /^https?:\/\//.test(url))
    ) {
      return { ok: false, error: invalidParams("rpcUrls must be a non-empty array of http(s) URLs.") };
    }
    const currency = chain.nativeCurrency as Record<string, unknown> | undefined;
    if (
      typeof currency !== "object" ||
      currency === null ||
      typeof currency.name !== "string" ||
      currency.name === "" ||
      typeof currency.symbol !== "string" ||
      currency.symbol.length < 2 ||
      currency.symbol.length > 6 ||
      currency.decimals !== 18
    ) {
      return {
        ok: false,
        error: invalidParams("nativeCurrency must be { name, symbol (2-6 characters), decimals: 18 }."),
      };
    }
    const explorers = chain.blockExplorerUrls;
    if (
      explorers !== undefined &&
      explorers !== null &&
      !(
        Array.isArray(explorers) &&
        explorers.every((url) => typeof url === "string" && /^https?:\/\//.test(url))
      )
    ) {
      return { ok: false, error: invalidParams("blockExplorerUrls must be an array of http(s) URLs.") };
    }
    // As wallets do: the RPC must serve the chain it is added for.
    const served = await forward(rpcUrls[0] as string, "eth_chainId", []);
    if (!served.ok || Number(served.result) !== id) {
      return { ok: false, error: invalidParams(`The RPC ${rpcUrls[0]} does not serve chain ${id}.`) };
    }
    if (!known.has(id)) known.set(id, rpcUrls[0] as string);
    return { ok: true, result: null };
  }

  async function sendTransaction(params: unknown[]): Promise<Answer> {
    const tx = params[0] as Record<string, string | undefined> | undefined;
    if (typeof tx !== "object" || tx === null)
      return {
        ok: false,
        error: invalidParams("eth_sendTransaction expects [{ from, to, data, value, gas }]."),
      };
    if (tx.from !== undefined && tx.from.toLowerCase() !== wallet.address.toLowerCase())
      return { ok: false, error: UNAUTHORIZED };
    const request: TransactionRequest = { chainId };
    if (tx.to !== undefined && tx.to !== null) request.to = tx.to;
    if (tx.data !== undefined) request.data = tx.data;
    if (tx.input !== undefined && tx.data === undefined) request.data = tx.input;
    if (tx.value !== undefined) request.value = BigInt(tx.value);
    if (tx.gas !== undefined) request.gasLimit = BigInt(tx.gas);
    if (tx.gasPrice !== undefined) request.gasPrice = BigInt(tx.gasPrice);
    if (tx.maxFeePerGas !== undefined) request.maxFeePerGas = BigInt(tx.maxFeePerGas);
    if (tx.maxPriorityFeePerGas !== undefined) request.maxPriorityFeePerGas = BigInt(tx.maxPriorityFeePerGas);
    if (tx.nonce !== undefined) request.nonce = Number(tx.nonce);
    const signer = wallet.connect(providerFor(chainId));
    const sent = sending.then(() => signer.sendTransaction(request));
    sending = sent.catch(() => undefined);
    try {
      return { ok: true, result: (await sent).hash };
    } catch (error) {
      return { ok: false, error: rpcErrorOf(error) };
    }
  }

  async function replacePending(hash: string, how: Replacement): Promise<string> {
    const provider = providerFor(chainId);
    const original = await provider.getTransaction(hash);
    if (original === null) throw new Error(`browser wallet: no transaction ${hash} on chain ${chainId}`);
    if (original.blockNumber !== null)
      throw new Error(
        `browser wallet: ${hash} is already mined (block ${original.blockNumber}), so it cannot be replaced`,
      );
    if (original.from.toLowerCase() !== wallet.address.toLowerCase())
      throw new Error(`browser wallet: ${hash} was sent by ${original.from}, not by ${wallet.address}`);
    const call: TransactionRequest =
      how === "speed-up"
        ? { to: original.to, data: original.data, value: original.value, gasLimit: original.gasLimit }
        : { to: wallet.address, data: "0x", value: 0n, gasLimit: TRANSFER_GAS };
    // Nodes take a replacement only at a higher fee (Hardhat: at least 10% more on each).
    const fees: TransactionRequest =
      original.maxFeePerGas !== null && original.maxPriorityFeePerGas !== null
        ? {
            type: 2,
            maxFeePerGas: original.maxFeePerGas * 2n,
            maxPriorityFeePerGas: original.maxPriorityFeePerGas * 2n,
          }
        : { type: original.type, gasPrice: original.gasPrice * 2n };
    const signer = wallet.connect(provider);
    const sent = sending.then(() =>
      signer.sendTransaction({ ...call, ...fees, nonce: original.nonce, chainId }),
    );
    sending = sent.catch(() => undefined);
    return (await sent).hash;
  }

  async function signTypedData(params: unknown[]): Promise<Answer> {
    const [account, payload] = params as [unknown, unknown];
    if (typeof account !== "string" || account.toLowerCase() !== wallet.address.toLowerCase())
      return { ok: false, error: UNAUTHORIZED };
    let typed: {
      domain?: Record<string, unknown>;
      types?: Record<string, TypedDataField[]>;
      message?: Record<string, unknown>;
      primaryType?: string;
    };
    try {
      typed = (typeof payload === "string" ? JSON.parse(payload) : payload) as typeof typed;
    } catch {
      return { ok: false, error: invalidParams("eth_signTypedData_v4 expects the typed data as JSON.") };
    }
    if (
      typeof typed !== "object" ||
      typed === null ||
      typed.types === undefined ||
      typed.message === undefined ||
      typed.domain === undefined
    ) {
      return {
        ok: false,
        error: invalidParams("eth_signTypedData_v4 expects { types, primaryType, domain, message }."),
      };
    }
    if (typed.domain.chainId !== undefined && Number(typed.domain.chainId) !== chainId) {
      return {
        ok: false,
        error: invalidParams(
          `The typed data is for chain ${Number(typed.domain.chainId)}, but the wallet is on chain ${chainId}.`,
        ),
      };
    }
    // ethers derives the domain's type itself and refuses EIP712Domain among the types.
    const { EIP712Domain: _domainType, ...types } = typed.types;
    try {
      return { ok: true, result: await wallet.signTypedData(typed.domain, types, typed.message) };
    } catch (error) {
      return { ok: false, error: invalidParams(`Cannot sign this typed data: ${rpcErrorOf(error).message}`) };
    }
  }

  async function personalSign(params: unknown[]): Promise<Answer> {
    const [message, account] = params as [unknown, unknown];
    if (typeof account !== "string" || account.toLowerCase() !== wallet.address.toLowerCase())
      return { ok: false, error: UNAUTHORIZED };
    if (typeof message !== "string")
      return { ok: false, error: invalidParams("personal_sign expects [message, address].") };
    // Hex is bytes (what dapps send); anything else is signed as UTF-8 text, as wallets do.
    return { ok: true, result: await wallet.signMessage(isHexString(message) ? getBytes(message) : message) };
  }

  async function answer(method: string, params: unknown[]): Promise<Answer> {
    switch (method) {
      case "eth_requestAccounts": {
        const first = !authorized;
        authorized = true;
        if (first) void emit("accountsChanged", [wallet.address]);
        return { ok: true, result: [wallet.address] };
      }
      case "eth_accounts":
        return { ok: true, result: authorized ? [wallet.address] : [] };
      case "eth_chainId":
        return { ok: true, result: hexQuantity(chainId) };
      case "net_version":
        return { ok: true, result: String(chainId) };
      case "wallet_switchEthereumChain": {
        const target = parseChainId((params[0] as { chainId?: unknown } | undefined)?.chainId);
        if (target === undefined)
          return {
            ok: false,
            error: invalidParams("wallet_switchEthereumChain expects [{ chainId: '0x…' }]."),
          };
        if (!known.has(target))
          return {
            ok: false,
            error: {
              code: 4902,
              message: `Unrecognized chain ID ${hexQuantity(target)}. Try adding the chain using wallet_addEthereumChain first.`,
            },
          };
        await switchTo(target);
        return { ok: true, result: null };
      }
      case "wallet_addEthereumChain":
        return addChain(params);
      case "eth_sendTransaction":
        return authorized ? sendTransaction(params) : { ok: false, error: UNAUTHORIZED };
      case "eth_signTypedData_v4":
        if (behaviour.refuseTypedData) return { ok: false, error: UNSUPPORTED };
        return authorized ? signTypedData(params) : { ok: false, error: UNAUTHORIZED };
      case "personal_sign":
        return authorized ? personalSign(params) : { ok: false, error: UNAUTHORIZED };
      case "eth_sign":
      case "eth_signTransaction":
      case "eth_signTypedData":
      case "eth_signTypedData_v3":
        return { ok: false, error: UNSUPPORTED };
      default:
        return forward(known.get(chainId)!, method, params);
    }
  }

  async function handle(request: { method: string; params: unknown }): Promise<Answer> {
    const { method } = request;
    const params = Array.isArray(request.params) ? request.params : [];
    requests.push(method);
    if (behaviour.hold?.(method)) {
      const approved = await new Promise<boolean>((decide) => held.push({ method, decide }));
      if (!approved) return { ok: false, error: USER_REJECTED };
    }
    if (behaviour.reject?.(method)) return { ok: false, error: USER_REJECTED };
    try {
      return await answer(method, params);
    } catch (error) {
      return { ok: false, error: rpcErrorOf(error) };
    }
  }

  await target.exposeBinding(binding, (_source, request: { method: string; params: unknown }) =>
    handle(request),
  );
  const pageArg = {
    binding,
    emitter,
    info,
    eip6963: options.announce.eip6963,
    windowEthereum: options.announce.windowEthereum,
  };
  // As source text with a stand-in for esbuild's `__name` helper, which tsx (keepNames) writes
  // into functions and which does not exist in the page.
  await target.addInitScript({
    content: `(() => { const __name = (f) => f; (${pageScript.toString()})(${JSON.stringify(pageArg)}); })();`,
  });

  const settle = (approved: boolean) => {
    for (const request of held.splice(0)) request.decide(approved);
  };

  return {
    get address() {
      return wallet.address;
    },
    get chainId() {
      return chainId;
    },
    requests,
    get held() {
      return held.map((request) => request.method);
    },
    setBehaviour(next) {
      behaviour = { ...next };
    },
    releaseHeld: () => settle(true),
    rejectHeld: () => settle(false),
    async setChain(chain) {
      if (!known.has(chain)) throw new Error(`browser wallet: chain ${chain} is not among its known chains`);
      await switchTo(chain);
    },
    async setAccount(privateKey) {
      wallet = new Wallet(privateKey);
      if (authorized) await emit("accountsChanged", [getAddress(wallet.address)]);
    },
    emit,
    replacePending,
  };
}
