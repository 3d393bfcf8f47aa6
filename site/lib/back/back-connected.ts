/**
 * The back page once the user pressed Connect (or came back to a pending transaction): ethers,
 * the checks and the flows. Shows each state of the campaign and of the wallet in the markup
 * BackFlow.astro rendered, enables each button only when its checks (site/lib/back/checks.ts)
 * find nothing, and reports every step of a flow in the Status region.
 */
import { JsonRpcProvider } from "ethers";
import { formatDeadline, formatTokenAmount, formatUnits, shortAddress } from "../format.ts";
import { isHexAddress } from "../address.ts";
import {
  cancelProblems,
  cancelRule,
  GAS_ESTIMATES,
  parseAmount,
  pledgeProblems,
  refundProblems,
  releaseProblems,
} from "./checks.ts";
import { explorerLink, pendingKey, type BackConfig } from "./config.ts";
import { CampaignState } from "./escrow-abi.ts";
import { clearPending, loadPending, watchPending, type PendingKind, type PendingTx } from "./pending.ts";
import { Session, type Facts, type FlowResult, type StepSink } from "./session.ts";
import type { WalletChoice } from "./wallets.ts";

/** How often the connected page re-reads its facts through the wallet while the tab is visible. */
const REFRESH_MS = 15_000;

type Find = <T extends Element = HTMLElement>(selector: string) => T;

function finder(root: HTMLElement): Find {
  return <T extends Element>(selector: string) => {
    const element = root.querySelector<T>(selector);
    if (element === null) throw new Error(`back page markup lacks ${selector}`);
    return element;
  };
}

function setList(list: HTMLElement, items: readonly string[]): void {
  const now = [...list.children].map((li) => li.textContent);
  if (now.length === items.length && now.every((text, i) => text === items[i])) return;
  list.replaceChildren(
    ...items.map((text) => {
      const li = document.createElement("li");
      li.textContent = text;
      return li;
    }),
  );
}

function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** The Status region: one ordered list of the current flow's steps. */
export class StatusList {
  readonly #region: HTMLElement;
  readonly #list: HTMLOListElement;
  readonly #empty: HTMLElement;
  readonly #config: BackConfig;

  constructor(root: HTMLElement, config: BackConfig) {
    const find = finder(root);
    this.#region = find('[data-field="status"]');
    this.#list = find<HTMLOListElement>('[data-field="steps"]');
    this.#empty = find('[data-field="status-empty"]');
    this.#config = config;
  }

  /** Starts a new flow: clears the old steps and moves focus to the region. */
  begin(title: string): void {
    this.#list.replaceChildren();
    this.#empty.hidden = true;
    this.#region.focus();
    this.add(title);
  }

  /** Adds a step; focus follows it while the user has not moved focus elsewhere. */
  add(text: string, hash?: string): void {
    const li = document.createElement("li");
    li.tabIndex = -1;
    if (hash === undefined) {
      li.textContent = text;
    } else {
      li.append(text);
      const href = explorerLink(this.#config, "tx", hash);
      const code = document.createElement("code");
      code.textContent = hash;
      if (href === undefined) {
        li.append(code);
      } else {
        const link = document.createElement("a");
        link.href = href;
        link.append(code);
        li.append(link);
      }
    }
    const follow = this.#region.contains(document.activeElement);
    this.#list.append(li);
    if (follow) li.focus();
  }

  sink(walletName: string, onConfirmed: () => void): StepSink {
    return {
      waiting: (what) => this.add(`Waiting for your ${what} in ${walletName}…`),
      sent: (hash) => this.add("Sent: ", hash),
      confirmed: (block) => {
        this.add(`Confirmed in block ${block}.`);
        onConfirmed();
      },
      failed: (reason) => this.add(`Failed: ${reason}`),
      declined: () => this.add("You declined in your wallet; nothing was sent."),
      note: (text) => this.add(text),
    };
  }
}

/** Tells the Progress component (and anything else listening) to read the chain again now. */
function announceRefresh(): void {
  document.dispatchEvent(new CustomEvent("peerpilot:refresh"));
}

const KIND_TEXT: Record<PendingKind, string> = {
  pledge: "your pledge",
  pledgeWithPermit: "your pledge",
  approve: "your approval",
  cancel: "your cancel",
  refund: "the refund",
  release: "the release",
};

/**
 * Follows the transaction a previous load of this page sent (sessionStorage), through the
 * manifest's RPC: its receipt, or the transaction that replaced it. Returns a function that stops.
 */
export function resumePending(
  root: HTMLElement,
  config: BackConfig,
  onSettled: () => void = () => {},
): () => void {
  const key = pendingKey(config);
  const stored = loadPending(globalThis.sessionStorage, key);
  if (stored === undefined) return () => {};
  const status = new StatusList(root, config);
  status.begin(`Following ${KIND_TEXT[stored.kind]}, sent before this page was reloaded.`);
  status.add("Sent: ", stored.hash);
  const url = config.chain.rpcUrls[Math.floor(Math.random() * config.chain.rpcUrls.length)];
  const provider = new JsonRpcProvider(url, config.chain.id, { staticNetwork: true });
  let warned = false;
  const stop = watchPending(
    provider,
    stored,
    (outcome) => {
      clearPending(globalThis.sessionStorage, key);
      provider.destroy();
      reportOutcome(status, stored, outcome);
      announceRefresh();
      onSettled();
    },
    () => {
      if (!warned)
        status.add(`Could not reach the chain's RPC (${new URL(url).host}) to follow it; still trying.`);
      warned = true;
    },
  );
  return () => {
    stop();
    provider.destroy();
  };
}

function reportOutcome(
  status: StatusList,
  stored: PendingTx,
  outcome: Parameters<Parameters<typeof watchPending>[2]>[0],
): void {
  if (outcome.kind === "mined") {
    if (outcome.receipt.status === 1) status.add(`Confirmed in block ${outcome.receipt.blockNumber}.`);
    else
      status.add(
        `Failed: the transaction was mined in block ${outcome.receipt.blockNumber} but reverted, so nothing changed (the network fee was spent).`,
      );
  } else if (outcome.reason === "repriced") {
    status.add("Your wallet sped it up; the replacement is ", outcome.replacementHash);
    if (outcome.receipt?.status === 1) status.add(`Confirmed in block ${outcome.receipt.blockNumber}.`);
    else status.add("Failed: the sped-up transaction reverted, so nothing changed.");
  } else if (outcome.reason === "cancelled") {
    status.add(
      "Failed: It was cancelled in your wallet (a transaction with the same number replaced it); nothing changed.",
    );
  } else {
    status.add(
      "Failed: Your wallet replaced it with a different transaction, so it will never be mined. Check your wallet's activity.",
    );
  }
  if (stored.kind === "approve" && outcome.kind === "mined" && outcome.receipt.status === 1) {
    status.add("The approval is in place: connect your wallet and press Pledge to finish.");
  }
}

export interface ConnectedHooks {
  /** The wallet disconnected the page (no account left): show the wallet choice again. */
  onDisconnect(): void;
}

/**
 * Connects `wallet` and runs the page for it until the returned function is called. Rejects when
 * the connection itself fails (declined, wallet locked…), with the sentence to show.
 */
export async function startConnected(
  root: HTMLElement,
  config: BackConfig,
  wallet: WalletChoice,
  hooks: ConnectedHooks,
): Promise<() => void> {
  const find = finder(root);
  const { token } = config.escrow;
  const native = config.chain.nativeCurrency;
  const minPledge = BigInt(config.escrow.minPledge);
  const status = new StatusList(root, config);

  const parts = {
    connected: find('[data-part="connected"]'),
    balances: find('[data-part="balances"]'),
    wrongChain: find('[data-part="wrong-chain"]'),
    pledge: find('[data-part="pledge"]'),
    yourPledge: find('[data-part="your-pledge"]'),
    cancel: find('[data-part="cancel"]'),
    refund: find('[data-part="refund"]'),
    refundOwn: find('[data-part="refund-own"]'),
    release: find('[data-part="release"]'),
    released: find('[data-part="released"]'),
  };
  const fields = {
    connectedAs: find('[data-field="connected-as"]'),
    tokenBalance: find('[data-field="token-balance"]'),
    gasBalance: find('[data-field="gas-balance"]'),
    pledge: find('[data-field="pledge"]'),
    readError: find('[data-field="read-error"]'),
    wrongChain: find('[data-field="wrong-chain"]'),
    amount: find<HTMLInputElement>("#pledge-amount"),
    permitRadio: find<HTMLInputElement>('input[name="method"][value="permit"]'),
    approveRadio: find<HTMLInputElement>('input[name="method"][value="approve"]'),
    methodNote: find('[data-field="method-note"]'),
    pledgeProblems: find('[data-field="pledge-problems"]'),
    pledgeSubmit: find<HTMLButtonElement>('[data-field="pledge-submit"]'),
    yourPledge: find('[data-field="your-pledge"]'),
    cancelRule: find("#cancel-rule"),
    cancelProblems: find('[data-field="cancel-problems"]'),
    cancelButton: find<HTMLButtonElement>('[data-action="cancel"]'),
    refundOwnProblems: find('[data-field="refund-own-problems"]'),
    refundOwnButton: find<HTMLButtonElement>('[data-action="refund-own"]'),
    backer: find<HTMLInputElement>("#refund-backer"),
    refundOtherProblems: find('[data-field="refund-other-problems"]'),
    refundOtherSubmit: find<HTMLButtonElement>('[data-field="refund-other-submit"]'),
    releaseProblems: find('[data-field="release-problems"]'),
    releaseButton: find<HTMLButtonElement>('[data-action="release"]'),
    released: find('[data-field="released"]'),
    switchButton: find<HTMLButtonElement>('[data-action="switch"]'),
  };
  const form = find<HTMLFormElement>('form[data-form="pledge"]');
  const refundForm = find<HTMLFormElement>('form[data-form="refund-other"]');

  let facts: Facts | undefined;
  let busy = false;
  let stopped = false;
  let amountTouched = false;
  let reading: Promise<void> | undefined;
  let readAgain = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopResume: () => void = () => {};
  /** The other backer's pledge, read for the address in the refund field. */
  let other: { address: string; pledge: bigint | undefined } | undefined;
  let releaseShown = false;

  const session = await Session.connect(wallet, config, () => void refresh());
  const steps = status.sink(wallet.name, () => {
    announceRefresh();
    void refresh();
  });

  const feeFor = (gas: bigint) => gas * (facts?.feePerGas ?? 0n);
  const actionSections = [parts.pledge, parts.yourPledge, parts.refund, parts.release, parts.released];

  function hideActions(): void {
    for (const part of actionSections) part.hidden = true;
  }

  function method(): "permit" | "approve" {
    return fields.permitRadio.checked && !fields.permitRadio.disabled ? "permit" : "approve";
  }

  function pledgeCheck(): { amount?: bigint; problems: string[] } {
    if (facts === undefined) return { problems: ["Reading your balances…"] };
    const parsed = parseAmount(fields.amount.value, token);
    if (!parsed.ok) return { problems: [parsed.problem] };
    const approving = method() === "approve" && facts.allowance < parsed.value;
    const gas =
      method() === "permit"
        ? GAS_ESTIMATES.pledgeWithPermit
        : GAS_ESTIMATES.pledge + (approving ? GAS_ESTIMATES.approve : 0n);
    const problems = pledgeProblems({
      amount: parsed.value,
      tokenBalance: facts.tokenBalance,
      gasBalance: facts.gasBalance,
      gasCost: feeFor(gas),
      currentPledge: facts.pledge,
      minPledge,
      state: facts.state,
      token,
      nativeSymbol: native.symbol,
    });
    return { amount: parsed.value, problems };
  }

  function renderPledge(): void {
    const { problems } = pledgeCheck();
    setList(fields.pledgeProblems, problems);
    fields.pledgeSubmit.disabled = busy || problems.length > 0;
  }

  function renderOther(): void {
    const text = fields.backer.value.trim();
    let problems: string[];
    if (facts === undefined) problems = ["Reading the campaign…"];
    else if (text === "") problems = ["Enter the backer's address (0x and 40 hex digits)."];
    else if (!isHexAddress(text))
      problems = ["That is not an address: it should be 0x followed by 40 hex digits."];
    else if (other === undefined || other.address !== text.toLowerCase() || other.pledge === undefined)
      problems = ["Reading that backer's pledge…"];
    else {
      problems = refundProblems({
        state: facts.state,
        deadline: facts.deadline,
        pledge: other.pledge,
        backer: text,
        self: text.toLowerCase() === session.account.toLowerCase(),
        gasBalance: facts.gasBalance,
        gasCost: feeFor(GAS_ESTIMATES.refund),
        nativeSymbol: native.symbol,
      });
    }
    setList(fields.refundOtherProblems, problems);
    fields.refundOtherSubmit.disabled = busy || problems.length > 0;
  }

  async function readOther(): Promise<void> {
    const text = fields.backer.value.trim();
    if (!isHexAddress(text)) {
      other = undefined;
      renderOther();
      return;
    }
    const address = text.toLowerCase();
    if (other?.address === address && other.pledge !== undefined) return renderOther();
    other = { address, pledge: undefined };
    renderOther();
    try {
      const pledge = await session.pledgeOf(text);
      if (other?.address === address) other.pledge = pledge;
    } catch (error) {
      if (other?.address === address) {
        setList(fields.refundOtherProblems, [session.explain(error)]);
        return;
      }
    }
    renderOther();
  }

  function render(f: Facts): void {
    setText(fields.tokenBalance, formatTokenAmount(f.tokenBalance, token));
    setText(
      fields.gasBalance,
      `${formatUnits(f.gasBalance, native.decimals, { maxFractionDigits: 6 })} ${native.symbol}`,
    );
    setText(fields.pledge, f.pledge === 0n ? "none yet" : formatTokenAmount(f.pledge, token));
    parts.balances.hidden = false;

    const funding = f.state === CampaignState.Funding;
    parts.pledge.hidden = !funding;
    if (funding) {
      setText(fields.pledgeSubmit, f.pledge > 0n ? "Top up" : "Pledge");
      if (!amountTouched && f.pledge === 0n && fields.amount.value === "")
        fields.amount.value = formatUnits(minPledge, token.decimals).replace(/,/g, "");
      fields.permitRadio.disabled = !f.permit;
      if (!f.permit) fields.approveRadio.checked = true;
      fields.methodNote.hidden = f.permit;
      setText(
        fields.methodNote,
        f.permit
          ? ""
          : `${token.symbol} takes no permits, so a pledge is two transactions: an approval of exactly the amount, then the pledge.`,
      );
      renderPledge();
    }

    parts.yourPledge.hidden = f.pledge === 0n || f.state === CampaignState.Released;
    setText(fields.yourPledge, `You have pledged ${formatTokenAmount(f.pledge, token)}.`);
    parts.cancel.hidden = !funding;
    if (funding && f.pledge > 0n) {
      setText(fields.cancelRule, cancelRule(f.lockWindow, f.deadline));
      const problems = cancelProblems({
        state: f.state,
        currentPledge: f.pledge,
        backers: f.backers,
        goalBackers: BigInt(config.escrow.goalBackers),
        deadline: f.deadline,
        now: f.now,
        lockWindow: f.lockWindow,
        gasBalance: f.gasBalance,
        gasCost: feeFor(GAS_ESTIMATES.cancel),
        nativeSymbol: native.symbol,
      });
      setList(fields.cancelProblems, problems);
      fields.cancelButton.disabled = busy || problems.length > 0;
    }

    parts.refund.hidden = f.state !== CampaignState.Failed;
    if (f.state === CampaignState.Failed) {
      parts.refundOwn.hidden = f.pledge === 0n;
      const problems = refundProblems({
        state: f.state,
        deadline: f.deadline,
        pledge: f.pledge,
        backer: session.account,
        self: true,
        gasBalance: f.gasBalance,
        gasCost: feeFor(GAS_ESTIMATES.refund),
        nativeSymbol: native.symbol,
      });
      setList(fields.refundOwnProblems, f.pledge === 0n ? [] : problems);
      fields.refundOwnButton.disabled = busy || problems.length > 0;
      if (other !== undefined) other.pledge = undefined;
      void readOther();
    }

    parts.release.hidden = f.state !== CampaignState.Succeeded;
    if (f.state === CampaignState.Succeeded) {
      const problems = releaseProblems({
        state: f.state,
        deadline: f.deadline,
        gasBalance: f.gasBalance,
        gasCost: feeFor(GAS_ESTIMATES.release),
        nativeSymbol: native.symbol,
      });
      setList(fields.releaseProblems, problems);
      fields.releaseButton.disabled = busy || problems.length > 0;
    }

    parts.released.hidden = f.state !== CampaignState.Released;
    if (f.state === CampaignState.Released && !releaseShown) {
      releaseShown = true;
      setText(fields.released, "Released to the producer.");
      void session.findRelease().then((release) => {
        if (release === undefined || stopped) return;
        const date = formatDeadline(release.timestamp).text;
        const href = explorerLink(config, "tx", release.hash);
        fields.released.replaceChildren(`Released to the producer on ${date}`);
        if (href !== undefined) {
          const link = document.createElement("a");
          link.href = href;
          link.textContent = "(the transaction)";
          fields.released.append(" ", link);
        } else {
          const code = document.createElement("code");
          code.textContent = release.hash;
          fields.released.append(" in transaction ", code);
        }
        fields.released.append(".");
      });
    }
  }

  /** Reads the wallet's chain and account facts and shows them; coalesces overlapping calls. */
  function refresh(): Promise<void> {
    if (reading !== undefined) {
      readAgain = true;
      return reading;
    }
    reading = (async () => {
      do {
        readAgain = false;
        await readOnce();
      } while (readAgain && !stopped);
    })().finally(() => {
      reading = undefined;
      schedule();
    });
    return reading;
  }

  async function readOnce(): Promise<void> {
    if (stopped) return;
    if (session.account === "") {
      stop();
      hooks.onDisconnect();
      return;
    }
    // Said together with the facts, so "Connected" never shows beside empty balances.
    const showConnected = () => {
      parts.connected.hidden = false;
      setText(fields.connectedAs, `Connected to ${wallet.name} as ${shortAddress(session.account)}`);
    };
    if (!session.onRightChain) {
      showConnected();
      facts = undefined;
      hideActions();
      parts.balances.hidden = true;
      parts.wrongChain.hidden = false;
      setText(
        fields.wrongChain,
        `Your wallet is on chain ${session.chainId}; this campaign is on ${config.chain.name} (chain ${config.chain.id}).`,
      );
      fields.switchButton.disabled = busy;
      return;
    }
    parts.wrongChain.hidden = true;
    try {
      const account = session.account;
      const next = await session.readFacts();
      if (stopped || next.account !== session.account || account !== session.account) return;
      facts = next;
      fields.readError.hidden = true;
      render(next);
      showConnected();
    } catch (error) {
      if (stopped) return;
      showConnected();
      parts.balances.hidden = true;
      fields.readError.hidden = false;
      setText(
        fields.readError,
        `Could not read the campaign through ${wallet.name}: ${session.explain(error)}`,
      );
    }
  }

  function schedule(): void {
    clearTimeout(timer);
    timer = stopped || document.hidden ? undefined : setTimeout(() => void refresh(), REFRESH_MS);
  }

  function setBusy(value: boolean): void {
    busy = value;
    for (const button of [
      fields.pledgeSubmit,
      fields.cancelButton,
      fields.refundOwnButton,
      fields.refundOtherSubmit,
      fields.releaseButton,
      fields.switchButton,
    ]) {
      if (value) button.disabled = true;
    }
    if (!value) {
      fields.switchButton.disabled = false;
      if (facts !== undefined) render(facts);
    }
  }

  async function run(title: string, flow: () => Promise<FlowResult>): Promise<void> {
    if (busy) return;
    setBusy(true);
    status.begin(title);
    try {
      await flow();
    } catch (error) {
      steps.failed(session.explain(error));
    } finally {
      setBusy(false);
      void refresh();
    }
  }

  const onSubmit = (event: Event) => {
    event.preventDefault();
    const { amount, problems } = pledgeCheck();
    if (amount === undefined || problems.length > 0 || facts === undefined) return;
    const topUp = facts.pledge > 0n;
    const how =
      method() === "permit" ? "with one signature (permit)" : "in two transactions (approve, then pledge)";
    void run(`${topUp ? "Topping up" : "Pledging"} ${formatTokenAmount(amount, token)} ${how}.`, () =>
      session.pledge(amount, method(), steps),
    );
  };
  const onAmount = () => {
    amountTouched = true;
    renderPledge();
  };
  const onMethod = () => renderPledge();
  const onCancel = () => void run("Cancelling your pledge.", () => session.cancel(steps));
  const onRefundOwn = () => void run("Refunding your pledge.", () => session.refund(session.account, steps));
  const onRefundOther = (event: Event) => {
    event.preventDefault();
    const backer = fields.backer.value.trim();
    if (fields.refundOtherSubmit.disabled || !isHexAddress(backer)) return;
    void run(`Refunding ${shortAddress(backer)}'s pledge (the money goes to that backer).`, () =>
      session.refund(backer, steps),
    );
  };
  const onBacker = () => void readOther();
  const onRelease = () => void run("Releasing the funds to the producer.", () => session.release(steps));
  const switchWalletChain = async () => {
    if (busy) return;
    setBusy(true);
    status.begin(`Switching ${wallet.name} to ${config.chain.name}.`);
    status.add(`Waiting for your approval in ${wallet.name}…`);
    try {
      await session.switchChain();
      status.add(`Switched to ${config.chain.name}.`);
    } catch (error) {
      status.add(`Failed: ${session.explain(error)}`);
    } finally {
      setBusy(false);
      void refresh();
    }
  };
  const onSwitch = () => void switchWalletChain();
  const onVisibility = () => (document.hidden ? clearTimeout(timer) : void refresh());

  // Every listener below is removed at once by stop().
  const listening = new AbortController();
  const on = { signal: listening.signal };
  form.addEventListener("submit", onSubmit, on);
  fields.amount.addEventListener("input", onAmount, on);
  fields.permitRadio.addEventListener("change", onMethod, on);
  fields.approveRadio.addEventListener("change", onMethod, on);
  fields.cancelButton.addEventListener("click", onCancel, on);
  fields.refundOwnButton.addEventListener("click", onRefundOwn, on);
  refundForm.addEventListener("submit", onRefundOther, on);
  fields.backer.addEventListener("input", onBacker, on);
  fields.releaseButton.addEventListener("click", onRelease, on);
  fields.switchButton.addEventListener("click", onSwitch, on);
  document.addEventListener("visibilitychange", onVisibility, on);

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    stopResume();
    session.close();
    listening.abort();
    parts.connected.hidden = true;
    parts.wrongChain.hidden = true;
    hideActions();
  }

  // A transaction from before a reload is followed through the manifest's RPC meanwhile.
  if (loadPending(globalThis.sessionStorage, pendingKey(config)) !== undefined) {
    setBusy(true);
    stopResume = resumePending(root, config, () => {
      setBusy(false);
      void refresh();
    });
  }
  await refresh();
  return stop;
}
