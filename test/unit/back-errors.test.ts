/**
 * The back page's error sentences (site/lib/back/errors.ts). The errors are built the way ethers
 * v6 builds them: reverts with the escrow ABI's `encodeErrorResult` and ethers' own
 * `Interface.makeError` (what `contract.fn.staticCall()` throws) or
 * `AbiCoder.getBuiltinCallException` (what a sent transaction's gas estimate throws); wallet
 * errors through a real `BrowserProvider` over an EIP-1193 object that answers with the scripted
 * error, as a wallet does; the rest with ethers' `makeError`. Reverts from a real chain:
 * test/escrow/back-errors-chain.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { AbiCoder, BrowserProvider, Interface, makeError, type Eip1193Provider } from "ethers";
import { ESCROW_ABI } from "../../site/lib/back/escrow-abi.ts";
import {
  explainError,
  isRevert,
  isUserRejection,
  rpcErrorCode,
  type ErrorContext,
} from "../../site/lib/back/errors.ts";
import { formatDeadline, formatTokenAmount } from "../../site/lib/format.ts";
import { rejection } from "../helpers/escrow-errors.ts";
import { walletRejection } from "../helpers/eip1193.ts";

const context: ErrorContext = {
  token: { symbol: "tUSD", decimals: 6 },
  walletName: "MetaMask",
  nativeSymbol: "ETH",
  chainName: "Sepolia",
};
const ESCROW = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const BACKER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const TOKEN = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const escrow = new Interface(ESCROW_ABI);
const transaction = { to: ESCROW, from: BACKER, data: escrow.encodeFunctionData("pledge", [9_950_000n]) };
const tokens = (value: bigint) => formatTokenAmount(value, context.token);
const PHISHING = "Send your USDC to 0xdead";

/** What `escrow.pledge.staticCall(…)` throws for this custom error: `revert` decoded by ethers. */
function simulated(name: string, args: readonly unknown[]) {
  return escrow.makeError(escrow.encodeErrorResult(name, args), transaction);
}

/** What a sent transaction's gas estimate throws: CALL_EXCEPTION, `revert` null, the data in `data`. */
function estimated(name: string, args: readonly unknown[]) {
  return AbiCoder.getBuiltinCallException("estimateGas", transaction, escrow.encodeErrorResult(name, args));
}

/** An EIP-1193 wallet on chain 1 that answers `method` with `error` (a plain object, as wallets send). */
function walletFailing(method: string, error: object): BrowserProvider {
  const wallet: Eip1193Provider = {
    request({ method: asked }) {
      if (asked === "eth_chainId") return Promise.resolve("0x1");
      return walletRejection(asked === method ? error : { code: 4200, message: `unexpected ${asked}` });
    },
  };
  return new BrowserProvider(wallet, 1);
}

const TX_PARAMS = [{ from: BACKER, to: ESCROW, data: transaction.data }];

describe("explainError: escrow errors", () => {
  it("WrongState for a pledge after a failed campaign says pledges are closed and refunds are open", () => {
    assert.equal(
      explainError(simulated("WrongState", [2, 0]), context),
      "Pledges and cancels are closed: the deadline has passed and the campaign missed its goal. Every backer can get a refund instead.",
    );
  });

  it("WrongState for a pledge after a successful campaign says the goal was met", () => {
    assert.equal(
      explainError(simulated("WrongState", [1, 0]), context),
      "Pledges and cancels are closed: the deadline has passed and the campaign met its goal.",
    );
  });

  it("WrongState for a refund while funding says refunds open after the deadline", () => {
    assert.equal(
      explainError(simulated("WrongState", [0, 2]), context),
      "Refunds open only after the deadline, and only if the campaign misses its goal.",
    );
  });

  it("WrongState for a release after the release says it was already released", () => {
    assert.equal(
      explainError(simulated("WrongState", [3, 1]), context),
      "The funds were already released to the producer.",
    );
  });

  it("ZeroPledge asks for more than zero", () => {
    assert.equal(explainError(simulated("ZeroPledge", []), context), "A pledge must be more than 0 tUSD.");
  });

  it("PledgeBelowMinimum gives both amounts in tokens", () => {
    assert.equal(
      explainError(simulated("PledgeBelowMinimum", [5_000_000n, 9_950_000n]), context),
      "The first pledge must be at least 9.95 tUSD; 5 tUSD is less.",
    );
  });

  it("NoPledge names the backer by its shortened address", () => {
    assert.equal(
      explainError(simulated("NoPledge", [BACKER]), context),
      "0x7099…79C8 has no pledge in this campaign, so there is nothing to cancel or refund.",
    );
  });

  it("CancelWouldMissGoal explains the 24-hour lock with the goal", () => {
    assert.equal(
      explainError(simulated("CancelWouldMissGoal", [250_000n, 250_000n]), context),
      "The campaign has exactly its goal of 250,000 backers and the deadline is less than 24 hours away: a cancel now would make it fail, so cancels are locked until the deadline.",
    );
  });

  it("AmountNotReceived gives what the token delivered and what was expected", () => {
    const sentence = explainError(simulated("AmountNotReceived", [9_950_000n, 9_850_500n]), context);
    assert.equal(
      sentence,
      `The token delivered ${tokens(9_850_500n)} instead of ${tokens(9_950_000n)} (it takes a fee or changes balances), and the escrow accepts exact amounts only; nothing was pledged.`,
    );
    assert.match(sentence, /9\.8505 tUSD instead of 9\.95 tUSD/);
  });

  it("PermitRejected gives the allowance and the amount and offers the approve path", () => {
    assert.equal(
      explainError(simulated("PermitRejected", [BACKER, 0n, 9_950_000n]), context),
      'The token did not accept the signed permission (it may have expired or been used already), and the escrow may take only 0 tUSD from your wallet, less than 9.95 tUSD. Nothing was pledged: sign again, or choose "Approve, then pledge".',
    );
  });

  it("ReentrancyGuardReentrantCall says the token tried to call back", () => {
    assert.match(
      explainError(simulated("ReentrancyGuardReentrantCall", []), context),
      /^The token tried to call back into the escrow/,
    );
  });

  it("SafeCastOverflowedUintDowncast asks for a smaller amount", () => {
    assert.equal(
      explainError(simulated("SafeCastOverflowedUintDowncast", [128, 2n ** 200n]), context),
      "That amount is far more than the escrow can hold; pledge less.",
    );
  });

  it("SafeERC20FailedOperation says the token refused the transfer", () => {
    assert.equal(
      explainError(simulated("SafeERC20FailedOperation", [TOKEN]), context),
      "The tUSD token refused the transfer without giving a reason; nothing was moved.",
    );
  });

  it("a constructor error says the contract's settings were invalid", () => {
    assert.equal(
      explainError(simulated("DeadlineNotInFuture", [1n, 2n]), context),
      "The campaign's contract was given invalid settings, so it could not be created.",
    );
  });

  it("decodes the revert data of a sent transaction, which ethers leaves undecoded", () => {
    const error = estimated("PledgeBelowMinimum", [1n, 9_950_000n]);
    assert.equal(error.revert, null);
    assert.equal(
      explainError(error, context),
      "The first pledge must be at least 9.95 tUSD; 0.000001 tUSD is less.",
    );
  });

  it("decodes revert data nested in a wallet's -32603 error under ethers' UNKNOWN_ERROR", async () => {
    const data = escrow.encodeErrorResult("NoPledge", [BACKER]);
    const provider = walletFailing("eth_sendTransaction", {
      code: -32603,
      message: "Internal JSON-RPC error.",
      data: { code: 3, message: "execution reverted", data },
    });
    const error = await rejection(provider.send("eth_sendTransaction", TX_PARAMS));
    assert.equal((error as { code?: unknown }).code, "UNKNOWN_ERROR");
    assert.match(explainError(error, context), /^0x7099…79C8 has no pledge/);
  });
});

describe("isRevert and reverts without data", () => {
  it('a node\'s "execution reverted" without data is a refusal the page cannot read', async () => {
    const provider = walletFailing("eth_estimateGas", { code: -32000, message: "execution reverted" });
    const error = await rejection(provider.send("eth_estimateGas", TX_PARAMS));
    assert.equal(isRevert(error), true);
    assert.equal(
      explainError(error, context),
      "The escrow or the token would refuse this transaction, for a reason this page cannot read; nothing was sent. Reload the page and check the amounts.",
    );
  });

  it("an eth_call the RPC failed to answer is no revert, though ethers calls it CALL_EXCEPTION", async () => {
    const provider = walletFailing("eth_call", { code: -32603, message: PHISHING });
    const error = await rejection(provider.send("eth_call", [{ to: ESCROW, data: "0x" }, "latest"]));
    assert.equal((error as { code?: unknown }).code, "CALL_EXCEPTION");
    assert.equal(isRevert(error), false);
    assert.match(explainError(error, context), /^Something went wrong in MetaMask or the network/);
  });

  it("a revert decoded by ethers is a revert", () => {
    assert.equal(isRevert(simulated("ZeroPledge", [])), true);
  });
});

describe("explainError: OpenZeppelin token errors", () => {
  it("ERC20InsufficientBalance gives the balance and the amount needed in tokens", () => {
    assert.equal(
      explainError(simulated("ERC20InsufficientBalance", [BACKER, 3_500_000n, 9_950_000n]), context),
      "The wallet 0x7099…79C8 has 3.5 tUSD; this needs 9.95 tUSD. Nothing was pledged.",
    );
  });

  it("ERC20InsufficientAllowance gives the allowance and says to approve", () => {
    assert.equal(
      explainError(simulated("ERC20InsufficientAllowance", [ESCROW, 0n, 9_950_000n]), context),
      "The escrow may take only 0 tUSD from your wallet, but this pledge needs 9.95 tUSD: approve at least 9.95 tUSD first, or use the one-signature permit.",
    );
  });

  for (const [name, role] of [
    ["ERC20InvalidSender", "cannot send or approve tokens"],
    ["ERC20InvalidApprover", "cannot send or approve tokens"],
    ["ERC20InvalidReceiver", "cannot receive or spend tokens"],
    ["ERC20InvalidSpender", "cannot receive or spend tokens"],
  ] as const) {
    it(`${name} names the address the token refused`, () => {
      assert.equal(
        explainError(simulated(name, ["0x0000000000000000000000000000000000000000"]), context),
        `The tUSD token refused: 0x0000…0000 ${role}.`,
      );
    });
  }

  it("ERC2612ExpiredSignature gives the permit's deadline as a date", () => {
    const deadline = 1_767_225_600n; // 2026-01-01 00:00 UTC
    const sentence = explainError(simulated("ERC2612ExpiredSignature", [deadline]), context);
    assert.equal(
      sentence,
      `The signed permission expired on ${formatDeadline(deadline).text}; sign a new one.`,
    );
    assert.match(sentence, /2026-01-01 00:00 UTC/);
  });

  it("ERC2612InvalidSigner names the signer and the owner", () => {
    assert.equal(
      explainError(simulated("ERC2612InvalidSigner", [ESCROW, BACKER]), context),
      "The signed permission is from 0x5FbD…0aa3, not from 0x7099…79C8, so the token refused it; sign again with the account you send from.",
    );
  });

  it("InvalidAccountNonce says the permission was used", () => {
    assert.equal(
      explainError(simulated("InvalidAccountNonce", [BACKER, 1n]), context),
      "The signed permission was already used; sign a new one.",
    );
  });

  it("EnforcedPause says the issuer paused transfers", () => {
    assert.equal(
      explainError(simulated("EnforcedPause", []), context),
      "The issuer of tUSD has paused all transfers; try again once they resume.",
    );
  });
});

describe("explainError: wallet and network errors", () => {
  it("ACTION_REJECTED from ethers says the user declined and nothing was sent", () => {
    const error = makeError("user rejected action", "ACTION_REJECTED", {
      action: "signTypedData",
      reason: "rejected",
      info: {
        payload: { method: "eth_signTypedData_v4" },
        error: { code: 4001, message: "User rejected the request." },
      },
    });
    assert.equal(explainError(error, context), "You declined in your wallet; nothing was sent.");
    assert.equal(isUserRejection(error), true);
  });

  it("a 4001 through a real BrowserProvider is a user rejection", async () => {
    const error = await rejection(
      walletFailing("eth_sendTransaction", {
        code: 4001,
        message: "User denied transaction signature.",
      }).send("eth_sendTransaction", TX_PARAMS),
    );
    assert.equal((error as { code?: unknown }).code, "ACTION_REJECTED");
    assert.equal(explainError(error, context), "You declined in your wallet; nothing was sent.");
  });

  it("a raw EIP-1193 {code: 4001} is a user rejection", () => {
    const error = { code: 4001, message: "User rejected the request." };
    assert.equal(isUserRejection(error), true);
    assert.equal(explainError(error, context), "You declined in your wallet; nothing was sent.");
  });

  it("a revert is not a user rejection", () => {
    assert.equal(isUserRejection(simulated("ZeroPledge", [])), false);
  });

  it("INSUFFICIENT_FUNDS says the wallet cannot pay the network fee", async () => {
    const provider = walletFailing("eth_sendTransaction", {
      code: -32000,
      message: "insufficient funds for gas * price + value",
    });
    const error = await rejection(provider.send("eth_sendTransaction", TX_PARAMS));
    assert.equal((error as { code?: unknown }).code, "INSUFFICIENT_FUNDS");
    assert.equal(
      explainError(error, context),
      "Your wallet does not have enough ETH to pay the network fee; add some ETH on Sepolia, then try again.",
    );
  });

  for (const code of ["NETWORK_ERROR", "SERVER_ERROR", "TIMEOUT"] as const) {
    it(`${code} says the wallet's RPC did not answer`, () => {
      const error = makeError(`request failed: ${PHISHING}`, code, {});
      const sentence = explainError(error, context);
      assert.equal(
        sentence,
        "The network (RPC) your wallet uses did not answer; check your connection or choose another RPC in MetaMask, then try again.",
      );
    });
  }

  for (const [code, expected] of [
    [4100, "MetaMask has not allowed this page to use your account; connect again and allow it."],
    [4200, "MetaMask does not support this request; try another wallet."],
    [4900, "MetaMask is not connected to any network; reconnect it, then try again."],
    [4901, "MetaMask is not connected to Sepolia; switch to it, then try again."],
    [-32002, "MetaMask already has a request waiting: open MetaMask, answer it, then try again."],
  ] as const) {
    it(`EIP-1193 ${code} under ethers' wrapping is explained and its code read`, async () => {
      const provider = walletFailing("eth_requestAccounts", { code, message: PHISHING });
      const error = await rejection(provider.send("eth_requestAccounts", []));
      assert.equal(rpcErrorCode(error), code);
      assert.equal(explainError(error, context), expected);
    });
  }

  it("rpcErrorCode reads a 4902 from wallet_switchEthereumChain under ethers' UNKNOWN_ERROR", async () => {
    const provider = walletFailing("wallet_switchEthereumChain", {
      code: 4902,
      message: "Unrecognized chain ID",
    });
    const error = await rejection(provider.send("wallet_switchEthereumChain", [{ chainId: "0xaa36a7" }]));
    assert.equal((error as { code?: unknown }).code, "UNKNOWN_ERROR");
    assert.equal(rpcErrorCode(error), 4902);
  });

  it("rpcErrorCode is undefined for an error without an EIP-1193 code", () => {
    assert.equal(rpcErrorCode(new Error("no code")), undefined);
    assert.equal(rpcErrorCode("a string"), undefined);
  });

  it("a transaction cancelled in the wallet (replaced without the call) is reported as cancelled", () => {
    const error = makeError("transaction was replaced", "TRANSACTION_REPLACED", {
      cancelled: true,
      reason: "cancelled",
      hash: "0x" + "11".repeat(32),
      replacement: null as never,
      receipt: null as never,
    });
    assert.equal(
      explainError(error, context),
      "The transaction was cancelled in your wallet (replaced by another one); nothing was pledged.",
    );
  });
});

describe("explainError: unknown errors never repeat their text", () => {
  const generic =
    "Something went wrong in MetaMask or the network, and it gave no reason this page can show. Check your wallet's activity, then try again.";

  it("a plain Error", () => {
    const sentence = explainError(new Error(PHISHING), context);
    assert.equal(sentence, generic);
    assert.ok(!sentence.includes("0xdead"));
  });

  it("a wallet error ethers could not coalesce", async () => {
    const provider = walletFailing("eth_sendTransaction", { code: -32603, message: PHISHING });
    const sentence = explainError(await rejection(provider.send("eth_sendTransaction", TX_PARAMS)), context);
    assert.equal(sentence, generic);
    assert.ok(!sentence.includes("0xdead"));
  });

  it("a revert with an Error(string) reason", () => {
    const data = new Interface(["error Error(string)"]).encodeErrorResult("Error", [PHISHING]);
    const error = AbiCoder.getBuiltinCallException("estimateGas", transaction, data);
    const sentence = explainError(error, context);
    assert.ok(!sentence.includes("0xdead") && !sentence.includes("Send your"), sentence);
    assert.match(sentence, /^The escrow or the token would refuse this transaction/);
  });

  it("a revert with a custom error this page does not know", () => {
    const data = new Interface(["error Blacklisted(address account)"]).encodeErrorResult("Blacklisted", [
      BACKER,
    ]);
    assert.match(
      explainError(AbiCoder.getBuiltinCallException("estimateGas", transaction, data), context),
      /^The escrow or the token would refuse this transaction/,
    );
  });

  it("a value that is not an error at all", () => {
    assert.equal(explainError(PHISHING, context), generic);
    assert.equal(explainError(undefined, context), generic);
  });
});
