/**
 * The back page's hand-written ABIs (site/lib/back/escrow-abi.ts) against the compiled ones: a
 * fragment that differs in a type, a name, `indexed` or mutability from the contract would
 * encode the wrong call or decode nothing.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "vitest";
import { Fragment, Interface, type JsonFragment } from "ethers";
import escrowArtifact from "../../artifacts/contracts/CampaignEscrow.sol/CampaignEscrow.json" with { type: "json" };
import stablecoinArtifact from "../../artifacts/contracts/test/TestStablecoin.sol/TestStablecoin.json" with { type: "json" };
import pausableArtifact from "../../node_modules/@openzeppelin/contracts/build/contracts/ERC20Pausable.json" with { type: "json" };
import {
  CampaignState,
  ESCROW_ABI,
  ESCROW_ERRORS,
  TOKEN_ABI,
  TOKEN_ERRORS,
} from "../../site/lib/back/escrow-abi.ts";

/** Every fragment of the compiled ABIs, by its full human-readable form (names, indexed, outputs). */
function fullForms(...abis: readonly (readonly JsonFragment[])[]): Set<string> {
  return new Set(
    abis.flatMap((abi) => new Interface(abi).fragments.map((fragment) => fragment.format("full"))),
  );
}

/** The members of the enum `canonicalName` (`Contract.Enum`) in the compiler's AST of the escrow. */
async function compiledEnumMembers(canonicalName: string): Promise<string[]> {
  const path = `artifacts/build-info/${escrowArtifact.buildInfoId}.output.json`;
  const { output } = JSON.parse(await readFile(path, "utf8")) as {
    output: { sources: Record<string, { ast: unknown } | undefined> };
  };
  const found: string[][] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    const ast = node as { nodeType?: string; canonicalName?: string; members?: { name: string }[] };
    if (ast.nodeType === "EnumDefinition" && ast.canonicalName === canonicalName)
      found.push((ast.members ?? []).map((member) => member.name));
    for (const child of Object.values(node)) visit(child);
  };
  visit(output.sources["project/contracts/CampaignEscrow.sol"]?.ast);
  const [members, ...others] = found;
  assert.ok(members !== undefined && others.length === 0, `one enum ${canonicalName} in the escrow's build`);
  return members;
}

const compiledEscrow = fullForms(escrowArtifact.abi);
// OpenZeppelin's ERC20 + ERC20Permit as compiled here, and its ERC20Pausable as shipped by the package.
const compiledToken = fullForms(stablecoinArtifact.abi, pausableArtifact.abi);

/** USDC's FiatToken `version()`, which OpenZeppelin's ERC20Permit does not have. */
const NOT_IN_OPENZEPPELIN = new Set(["function version() view returns (string)"]);

describe("back page ABIs", () => {
  for (const text of ESCROW_ABI) {
    const fragment = Fragment.from(text);
    const inTokenErrors = (TOKEN_ERRORS as readonly string[]).includes(text);
    it(`escrow fragment "${text}" is in the compiled ${inTokenErrors ? "token" : "CampaignEscrow"} ABI`, () => {
      assert.ok(
        (inTokenErrors ? compiledToken : compiledEscrow).has(fragment.format("full")),
        fragment.format("full"),
      );
    });
  }

  for (const text of TOKEN_ABI.filter((text) => !NOT_IN_OPENZEPPELIN.has(text))) {
    const fragment = Fragment.from(text);
    const compiled =
      text === "error SafeERC20FailedOperation(address token)" ? compiledEscrow : compiledToken;
    it(`token fragment "${text}" is in the compiled OpenZeppelin token ABI`, () => {
      assert.ok(compiled.has(fragment.format("full")), fragment.format("full"));
    });
  }

  it("USDC's version() is a view without arguments returning a string", () => {
    const fn = new Interface(TOKEN_ABI).getFunction("version");
    assert.ok(fn);
    assert.equal(fn.selector, "0x54fd4d50");
    assert.equal(fn.format("full"), "function version() view returns (string)");
  });

  it("lists every error of the compiled CampaignEscrow", () => {
    const ours = new Set(ESCROW_ERRORS.map((text) => Fragment.from(text).format("full")));
    const missing = [...compiledEscrow].filter((form) => form.startsWith("error ") && !ours.has(form));
    assert.deepEqual(missing, []);
  });

  it("lists every function and event of the compiled CampaignEscrow", () => {
    const ours = new Set(ESCROW_ABI.map((text) => Fragment.from(text).format("full")));
    const missing = [...compiledEscrow].filter((form) => /^(function|event) /.test(form) && !ours.has(form));
    assert.deepEqual(missing, []);
  });

  it("decodes every OpenZeppelin token error of the compiled TestStablecoin on the escrow too", () => {
    const escrow = new Interface(ESCROW_ABI);
    const tokenErrors = new Interface(stablecoinArtifact.abi as JsonFragment[]).fragments.filter(
      (fragment) =>
        fragment.type === "error" && /^ERC20|^ERC2612|^InvalidAccountNonce/.test(fragment.format("sighash")),
    );
    assert.ok(tokenErrors.length >= 8);
    for (const fragment of tokenErrors)
      assert.ok(escrow.getError(fragment.format("sighash")), fragment.format("sighash"));
  });

  it("CampaignState names the compiled enum's members, in its order", async () => {
    const members = await compiledEnumMembers("CampaignEscrow.State");
    assert.deepEqual(
      Object.entries(CampaignState),
      members.map((name, index) => [name, index]),
    );
    const wrongState = escrowArtifact.abi.find((item) => item.type === "error" && item.name === "WrongState");
    assert.equal(wrongState?.inputs?.[0]?.internalType, "enum CampaignEscrow.State");
  });
});
