/**
 * Which wallets this browser has, without asking any of them anything: EIP-6963 announcements
 * (through mipd's store, which drops duplicates by `info.uuid`), else an injected
 * `window.ethereum`, else — once discovery has had a moment — none. Loaded with the page, so it
 * stays tiny: no ethers here.
 */
import { createStore } from "mipd";

/** An EIP-1193 provider, as much of it as the page uses. */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
  on?(event: string, listener: (...args: never[]) => void): unknown;
  removeListener?(event: string, listener: (...args: never[]) => void): unknown;
}

/** A wallet the user can pick. */
export interface WalletChoice {
  /** Stable within the page: the EIP-6963 uuid, or "injected". */
  id: string;
  /** What the page calls it: "MetaMask", "Rabby Wallet", or "your browser wallet". */
  name: string;
  /** The button's label. */
  label: string;
  /** A `data:image/…` URL, when announced. */
  icon?: string;
  provider: Eip1193Provider;
}

export type Discovery =
  { kind: "searching" } | { kind: "wallets"; wallets: WalletChoice[] } | { kind: "none" };

/** How long discovery waits for an announcement before saying there is no wallet. */
const DISCOVERY_GRACE_MS = 500;

export interface AnnouncedWallet {
  info: { uuid: string; name: string; icon?: string };
  provider: Eip1193Provider;
}

/** The wallet an injected `window.ethereum` stands for. */
function injectedWallet(provider: Eip1193Provider): WalletChoice {
  return { id: "injected", name: "your browser wallet", label: "Connect browser wallet", provider };
}

/**
 * What to offer: every announced wallet; else the injected provider; else nothing yet while
 * discovery may still hear from a wallet, and "none" after the grace period.
 */
export function decideDiscovery(
  announced: readonly AnnouncedWallet[],
  injected: Eip1193Provider | undefined,
  graceOver: boolean,
): Discovery {
  if (announced.length > 0) {
    return {
      kind: "wallets",
      wallets: announced.map(({ info, provider }) => {
        const name = info.name.trim() || "Unnamed wallet";
        const icon = typeof info.icon === "string" && /^data:image\//.test(info.icon) ? info.icon : undefined;
        return {
          id: info.uuid,
          name,
          label: `Connect ${name}`,
          provider,
          ...(icon === undefined ? {} : { icon }),
        };
      }),
    };
  }
  if (injected !== undefined) return { kind: "wallets", wallets: [injectedWallet(injected)] };
  return graceOver ? { kind: "none" } : { kind: "searching" };
}

function injectedProvider(): Eip1193Provider | undefined {
  const candidate = (window as { ethereum?: unknown }).ethereum;
  return typeof candidate === "object" &&
    candidate !== null &&
    typeof (candidate as Eip1193Provider).request === "function"
    ? (candidate as Eip1193Provider)
    : undefined;
}

/**
 * Starts discovery: calls `onChange` with what to offer now and again whenever it changes (a
 * late announcement still shows up after "none"). Returns a function that stops it.
 */
export function discoverWallets(
  onChange: (discovery: Discovery) => void,
  graceMs = DISCOVERY_GRACE_MS,
): () => void {
  const store = createStore();
  let graceOver = false;
  const update = () => onChange(decideDiscovery(store.getProviders(), injectedProvider(), graceOver));
  const unsubscribe = store.subscribe(update, { emitImmediately: true });
  const timer = setTimeout(() => {
    graceOver = true;
    update();
  }, graceMs);
  return () => {
    clearTimeout(timer);
    unsubscribe();
    store.destroy();
  };
}
