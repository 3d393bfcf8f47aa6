/**
 * Which wallets the back page offers (site/lib/back/wallets.ts `decideDiscovery`): every
 * EIP-6963 announcement, else the injected `window.ethereum`, else "none" once discovery had
 * its grace period.
 */
import assert from "node:assert/strict";
import { describe, it } from "vitest";
import { decideDiscovery, type Eip1193Provider } from "../../site/lib/back/wallets.ts";

const provider = (name: string): Eip1193Provider => ({ request: () => Promise.resolve(name) });
const ICON = "data:image/svg+xml;base64,PHN2Zy8+";

describe("decideDiscovery", () => {
  it("offers every announced wallet, by name, with its icon", () => {
    const first = provider("a");
    const second = provider("b");
    const discovery = decideDiscovery(
      [
        { info: { uuid: "1", name: "MetaMask", icon: ICON }, provider: first },
        { info: { uuid: "2", name: "Rabby Wallet", icon: ICON }, provider: second },
      ],
      provider("injected"),
      false,
    );
    assert.deepEqual(discovery, {
      kind: "wallets",
      wallets: [
        { id: "1", name: "MetaMask", label: "Connect MetaMask", icon: ICON, provider: first },
        { id: "2", name: "Rabby Wallet", label: "Connect Rabby Wallet", icon: ICON, provider: second },
      ],
    });
  });

  it("drops an icon that is not a data: image", () => {
    const discovery = decideDiscovery(
      [{ info: { uuid: "1", name: "Odd", icon: "https://tracker.example/i.png" }, provider: provider("a") }],
      undefined,
      true,
    );
    assert.equal(discovery.kind === "wallets" && discovery.wallets[0].icon, undefined);
  });

  it("names a wallet that announced no name", () => {
    const discovery = decideDiscovery(
      [{ info: { uuid: "1", name: "  " }, provider: provider("a") }],
      undefined,
      true,
    );
    assert.equal(discovery.kind === "wallets" && discovery.wallets[0].label, "Connect Unnamed wallet");
  });

  it("falls back to window.ethereum when no wallet announced itself", () => {
    const injected = provider("injected");
    assert.deepEqual(decideDiscovery([], injected, false), {
      kind: "wallets",
      wallets: [
        { id: "injected", name: "your browser wallet", label: "Connect browser wallet", provider: injected },
      ],
    });
  });

  it("keeps searching during the grace period, then says there is none", () => {
    assert.deepEqual(decideDiscovery([], undefined, false), { kind: "searching" });
    assert.deepEqual(decideDiscovery([], undefined, true), { kind: "none" });
  });
});
