/**
 * `<pp-back>`'s controller before the user picks a wallet: reads the config, discovers the
 * browser's wallets (site/lib/back/wallets.ts) and offers one Connect button each, or explains
 * that there is none. Nothing here asks a wallet for anything; pressing Connect loads ethers and
 * the flows (back-connected.ts). Loaded with the page, so it stays small.
 */
import { parseBackConfig, pendingKey, type BackConfig } from "./config.ts";
import { discoverWallets, type Discovery, type WalletChoice } from "./wallets.ts";

type Connected = typeof import("./back-connected.ts");

/** Starts the element; returns a function that stops every listener and timer. */
export function startBack(root: HTMLElement): () => void {
  const config: BackConfig = parseBackConfig(root.dataset.config);
  const part = (name: string) => root.querySelector<HTMLElement>(`[data-part="${name}"]`)!;
  const discoveryArea = part("discovery");
  const searching = part("searching");
  const group = part("wallets");
  const noWallet = part("no-wallet");
  const connectError = part("connect-error");
  const template = root.querySelector<HTMLTemplateElement>('template[data-template="wallet"]')!;
  const copyButton = root.querySelector<HTMLButtonElement>('[data-action="copy-escrow"]')!;
  const copyStatus = root.querySelector<HTMLElement>('[data-field="copy-status"]')!;

  let stopped = false;
  let connecting = false;
  let connected = false;
  let stopConnected: (() => void) | undefined;
  let stopResume: (() => void) | undefined;
  let discovery: Discovery = { kind: "searching" };
  let wallets: WalletChoice[] = [];
  const loadConnected = (): Promise<Connected> => import("./back-connected.ts");

  function show(): void {
    discoveryArea.hidden = connected;
    searching.hidden = discovery.kind !== "searching" || connected;
    noWallet.hidden = discovery.kind !== "none" || connected;
    group.hidden = discovery.kind !== "wallets" || connected;
    if (discovery.kind !== "wallets") return;
    const next = discovery.wallets;
    if (wallets.length === next.length && wallets.every((w, i) => w.id === next[i].id)) return;
    wallets = next;
    group.replaceChildren(
      template,
      ...wallets.map((wallet) => {
        const button = (template.content.firstElementChild as HTMLButtonElement).cloneNode(
          true,
        ) as HTMLButtonElement;
        const img = button.querySelector("img")!;
        if (wallet.icon !== undefined) {
          img.src = wallet.icon;
          img.hidden = false;
        } else {
          img.remove();
        }
        button.querySelector("span")!.textContent = wallet.label;
        button.dataset.wallet = wallet.id;
        return button;
      }),
    );
  }

  async function connect(wallet: WalletChoice): Promise<void> {
    if (connecting || connected) return;
    connecting = true;
    connectError.hidden = true;
    for (const button of group.querySelectorAll("button")) button.disabled = true;
    try {
      const module = await loadConnected();
      if (stopped) return;
      stopResume?.();
      stopResume = undefined;
      const stop = await module.startConnected(root, config, wallet, {
        onDisconnect: () => {
          connected = false;
          stopConnected = undefined;
          show();
        },
      });
      if (stopped) return stop();
      stopConnected = stop;
      connected = true;
      show();
    } catch (error) {
      if (stopped) return;
      connectError.textContent = await connectSentence(error, wallet);
      connectError.hidden = false;
    } finally {
      connecting = false;
      for (const button of group.querySelectorAll("button")) button.disabled = false;
    }
  }

  async function connectSentence(error: unknown, wallet: WalletChoice): Promise<string> {
    try {
      const { explainError } = await import("./errors.ts");
      const { token } = config.escrow;
      return `Could not connect to ${wallet.name}: ${explainError(error, {
        token: { symbol: token.symbol, decimals: token.decimals },
        walletName: wallet.name,
        nativeSymbol: config.chain.nativeCurrency.symbol,
        chainName: config.chain.name,
      })}`;
    } catch {
      return `Could not connect to ${wallet.name}. Reload the page to try again.`;
    }
  }

  const onClick = (event: Event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>("button[data-wallet]");
    const wallet = wallets.find((w) => w.id === button?.dataset.wallet);
    if (wallet !== undefined) void connect(wallet);
  };
  const copyAddress = async () => {
    try {
      await navigator.clipboard.writeText(config.escrow.address);
      copyStatus.textContent = "Copied.";
    } catch {
      copyStatus.textContent = "Your browser did not allow copying: select the address above and copy it.";
    }
  };

  const onCopy = () => void copyAddress();

  group.addEventListener("click", onClick);
  copyButton.addEventListener("click", onCopy);
  const stopDiscovery = discoverWallets((next) => {
    discovery = next;
    show();
  });

  // A transaction sent before a reload: follow it now, before any wallet is chosen.
  let hasPending = false;
  try {
    hasPending = sessionStorage.getItem(pendingKey(config)) !== null;
  } catch {
    // Storage disabled: nothing was kept.
  }
  if (hasPending) {
    void loadConnected().then((module) => {
      if (!stopped && !connected && !connecting) stopResume = module.resumePending(root, config);
    });
  }

  return () => {
    stopped = true;
    stopDiscovery();
    stopResume?.();
    stopConnected?.();
    group.removeEventListener("click", onClick);
    copyButton.removeEventListener("click", onCopy);
  };
}
