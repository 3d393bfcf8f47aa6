/**
 * Wallet, RPC and contract errors in plain words for the back page. ethers v6 wraps what a wallet
 * or node sends (EIP-1193 codes, revert data) in its own errors; this module finds the meaningful
 * part and says what happened and what to do. Nothing a wallet, RPC or token sent as text is
 * shown: only decoded numbers and addresses, formatted here.
 */
import { Interface, isError, type ErrorDescription } from "ethers";
import { formatDeadline, formatInteger, formatTokenAmount, shortAddress } from "../format.ts";
import { stateProblem, type EscrowAction } from "./checks.ts";
import { CampaignState, ESCROW_ABI } from "./escrow-abi.ts";

export interface ErrorContext {
  token: { symbol: string; decimals: number };
  walletName: string;
  nativeSymbol: string;
  chainName: string;
}

/** Every escrow and token error; the token's bubble up through the escrow unchanged. */
const errors = new Interface(ESCROW_ABI.filter((fragment) => fragment.startsWith("error ")));

type Node = Record<string, unknown>;

function isObject(value: unknown): value is Node {
  return typeof value === "object" && value !== null;
}

/**
 * The error and what it wraps, outermost first: ethers keeps the wallet's error in `error` or
 * `info.error`, standard JS in `cause`, and wallets nest theirs in `data` (MetaMask's -32603
 * carries `data: { data: "0x…" }`). Bounded, in case of a cycle.
 */
function layers(error: unknown): Node[] {
  const found: Node[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && found.length < 12) {
    const next = queue.shift();
    if (!isObject(next) || found.includes(next)) continue;
    found.push(next);
    queue.push(
      next["error"],
      isObject(next["info"]) ? next["info"]["error"] : undefined,
      next["cause"],
      next["data"],
      next["originalError"],
    );
  }
  return found;
}

/** The EIP-1193 / JSON-RPC code under ethers' wrapping (e.g. 4001, 4902, -32002), if any. */
export function rpcErrorCode(error: unknown): number | undefined {
  for (const layer of layers(error)) {
    if (typeof layer["code"] === "number") return layer["code"];
  }
  return undefined;
}

/** Whether the user declined the request in the wallet (ethers' ACTION_REJECTED or EIP-1193 4001). */
export function isUserRejection(error: unknown): boolean {
  return layers(error).some((layer) => isError(layer, "ACTION_REJECTED") || layer["code"] === 4001);
}

/**
 * Whether an error is a contract's revert: ethers' CALL_EXCEPTION with revert data (possibly
 * empty), a mined receipt, or the node's own "execution reverted" (JSON-RPC code 3). ethers also
 * makes any eth_call or gas estimate the RPC failed to answer a CALL_EXCEPTION: that is no revert.
 */
export function isRevert(error: unknown): boolean {
  if (!isError(error, "CALL_EXCEPTION")) return false;
  if (typeof error.data === "string" || isObject(error.receipt)) return true;
  const node = isObject(error.info) ? error.info["error"] : undefined;
  if (!isObject(node)) return false;
  return node["code"] === 3 || (typeof node["message"] === "string" && /revert/i.test(node["message"]));
}

interface Revert {
  name: string;
  args: readonly unknown[];
}

/** A revert this module's ABI decodes: from ethers' own decoding (`revert`) or from revert data. */
function findRevert(error: unknown): Revert | "unknown" | undefined {
  let reverted = false;
  for (const layer of layers(error)) {
    const revert = layer["revert"];
    if (isObject(revert) && typeof revert["name"] === "string" && errors.getError(revert["name"]) !== null) {
      return { name: revert["name"], args: Array.from(revert["args"] as Iterable<unknown>) };
    }
    const data = layer["data"];
    if (typeof data === "string" && /^0x[0-9a-fA-F]{8}/.test(data)) {
      reverted = true;
      let parsed: ErrorDescription | null = null;
      try {
        parsed = errors.parseError(data);
      } catch {
        // Malformed arguments: not this error after all.
      }
      if (parsed !== null) return { name: parsed.name, args: Array.from(parsed.args) };
    }
    if (isRevert(layer)) reverted = true;
  }
  return reverted ? "unknown" : undefined;
}

const ACTION_BY_REQUIRED_STATE: Record<number, EscrowAction> = {
  [CampaignState.Funding]: "pledge or cancel",
  [CampaignState.Failed]: "refund",
  [CampaignState.Succeeded]: "release",
};

/** The sentence for a decoded escrow or token error, or undefined for one without a sentence. */
function explainRevert({ name, args }: Revert, context: ErrorContext): string | undefined {
  const tokens = (value: unknown) => formatTokenAmount(BigInt(value as bigint), context.token);
  const address = (value: unknown) => shortAddress(String(value));
  const symbol = context.token.symbol;
  switch (name) {
    case "WrongState": {
      const action = ACTION_BY_REQUIRED_STATE[Number(args[1])];
      const sentence = action === undefined ? undefined : stateProblem(action, Number(args[0]));
      return (
        sentence ?? "The campaign is not in the state this needs; reload the page to see where it stands."
      );
    }
    case "ZeroPledge":
      return `A pledge must be more than 0 ${symbol}.`;
    case "PledgeBelowMinimum":
      return `The first pledge must be at least ${tokens(args[1])}; ${tokens(args[0])} is less.`;
    case "NoPledge":
      return `${address(args[0])} has no pledge in this campaign, so there is nothing to cancel or refund.`;
    case "CancelWouldMissGoal":
      return (
        `The campaign has exactly its goal of ${formatInteger(BigInt(args[1] as bigint))} backers and the deadline is less than ` +
        "24 hours away: a cancel now would make it fail, so cancels are locked until the deadline."
      );
    case "AmountNotReceived":
      return (
        `The token delivered ${tokens(args[1])} instead of ${tokens(args[0])} (it takes a fee or changes balances), ` +
        "and the escrow accepts exact amounts only; nothing was pledged."
      );
    case "PermitRejected":
      return (
        `The token did not accept the signed permission (it may have expired or been used already), and the escrow ` +
        `may take only ${tokens(args[1])} from your wallet, less than ${tokens(args[2])}. Nothing was pledged: ` +
        `sign again, or choose "Approve, then pledge".`
      );
    case "ReentrancyGuardReentrantCall":
      return "The token tried to call back into the escrow during the transfer, and the escrow refused; nothing changed.";
    case "SafeCastOverflowedUintDowncast":
      return "That amount is far more than the escrow can hold; pledge less.";
    case "SafeERC20FailedOperation":
      return `The ${symbol} token refused the transfer without giving a reason; nothing was moved.`;
    case "ERC20InsufficientBalance":
      return `The wallet ${address(args[0])} has ${tokens(args[1])}; this needs ${tokens(args[2])}. Nothing was pledged.`;
    case "ERC20InsufficientAllowance":
      return (
        `The escrow may take only ${tokens(args[1])} from your wallet, but this pledge needs ${tokens(args[2])}: ` +
        `approve at least ${tokens(args[2])} first, or use the one-signature permit.`
      );
    case "ERC20InvalidSender":
    case "ERC20InvalidApprover":
      return `The ${symbol} token refused: ${address(args[0])} cannot send or approve tokens.`;
    case "ERC20InvalidReceiver":
    case "ERC20InvalidSpender":
      return `The ${symbol} token refused: ${address(args[0])} cannot receive or spend tokens.`;
    case "ERC2612ExpiredSignature":
      return `The signed permission expired on ${formatDeadline(BigInt(args[0] as bigint)).text}; sign a new one.`;
    case "ERC2612InvalidSigner":
      return (
        `The signed permission is from ${address(args[0])}, not from ${address(args[1])}, so the token refused it; ` +
        "sign again with the account you send from."
      );
    case "InvalidAccountNonce":
      return "The signed permission was already used; sign a new one.";
    case "EnforcedPause":
      return `The issuer of ${symbol} has paused all transfers; try again once they resume.`;
    case "InvalidToken":
    case "InvalidBeneficiary":
    case "InvalidGoal":
    case "InvalidMinPledge":
    case "DeadlineNotInFuture":
      return "The campaign's contract was given invalid settings, so it could not be created.";
    default:
      return undefined;
  }
}

/**
 * A node's "not enough ETH for gas" that ethers leaves as UNKNOWN_ERROR: Hardhat's wording (geth's
 * "insufficient funds" ethers recognises itself). Only matched, never shown.
 */
const NO_FUNDS = /insufficient funds|doesn't have enough funds/i;

/** Sentences for the EIP-1193 / JSON-RPC codes a wallet answers with. */
function explainRpcCode(code: number, context: ErrorContext): string | undefined {
  const wallet = context.walletName;
  switch (code) {
    case 4100:
      return `${wallet} has not allowed this page to use your account; connect again and allow it.`;
    case 4200:
      return `${wallet} does not support this request; try another wallet.`;
    case 4900:
      return `${wallet} is not connected to any network; reconnect it, then try again.`;
    case 4901:
      return `${wallet} is not connected to ${context.chainName}; switch to it, then try again.`;
    case 4902:
      return `${wallet} does not know ${context.chainName} yet; add the network, then try again.`;
    case -32002:
      return `${wallet} already has a request waiting: open ${wallet}, answer it, then try again.`;
    default:
      return undefined;
  }
}

/**
 * One plain sentence (or two) for a failed wallet, RPC or contract call: what happened and what
 * to do. Unknown errors get an honest generic sentence; their text is never repeated.
 */
export function explainError(error: unknown, context: ErrorContext): string {
  if (isUserRejection(error)) return "You declined in your wallet; nothing was sent.";

  const revert = findRevert(error);
  if (revert !== undefined && revert !== "unknown") {
    const sentence = explainRevert(revert, context);
    if (sentence !== undefined) return sentence;
  }
  if (revert !== undefined) {
    const mined = layers(error).some((layer) => isObject(layer["receipt"]));
    return mined
      ? "The transaction was mined but failed, so nothing changed in the campaign (the network fee was spent). Reload the page and check the amounts."
      : "The escrow or the token would refuse this transaction, for a reason this page cannot read; nothing was sent. Reload the page and check the amounts.";
  }

  if (
    layers(error).some(
      (layer) =>
        isError(layer, "INSUFFICIENT_FUNDS") ||
        (typeof layer["message"] === "string" && NO_FUNDS.test(layer["message"])),
    )
  ) {
    return `Your wallet does not have enough ${context.nativeSymbol} to pay the network fee; add some ${context.nativeSymbol} on ${context.chainName}, then try again.`;
  }

  const code = rpcErrorCode(error);
  const byCode = code === undefined ? undefined : explainRpcCode(code, context);
  if (byCode !== undefined) return byCode;

  if (
    layers(error).some(
      (layer) =>
        isError(layer, "NETWORK_ERROR") || isError(layer, "SERVER_ERROR") || isError(layer, "TIMEOUT"),
    )
  ) {
    return `The network (RPC) your wallet uses did not answer; check your connection or choose another RPC in ${context.walletName}, then try again.`;
  }
  if (isError(error, "TRANSACTION_REPLACED")) {
    return error.cancelled
      ? "The transaction was cancelled in your wallet (replaced by another one); nothing was pledged."
      : "Your wallet replaced the transaction with a different one; check its activity list, then reload this page.";
  }
  if (isError(error, "NONCE_EXPIRED")) {
    return `${context.walletName} reused a transaction number; wait for its pending transactions to finish, then try again.`;
  }
  if (isError(error, "REPLACEMENT_UNDERPRICED")) {
    return `${context.walletName} already has a pending transaction with this number; wait for it, or raise its fee in the wallet.`;
  }
  return `Something went wrong in ${context.walletName} or the network, and it gave no reason this page can show. Check your wallet's activity, then try again.`;
}
