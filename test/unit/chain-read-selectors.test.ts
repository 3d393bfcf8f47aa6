import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { Interface, type FunctionFragment } from "ethers";
import artifact from "../../artifacts/contracts/CampaignEscrow.sol/CampaignEscrow.json" with { type: "json" };
import { SELECTORS } from "../../site/lib/chain-read.ts";

const abi = new Interface(artifact.abi);

function abiFunction(name: string): FunctionFragment {
  const fn = abi.getFunction(name);
  assert.ok(fn, `CampaignEscrow has no function ${name}`);
  return fn;
}

describe("chain-read selectors", () => {
  for (const [name, selector] of Object.entries(SELECTORS)) {
    it(`${name}() equals the compiled CampaignEscrow ABI's selector`, () => {
      assert.equal(selector, abiFunction(name).selector);
    });

    it(`${name}() is a view without arguments returning one uint`, () => {
      const fn = abiFunction(name);
      assert.equal(fn.stateMutability, "view");
      assert.equal(fn.inputs.length, 0);
      assert.equal(fn.outputs.length, 1);
      assert.match(fn.outputs[0].type, /^uint(8|256)$/);
    });
  }
});
