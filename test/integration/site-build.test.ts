/**
 * Builds the site from the fixture manifest (scripts/lib/build-site.ts, into a temporary
 * folder) and checks the landing page: the manifest's facts are in it, its links and assets
 * are relative (it works under an IPFS gateway's `/ipfs/<cid>/`), and the chain reader ships as
 * a separate chunk behind a dynamic import().
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix, resolve } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { isDeepStrictEqual } from "node:util";
import { gzipSync } from "node:zlib";
import fixture from "../fixtures/campaign.json" with { type: "json" };
import { buildSite } from "../../scripts/lib/build-site.ts";
import { TOPICS } from "../../site/lib/chain-logs.ts";
import { parseProgressConfig } from "../../site/lib/progress-view.ts";
import { parseRecentBackersConfig } from "../../site/lib/recent-backers.ts";

const ROOT = resolve(import.meta.dirname, "../..");

/**
 * What gives a library away in built JS, even tree-shaken and minified: the fields and codes of
 * its error class (ethers' and viem's errors carry `shortMessage`; ethers' messages end in
 * `version=…`), viem's `viem@<version>` and zod's `ZodError`.
 */
const LIBRARY_MARKERS = [
  {
    library: "ethers",
    pattern: /\bshortMessage\b|version=\$\{|\b(ACTION_REJECTED|CALL_EXCEPTION|INVALID_ARGUMENT)\b/,
  },
  { library: "viem", pattern: /viem@/ },
  { library: "zod", pattern: /\bZodError\b/ },
] as const;

/**
 * Wallet code: the JSON-RPC methods only a page that asks a wallet for something sends, and EIP-6963's
 * discovery event.
 */
const WALLET_MARKERS =
  /\b(eth_requestAccounts|eth_accounts|eth_sendTransaction|eth_signTypedData(_v4)?|personal_sign|wallet_switchEthereumChain|wallet_addEthereumChain)\b|eip6963:/;

/** The names of the libraries and the wallet code `code` holds. */
function libraryFindings(code: string): string[] {
  const found: string[] = LIBRARY_MARKERS.filter(({ pattern }) => pattern.test(code)).map(
    ({ library }) => library,
  );
  if (WALLET_MARKERS.test(code)) found.push("wallet code");
  return found;
}

/** The contents of the inline `<script>` elements of `html`. */
function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
}

/** Every value of `attribute` in `html`. */
function attributeValues(html: string, attribute: string): string[] {
  return [...html.matchAll(new RegExp(`\\s${attribute}="([^"]*)"`, "g"))].map((match) => match[1]);
}

/** Static and dynamic import specifiers in a built chunk. */
function importSpecifiers(code: string): { static: string[]; dynamic: string[] } {
  return {
    static: [...code.matchAll(/\bimport\s*(?:[\w${},\s*]+from\s*)?["'`]([^"'`]+)["'`]/g)].map((m) => m[1]),
    dynamic: [...code.matchAll(/\bimport\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]),
  };
}

describe("site build from the fixture manifest", () => {
  let outDir: string;
  let html: string;
  /** The built pages by file name (`index.html`, `back.html`). */
  const pages = new Map<string, string>();
  /** verify.html, whose checks load apart from the live parts (no Elements.astro script). */
  let verifyPage: string;
  /** Built JS files by path relative to outDir. */
  const js = new Map<string, string>();

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), "peerpilot-site-"));
    await buildSite(join(ROOT, "test/fixtures/campaign.json"), outDir);
    html = await readFile(join(outDir, "index.html"), "utf8");
    for (const page of ["index.html", "back.html"])
      pages.set(page, await readFile(join(outDir, page), "utf8"));
    verifyPage = await readFile(join(outDir, "verify.html"), "utf8");
    for (const entry of await readdir(outDir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith(".js")) {
        const path = posix.join(
          ...join(entry.parentPath, entry.name)
            .slice(outDir.length + 1)
            .split(/[\\/]/),
        );
        js.set(path, await readFile(join(outDir, path), "utf8"));
      }
    }
  });

  afterAll(async () => {
    if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
  });

  it("writes the landing page as index.html (build.format file)", () => {
    assert.match(html, /^<!DOCTYPE html>/i);
  });

  it("shows the escrow address from the manifest", () => {
    assert.ok(html.includes(fixture.escrow.address));
  });

  it("shows the goal and the minimum pledge formatted", () => {
    assert.ok(html.includes("250,000 backers"));
    assert.ok(html.includes("9.95 tUSD"));
  });

  it("shows the deadline as a <time> element with an ISO datetime", () => {
    assert.match(html, /<time datetime="2027-04-30T16:00:00Z"[^>]*>2027-04-30 16:00 UTC<\/time>/);
  });

  it("has a main landmark, a skip link to it, and a polite live region", () => {
    assert.match(html, /<main id="main"/);
    assert.match(html, /<a class="skip-link" href="#main">/);
    assert.match(html, /aria-live="polite"/);
  });

  it("gives the live parts the manifest's facts as the JSON their code reads (checked here, not again in the browser)", () => {
    const configs = attributeValues(html, "data-config").map(
      (value) => JSON.parse(value.replaceAll("&quot;", '"').replaceAll("&amp;", "&")) as unknown,
    );
    const { chain, escrow } = fixture;
    assert.ok(
      configs.some(
        (c) =>
          isDeepStrictEqual(c, parseProgressConfig(JSON.stringify(c))) &&
          isDeepStrictEqual(c, {
            rpcUrls: chain.rpcUrls,
            chainId: chain.id,
            escrow: escrow.address,
            goalBackers: escrow.goalBackers,
            deadline: escrow.deadline,
            token: { symbol: escrow.token.symbol, decimals: escrow.token.decimals },
          }),
      ),
      "the progress's config",
    );
    assert.ok(
      configs.some((c) =>
        isDeepStrictEqual(parseRecentBackersConfig(JSON.stringify(c)), { deployBlock: escrow.deployBlock }),
      ),
      "the recent backers' config",
    );
  });

  it("starts the live figures at 'loading…' rather than at numbers it does not have", () => {
    for (const name of ["backers", "total", "time-left"])
      assert.match(html, new RegExp(`data-field="${name}"[^>]*>loading…<`));
  });

  it("links to pages and assets only with relative URLs, never a leading /", () => {
    const urls = [...attributeValues(html, "href"), ...attributeValues(html, "src")];
    assert.ok(
      urls.some((url) => url.startsWith("./_astro/")),
      "the page's script is linked as ./_astro/…",
    );
    assert.deepEqual(
      urls.filter((url) => url.startsWith("/")),
      [],
    );
  });

  it("never names _astro/ from a script: chunks import and preload each other relative to themselves", () => {
    assert.ok(js.size > 0);
    for (const [path, code] of js) assert.ok(!code.includes("/_astro/"), `${path} names /_astro/`);
  });

  /**
   * The built chunks `page` can load: its module scripts, and everything they import, statically
   * or with a dynamic import(), transitively; a dynamic import of a module in `stopAt` (a chunk
   * loaded only on a click) is not followed.
   */
  function reachableChunks(page: string, stopAt: RegExp = /$^/): string[] {
    const seen = new Set<string>();
    const visit = (path: string, via: "static" | "dynamic"): void => {
      if (seen.has(path) || (via === "dynamic" && stopAt.test(path))) return;
      seen.add(path);
      const code = js.get(path);
      assert.ok(code !== undefined, `${path} (imported by a chunk of ${page}) was built`);
      const imports = importSpecifiers(code);
      for (const specifier of imports.static) visit(posix.join(posix.dirname(path), specifier), "static");
      for (const specifier of imports.dynamic) visit(posix.join(posix.dirname(path), specifier), "dynamic");
    };
    const entries = attributeValues(pages.get(page) ?? "", "src").filter((src) => src.endsWith(".js"));
    assert.ok(entries.length > 0, `${page} has module scripts`);
    for (const src of entries) visit(src.replace(/^\.?\//, ""), "static");
    return [...seen];
  }

  /** The library and wallet findings in `chunks` and in the inline scripts of `page`. */
  function findingsOf(page: string, chunks: readonly string[]): string[] {
    const scripts = [
      ...chunks.map((path) => [path, js.get(path)!] as const),
      ...inlineScripts(pages.get(page) ?? "").map((code, i) => [`inline script #${i + 1}`, code] as const),
    ];
    return scripts.flatMap(([where, code]) =>
      libraryFindings(code).map((found) => `${where} holds ${found}`),
    );
  }

  it("ships no ethers, viem, zod or wallet code with the watch page: in no chunk it can load, in no inline script", () => {
    // Its scripts, their lazy chunks (the chain reader, the recent backers, the player and
    // WebTorrent) and everything those import: all the watch page could ever run.
    const chunks = reachableChunks("index.html");
    assert.ok(chunks.length > 1, "the page's scripts and their lazy chunks");
    assert.deepEqual(findingsOf("index.html", chunks), []);
  });

  it("ships no ethers, viem or zod with the back page before Connect: only the chunks behind the Connect button's import hold them", () => {
    // back-connected (the flows) and errors (the sentence for a failed Connect) load on Connect.
    const connected = /(^|\/)(back-connected|errors)\.[\w-]+\.js$/;
    const beforeConnect = reachableChunks("back.html", connected);
    assert.ok(
      beforeConnect.some((path) => /(^|\/)back-element\.[\w-]+\.js$/.test(path)),
      "the wallet list's chunk loads with the page",
    );
    // EIP-6963 discovery (`eip6963:`) is all the page does with wallets before a click.
    const findings = findingsOf("back.html", beforeConnect).filter(
      (finding) => !finding.endsWith(" holds wallet code"),
    );
    assert.deepEqual(findings, []);
    const all = reachableChunks("back.html");
    assert.ok(
      all.some((path) => connected.test(path)),
      "back-connected is a chunk the page imports on Connect",
    );
    assert.ok(
      findingsOf("back.html", all).some((finding) => finding.endsWith(" holds ethers")),
      "ethers does load on Connect",
    );
  });

  it("would notice ethers and wallet code: the markers above find them in ethers' own browser bundle", async () => {
    const ethersBundle = await readFile(join(ROOT, "node_modules/ethers/dist/ethers.min.js"), "utf8");
    assert.deepEqual(libraryFindings(ethersBundle), ["ethers", "wallet code"]);
  });

  it("loads the chain reader as a separate chunk through a dynamic import, not inlined", () => {
    // The live parts' script (site/components/Elements.astro) on every page, and the wallet
    // part's on the back page: each tiny, each element's code a chunk imported once the element
    // is on the page.
    const SELECTOR = "0xc19d93fb"; // state(): only the chain reader knows it
    /** A chunk and every chunk it imports statically. */
    const withStaticImports = (path: string): string[] => {
      const code = js.get(path) ?? "";
      return [
        code,
        ...importSpecifiers(code).static.flatMap((specifier) =>
          withStaticImports(posix.join(posix.dirname(path), specifier)),
        ),
      ];
    };
    const chunkName = (path: string) => posix.basename(path).replace(/\.[\w-]+\.js$/, "");
    for (const [page, pageHtml] of pages) {
      assert.ok(!pageHtml.includes(SELECTOR), `no inline script of ${page} contains the chain reader`);
      const entries = attributeValues(pageHtml, "src").filter((src) => src.endsWith(".js"));
      assert.ok(entries.length >= 1, `${page} has its module scripts`);
      const readers = new Set<string>();
      for (const src of entries) {
        const entryPath = src.replace(/^\.?\//, "");
        const entry = js.get(entryPath);
        assert.ok(entry !== undefined, `${entryPath} was built`);
        assert.ok(
          !entry.includes(SELECTOR),
          `the entry script ${entryPath} does not contain the chain reader`,
        );
        const { static: staticImports, dynamic } = importSpecifiers(entry);
        // The only eager import allowed is the elements' bootstrap (site/lib/lazy-element.ts and the preload
        // helper).
        for (const specifier of staticImports) {
          assert.match(
            specifier,
            /^\.\/boot\.[\w-]+\.js$/,
            "an entry script imports nothing eagerly but the elements' bootstrap",
          );
          assert.ok(
            !(js.get(posix.join(posix.dirname(entryPath), specifier)) ?? "").includes(SELECTOR),
            "the bootstrap does not contain the chain reader",
          );
        }
        assert.ok(dynamic.length >= 1, `${entryPath} loads its elements' chunks`);
        for (const specifier of dynamic) {
          assert.match(
            specifier,
            /^\.\//,
            "a chunk is imported relative to the entry (works under /ipfs/<cid>/)",
          );
          const chunkPath = posix.join(posix.dirname(entryPath), specifier);
          if (withStaticImports(chunkPath).some((code) => code.includes(SELECTOR)))
            readers.add(chunkName(chunkPath));
        }
        const size = (code: string) => `${code.length} B, ${gzipSync(code, { level: 9 }).length} B gzip`;
        console.info(
          `${page}: entry ${entryPath}: ${size(entry)}; ${dynamic.map((specifier) => `${specifier}: ${size(js.get(posix.join(posix.dirname(entryPath), specifier)) ?? "")}`).join("; ")}`,
        );
      }
      // The progress (alone, or with the recent backers riding along) reads the chain; the wallet part and
      // the player do not.
      assert.deepEqual(
        [...readers].sort(),
        ["live", "recent-backers-live"],
        `${page}'s chunks that bring the chain reader`,
      );
    }
  });

  it("gives the watch page one self-contained chunk reading the progress and the recent backers, and the back page one without the feed", () => {
    const chunk = (name: string) => {
      const found = [...js].filter(([path]) => new RegExp(`(^|/)${name}\\.[\\w-]+\\.js$`).test(path));
      assert.equal(found.length, 1, `one ${name} chunk`);
      return found[0][1];
    };
    const watch = chunk("recent-backers-live");
    assert.ok(
      watch.includes("0xc19d93fb") && watch.includes(TOPICS.Pledged),
      "the watch chunk reads the figures and the Pledged logs",
    );
    assert.deepEqual(
      importSpecifiers(watch),
      { static: [], dynamic: [] },
      "the watch chunk imports no other chunk",
    );
    assert.ok(
      !chunk("live").includes(TOPICS.Pledged) && !chunk("live").includes("eth_getLogs"),
      "the progress alone reads no logs",
    );
    // Which one `<pp-progress>` loads depends on the list being on the page.
    assert.match(pages.get("index.html") ?? "", /data-recent-backers/);
    assert.doesNotMatch(pages.get("back.html") ?? "", /data-recent-backers/);
  });

  it("gives the verify page one self-contained chunk for its checks: the page script imports it, and it imports nothing", () => {
    const entries = attributeValues(verifyPage, "src").filter((src) => src.endsWith(".js"));
    assert.equal(entries.length, 1, "one module script");
    const entryPath = entries[0].replace(/^\.?\//, "");
    const entry = js.get(entryPath);
    assert.ok(entry !== undefined, `${entryPath} was built`);
    const { static: staticImports, dynamic } = importSpecifiers(entry);
    assert.deepEqual(staticImports, [], "the page script imports nothing eagerly");
    assert.equal(dynamic.length, 1, "the page script loads one chunk");
    const checks = js.get(posix.join(posix.dirname(entryPath), dynamic[0]));
    assert.ok(
      checks !== undefined &&
        /(^|\/)verify-live\.[\w-]+\.js$/.test(posix.join(posix.dirname(entryPath), dynamic[0])),
      "the chunk is verify-live's",
    );
    assert.deepEqual(
      importSpecifiers(checks),
      { static: [], dynamic: [] },
      "the checks' chunk imports no other chunk",
    );
    assert.ok(libraryFindings(checks).includes("ethers"), "ethers' pieces ride in it");
  });
});
