/**
 * The connected wallet, through ethers v6: loaded only when the user presses Connect. Reads the
 * facts every check before a signature needs, switches or adds the campaign's chain, and runs
 * each flow (pledge with a permit, approve then pledge, cancel, refund, release) as visible
 * steps: simulate with `staticCall` (where ethers decodes custom errors), ask the wallet, send,
 * follow the transaction (a replacement too) to its receipt.
 */
import {
  BrowserProvider,
  Contract,
  isError,
  type ContractTransactionResponse,
  type TypedDataDomain,
} from "ethers";
import { permitTypedData, readPermitDomain, splitSignature } from "../permit.ts";
import type { Hex } from "../address.ts";
import { addChainParams, switchChainParams } from "./add-chain.ts";
import type { BackConfig } from "./config.ts";
import { pendingKey } from "./config.ts";
import { ESCROW_ABI, TOKEN_ABI } from "./escrow-abi.ts";
import { explainError, isUserRejection, rpcErrorCode, type ErrorContext } from "./errors.ts";
import { clearPending, savePending, type PendingKind } from "./pending.ts";
import type { WalletChoice } from "./wallets.ts";

/** How long a permit signature stays valid: long enough to confirm the transaction in the wallet. */
const PERMIT_LIFETIME_SECONDS = 30n * 60n;
/**
 * How often ethers polls the wallet's node while a transaction is pending (no filters: some wallets lack
 * them).
 */
const POLLING_MS = 1_000;

/** Everything read from the chain for the checks before a signature. */
export interface Facts {
  account: string;
  tokenBalance: bigint;
  gasBalance: bigint;
  pledge: bigint;
  state: number;
  backers: bigint;
  deadline: bigint;
  lockWindow: bigint;
  /** The latest block's timestamp: the chain's clock, which a test chain may have moved. */
  now: bigint;
  /** What a unit of gas may cost now (EIP-1559 max fee, else the gas price). */
  feePerGas: bigint;
  allowance: bigint;
  /** Whether the token takes EIP-2612 permits. */
  permit: boolean;
}

/** Where a flow reports its steps (the page's Status list). */
export interface StepSink {
  waiting(what: "signature" | "approval"): void;
  sent(hash: string): void;
  confirmed(blockNumber: number): void;
  failed(reason: string): void;
  declined(): void;
  note(text: string): void;
}

export type FlowResult = "confirmed" | "declined" | "failed";

/** Whether the wallet refused a request because it cannot do it (not because the user said no). */
function unsupported(error: unknown): boolean {
  if (isUserRejection(error)) return false;
  const code = rpcErrorCode(error);
  return isError(error, "UNSUPPORTED_OPERATION") || code === 4200 || code === -32601;
}

/** The EIP-1193 code of a raw or wrapped wallet error, including MetaMask mobile's `data.originalError`. */
function walletCode(error: unknown): number | undefined {
  const code = rpcErrorCode(error);
  if (code !== undefined) return code;
  const raw = error as { code?: unknown; data?: { originalError?: { code?: unknown } } } | null;
  if (typeof raw?.data?.originalError?.code === "number") return raw.data.originalError.code;
  return typeof raw?.code === "number" ? raw.code : undefined;
}

export class Session {
  readonly wallet: WalletChoice;
  readonly config: BackConfig;
  account: string;
  chainId: number;
  provider: BrowserProvider;
  #permitDomain: Promise<TypedDataDomain | undefined> | undefined;
  #unlisten: () => void = () => {};

  private constructor(wallet: WalletChoice, config: BackConfig, account: string, chainId: number) {
    this.wallet = wallet;
    this.config = config;
    this.account = account;
    this.chainId = chainId;
    this.provider = this.#newProvider();
  }

  /**
   * Asks the wallet for its accounts (`eth_requestAccounts`, the first request the page makes)
   * and follows account and chain changes: `onChange` hears of each (account undefined when the
   * wallet disconnected the page).
   */
  static async connect(wallet: WalletChoice, config: BackConfig, onChange: () => void): Promise<Session> {
    const accounts = (await wallet.provider.request({ method: "eth_requestAccounts" })) as string[];
    const chainId = Number(await wallet.provider.request({ method: "eth_chainId" }));
    if (!Array.isArray(accounts) || typeof accounts[0] !== "string")
      throw new Error("The wallet returned no account.");
    const session = new Session(wallet, config, accounts[0], chainId);
    session.#listen(onChange);
    return session;
  }

  #newProvider(): BrowserProvider {
    return new BrowserProvider(this.wallet.provider, undefined, {
      polling: true,
      pollingInterval: POLLING_MS,
    });
  }

  #listen(onChange: () => void): void {
    const onAccounts = (accounts: unknown) => {
      const list = Array.isArray(accounts) ? (accounts as string[]) : [];
      this.account = list[0] ?? "";
      onChange();
    };
    const onChain = (chainId: unknown) => {
      this.chainId = Number(chainId);
      // ethers v6 throws "network changed" from a provider whose chain moved: start afresh.
      void this.provider.destroy();
      this.provider = this.#newProvider();
      this.#permitDomain = undefined;
      onChange();
    };
    const provider = this.wallet.provider;
    provider.on?.("accountsChanged", onAccounts);
    provider.on?.("chainChanged", onChain);
    this.#unlisten = () => {
      provider.removeListener?.("accountsChanged", onAccounts);
      provider.removeListener?.("chainChanged", onChain);
    };
  }

  /** Stops following the wallet. */
  close(): void {
    this.#unlisten();
    void this.provider.destroy();
  }

  get onRightChain(): boolean {
    return this.chainId === this.config.chain.id;
  }

  get errorContext(): ErrorContext {
    const { token } = this.config.escrow;
    return {
      token: { symbol: token.symbol, decimals: token.decimals },
      walletName: this.wallet.name,
      nativeSymbol: this.config.chain.nativeCurrency.symbol,
      chainName: this.config.chain.name,
    };
  }

  explain(error: unknown): string {
    return explainError(error, this.errorContext);
  }

  /**
   * Asks the wallet to switch to the campaign's chain, adding it first when the wallet does not know it
   * (4902).
   */
  async switchChain(): Promise<void> {
    const request = this.wallet.provider.request.bind(this.wallet.provider);
    try {
      await request({ method: "wallet_switchEthereumChain", params: switchChainParams(this.config.chain) });
    } catch (error) {
      if (walletCode(error) !== 4902) throw error;
      await request({ method: "wallet_addEthereumChain", params: addChainParams(this.config.chain) });
      // Most wallets switch on add; asking again is harmless and covers those that do not.
      await request({ method: "wallet_switchEthereumChain", params: switchChainParams(this.config.chain) });
    }
    this.chainId = Number(await request({ method: "eth_chainId" }));
  }

  #escrow(
    runner: BrowserProvider | Awaited<ReturnType<BrowserProvider["getSigner"]>> = this.provider,
  ): Contract {
    return new Contract(this.config.escrow.address, ESCROW_ABI, runner);
  }

  #token(
    runner: BrowserProvider | Awaited<ReturnType<BrowserProvider["getSigner"]>> = this.provider,
  ): Contract {
    return new Contract(this.config.escrow.token.address, TOKEN_ABI, runner);
  }

  /** The token's EIP-712 domain, read once per chain; undefined when it takes no permits. */
  permitDomain(): Promise<TypedDataDomain | undefined> {
    const reading = (this.#permitDomain ??= readPermitDomain(
      this.#token(),
      this.config.chain.id,
      this.config.escrow.token.address as Hex,
    ));
    // A failed read is not "no permit": read again next time.
    return reading.catch((error: unknown) => {
      if (this.#permitDomain === reading) this.#permitDomain = undefined;
      throw error;
    });
  }

  /** Reads every fact the checks need, in parallel, from the wallet's node. */
  async readFacts(): Promise<Facts> {
    const account = this.account;
    const escrow = this.#escrow();
    const token = this.#token();
    const [
      tokenBalance,
      gasBalance,
      pledge,
      state,
      backers,
      deadline,
      lockWindow,
      block,
      fees,
      allowance,
      domain,
    ] = await Promise.all([
      token.getFunction("balanceOf")(account) as Promise<bigint>,
      this.provider.getBalance(account),
      escrow.getFunction("pledgeOf")(account) as Promise<bigint>,
      escrow.getFunction("state")() as Promise<bigint>,
      escrow.getFunction("backers")() as Promise<bigint>,
      escrow.getFunction("deadline")() as Promise<bigint>,
      escrow.getFunction("CANCEL_LOCK_WINDOW")() as Promise<bigint>,
      this.provider.getBlock("latest"),
      this.provider.getFeeData(),
      token.getFunction("allowance")(account, this.config.escrow.address) as Promise<bigint>,
      this.permitDomain(),
    ]);
    return {
      account,
      tokenBalance,
      gasBalance,
      pledge,
      state: Number(state),
      backers,
      deadline,
      lockWindow,
      now: BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000)),
      feePerGas: fees.maxFeePerGas ?? fees.gasPrice ?? 0n,
      allowance,
      permit: domain !== undefined,
    };
  }

  /** The pledge `backer` holds (for a refund to someone else). */
  async pledgeOf(backer: string): Promise<bigint> {
    return (await this.#escrow().getFunction("pledgeOf")(backer)) as bigint;
  }

  /** The release: its transaction and time, from the escrow's Released event, when the node finds it. */
  async findRelease(): Promise<{ hash: string; timestamp: number } | undefined> {
    try {
      const escrow = this.#escrow();
      const events = await escrow.queryFilter(
        escrow.filters.Released(),
        this.config.escrow.deployBlock,
        "latest",
      );
      const event = events[0];
      if (event === undefined) return undefined;
      const block = await this.provider.getBlock(event.blockNumber);
      return block === null ? undefined : { hash: event.transactionHash, timestamp: block.timestamp };
    } catch {
      // A node may refuse a long log range: the page then says "released" without the date.
      return undefined;
    }
  }

  /**
   * Pledges `amount` (a first pledge or a top-up). With `method` "permit" and a token that takes
   * permits, one signature and one transaction; else, or when the wallet cannot sign typed data,
   * an approval of exactly `amount` (skipped when the allowance already covers it), then the pledge.
   */
  async pledge(amount: bigint, method: "permit" | "approve", steps: StepSink): Promise<FlowResult> {
    if (method === "permit") {
      let domain: TypedDataDomain | undefined;
      try {
        domain = await this.permitDomain();
      } catch (error) {
        steps.failed(this.explain(error));
        return "failed";
      }
      if (domain !== undefined) {
        const result = await this.#pledgeWithPermit(amount, domain, steps);
        if (result !== "unsupported") return result;
        steps.note(
          `${this.wallet.name} cannot sign a permit, so the pledge goes in two transactions: an approval, then the pledge.`,
        );
      } else {
        steps.note(
          `${this.config.escrow.token.symbol} takes no permits, so the pledge goes in two transactions: an approval, then the pledge.`,
        );
      }
    }
    return this.#approveThenPledge(amount, steps);
  }

  async #pledgeWithPermit(
    amount: bigint,
    domain: TypedDataDomain,
    steps: StepSink,
  ): Promise<FlowResult | "unsupported"> {
    const signer = await this.provider.getSigner(this.account);
    const token = this.#token();
    let signature: string;
    let deadline: bigint;
    try {
      const [nonce, block] = await Promise.all([
        token.getFunction("nonces")(this.account) as Promise<bigint>,
        this.provider.getBlock("latest"),
      ]);
      const now = BigInt(Math.max(block?.timestamp ?? 0, Math.floor(Date.now() / 1000)));
      deadline = now + PERMIT_LIFETIME_SECONDS;
      steps.waiting("signature");
      const typed = permitTypedData({
        domain,
        owner: this.account as Hex,
        spender: this.config.escrow.address as Hex,
        value: amount,
        nonce,
        deadline,
      });
      signature = await signer.signTypedData(typed.domain, typed.types, typed.message);
    } catch (error) {
      if (unsupported(error)) return "unsupported";
      return this.#refused(error, steps);
    }
    const { v, r, s } = splitSignature(signature as Hex);
    const escrow = this.#escrow(signer);
    const call = escrow.getFunction("pledgeWithPermit");
    return this.#send(
      "pledgeWithPermit",
      () => call.staticCall(amount, deadline, v, r, s),
      () => call(amount, deadline, v, r, s),
      steps,
    );
  }

  async #approveThenPledge(amount: bigint, steps: StepSink): Promise<FlowResult> {
    const signer = await this.provider.getSigner(this.account);
    const token = this.#token(signer);
    const allowance = (await token.getFunction("allowance")(
      this.account,
      this.config.escrow.address,
    )) as bigint;
    if (allowance < amount) {
      const approve = token.getFunction("approve");
      const approved = await this.#send(
        "approve",
        () => approve.staticCall(this.config.escrow.address, amount),
        () => approve(this.config.escrow.address, amount),
        steps,
      );
      if (approved !== "confirmed") return approved;
    }
    const pledge = this.#escrow(signer).getFunction("pledge");
    return this.#send(
      "pledge",
      () => pledge.staticCall(amount),
      () => pledge(amount),
      steps,
    );
  }

  async cancel(steps: StepSink): Promise<FlowResult> {
    const cancel = this.#escrow(await this.provider.getSigner(this.account)).getFunction("cancel");
    return this.#send(
      "cancel",
      () => cancel.staticCall(),
      () => cancel(),
      steps,
    );
  }

  async refund(backer: string, steps: StepSink): Promise<FlowResult> {
    const refund = this.#escrow(await this.provider.getSigner(this.account)).getFunction("refund");
    return this.#send(
      "refund",
      () => refund.staticCall(backer),
      () => refund(backer),
      steps,
    );
  }

  async release(steps: StepSink): Promise<FlowResult> {
    const release = this.#escrow(await this.provider.getSigner(this.account)).getFunction("release");
    return this.#send(
      "release",
      () => release.staticCall(),
      () => release(),
      steps,
    );
  }

  #refused(error: unknown, steps: StepSink): FlowResult {
    if (isUserRejection(error)) {
      steps.declined();
      return "declined";
    }
    steps.failed(this.explain(error));
    return "failed";
  }

  /** Simulates, asks the wallet, sends and follows one transaction. */
  async #send(
    kind: PendingKind,
    simulate: () => Promise<unknown>,
    send: () => Promise<ContractTransactionResponse>,
    steps: StepSink,
  ): Promise<FlowResult> {
    let tx: ContractTransactionResponse;
    let startBlock: number;
    try {
      await simulate();
      startBlock = await this.provider.getBlockNumber();
      steps.waiting("approval");
      tx = await send();
    } catch (error) {
      return this.#refused(error, steps);
    }
    const key = pendingKey(this.config);
    savePending(globalThis.sessionStorage, key, {
      hash: tx.hash,
      from: tx.from,
      nonce: tx.nonce,
      to: tx.to ?? "",
      data: tx.data,
      kind,
      startBlock,
    });
    steps.sent(tx.hash);
    try {
      // A contract call's response forgets where the signer started watching, and without it
      // ethers never looks for a replacement: waiting on a sped-up or cancelled one would hang.
      const receipt = await tx.replaceableTransaction(startBlock).wait();
      if (receipt === null) throw new Error("no receipt");
      steps.confirmed(receipt.blockNumber);
      return "confirmed";
    } catch (error) {
      if (isError(error, "TRANSACTION_REPLACED")) {
        if (error.reason === "repriced") {
          steps.note(`${this.wallet.name} sped it up: the replacement is ${error.replacement.hash}.`);
          if (error.receipt.status === 1) {
            steps.confirmed(error.receipt.blockNumber);
            return "confirmed";
          }
          steps.failed("The sped-up transaction was mined but reverted; nothing changed.");
          return "failed";
        }
        steps.failed(
          error.reason === "cancelled"
            ? "It was cancelled in your wallet (a transaction with the same number replaced it); nothing changed."
            : `It was replaced in your wallet by a different transaction (${error.replacement.hash}); this one will never be mined.`,
        );
        return "failed";
      }
      steps.failed(this.explain(error));
      return "failed";
    } finally {
      clearPending(globalThis.sessionStorage, key);
    }
  }
}
