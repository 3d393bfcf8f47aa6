// @ts-check
/**
 * The peerpilot site: static pages built from the campaign manifest
 * ($PEERPILOT_MANIFEST, default ./campaign.json; see site/lib/manifest-file.ts).
 *
 * Pages are written as flat files (`index.html`, `verify.html`, …) and link to each other
 * with relative URLs (`./verify.html`), so the built site also works from an IPFS gateway
 * path (`/ipfs/<cid>/`) or straight from disk. Assets are relative too (see `relativeBuiltUrl`).
 */
import { defineConfig } from "astro/config";

// This project builds offline (no network exists on the build machines): never let Astro
// phone home with telemetry or look for a newer version of itself.
process.env.ASTRO_TELEMETRY_DISABLED ??= "1";
process.env.ASTRO_DISABLE_UPDATE_CHECK ??= "true";

/**
 * Where the built site refers to one of its own files (`_astro/…`), relative to whatever refers
 * to it, never from the domain root:
 * - pages: `build.assetsPrefix: "."` makes Astro write `./_astro/…` in `<script src>` and
 *   `<link href>` (every page is a flat file at the root, so `./` is the site's root);
 * - client JS and CSS: `{ relative: true }` makes Vite resolve chunks and `url()`s against the
 *   file itself (lazy chunks are plain relative `import()`s: see `plainDynamicImports`);
 * - the prerendering (server) build: an imported asset's URL ends up in a page, so `./_astro/…`.
 * Astro sets a `renderBuiltUrl` of its own for the assets prefix; this one replaces it.
 * @type {NonNullable<NonNullable<import("vite").UserConfig["experimental"]>["renderBuiltUrl"]>}
 */
const relativeBuiltUrl = (filename, { ssr }) => (ssr ? `./${filename}` : { relative: true });

/** The module Vite's build imports its preload helper from, in every chunk with a dynamic import(). */
const PRELOAD_HELPER = "\0vite/preload-helper.js";

/**
 * What the pages load before a click, in as few files as gzip likes (one file compresses better
 * than its parts, and each fetch costs): each page's scripts (site/components/Elements.astro, and
 * BackFlow.astro's on the back page) with their own copy of the elements' bootstrap and of the
 * preload helper below (see `plainDynamicImports`), then the live progress with everything it
 * needs: on the back page this chunk, next to the wallet list's; on the watch page its own copy
 * with the recent backers riding along (see `selfContainedChunks`, which also gives the verify
 * page's checks one chunk). Anything else is split as Rolldown sees fit.
 * @type {{ name: string; test: RegExp }[]}
 */
const PAGE_CHUNKS = [
  {
    name: "live",
    test: /site\/lib\/(progress-live|progress-view|chain-read|live-poll|poll-schedule|format|campaign-state)\.ts$/,
  },
];

/**
 * A one-line preload helper for the browser build. Vite wraps every dynamic `import()` in its
 * helper (0.9 KB gzip, fetched by every page before anything else), which preloads a lazy chunk's
 * own imports and CSS in parallel with it. These pages' lazy chunks import CSS never and other
 * chunks rarely, and each page must stay within a few KB of JavaScript: so the helper here just
 * runs the import, which the browser resolves against the importing chunk (it works under
 * /ipfs/<cid>/ too). `modulePreload: false` keeps Vite from listing the dependencies to preload;
 * it is set from a plugin because Astro writes `build.modulePreload` itself after reading
 * `vite.build`.
 * @returns {import("vite").Plugin}
 */
function plainDynamicImports() {
  /** @type {Map<string | undefined, number>} */
  const copies = new Map();
  return {
    name: "peerpilot:plain-dynamic-imports",
    enforce: "pre",
    configEnvironment(name, config) {
      if (name !== "client") return;
      const output = config.build?.rolldownOptions?.output;
      config.build = {
        ...config.build,
        modulePreload: false,
        rolldownOptions: {
          ...config.build?.rolldownOptions,
          output: { ...(Array.isArray(output) ? {} : output), codeSplitting: { groups: PAGE_CHUNKS } },
        },
      };
    },
    async resolveId(id, importer, options) {
      // A copy per importer of the helper and of the elements' bootstrap (site/lib/lazy-element.ts):
      // a few lines in each page's scripts rather than a chunk of their own to fetch first.
      const copy = () => {
        if (!copies.has(importer)) copies.set(importer, copies.size);
        return copies.get(importer);
      };
      if (id === PRELOAD_HELPER || id === PRELOAD_HELPER.slice(1)) return `${PRELOAD_HELPER}-${copy()}`;
      if (this.environment?.name !== "client" || !id.endsWith("/lazy-element.ts")) return undefined;
      const resolved = await this.resolve(id, importer, { ...options, skipSelf: true });
      return resolved ? { ...resolved, id: `${resolved.id}?copy=${copy()}` } : resolved;
    },
    load(id) {
      return id.startsWith(PRELOAD_HELPER) ? "export const __vitePreload = (load) => load();" : undefined;
    },
  };
}

/**
 * Lazy entries that get a chunk of their own with a copy of every module they need, shared with
 * no other chunk: each page loads one file, never a chunk and the pieces it shares with another
 * page (one file compresses better than its parts, and each fetch costs).
 * - The watch page's live code: the progress with the recent backers riding along
 *   (site/lib/recent-backers-live.ts), apart from the back page's `live` chunk (the progress
 *   alone, no feed code): about 500 B gzip less than the two.
 * - The verify page's checks (site/lib/verify-live.ts), ethers' pieces included, apart from the
 *   back page's connected chunk and `live`: the page script and this chunk are all it loads.
 * - The player (site/lib/player.ts), loaded on "Watch the pilot": the helpers it shares with the
 *   live code (format.ts) would otherwise land in `live` and make the player load the chain
 *   reader too.
 * @type {{ entry: RegExp; copy: string }[]}
 */
const SELF_CONTAINED = [
  { entry: /\/site\/lib\/recent-backers-live\.ts$/, copy: "?watch" },
  { entry: /\/site\/lib\/verify-live\.ts$/, copy: "?verify" },
  { entry: /\/site\/lib\/player\.ts$/, copy: "?player" },
];

/** A module file (ours or a package's) that a copy suffix can be put on. */
const COPYABLE = /\.(ts|m?js)$/;

/**
 * Gives each entry of `SELF_CONTAINED` its own copy of every module it imports, transitively,
 * packages included (`…/chain-read.ts?watch`, `…/ethers/lib.esm/abi/index.js?verify`): the copies
 * are other modules to Rolldown, so they share no chunk with the originals, and the `PAGE_CHUNKS`
 * tests (which end in `.ts$`) leave them alone.
 * @returns {import("vite").Plugin}
 */
function selfContainedChunks() {
  return {
    name: "peerpilot:self-contained-chunks",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (this.environment?.name !== "client" || importer === undefined || source.startsWith("\0"))
        return undefined;
      const copied = SELF_CONTAINED.find(
        ({ entry, copy }) => importer.endsWith(copy) || entry.test(importer),
      );
      if (copied === undefined) return undefined;
      const from = importer.endsWith(copied.copy) ? importer.slice(0, -copied.copy.length) : importer;
      const resolved = await this.resolve(source, from, { ...options, skipSelf: true });
      return resolved && !resolved.external && !resolved.id.startsWith("\0") && COPYABLE.test(resolved.id)
        ? { ...resolved, id: resolved.id + copied.copy }
        : resolved;
    },
  };
}

export default defineConfig({
  srcDir: "./site",
  publicDir: "./site/public",
  outDir: "./dist",
  output: "static",
  build: {
    format: "file",
    assetsPrefix: ".",
  },
  // Every page's Content-Security-Policy as a <meta>: Astro writes `script-src` and `style-src`
  // ('self' and a hash of each script and style it inlines); site/layouts/Base.astro adds the
  // campaign's other directives from the manifest (site/lib/csp.ts).
  security: {
    csp: true,
  },
  // No Markdown is rendered: Shiki's inline styles would need `style-src 'unsafe-inline'`.
  markdown: {
    syntaxHighlight: false,
  },
  vite: {
    experimental: { renderBuiltUrl: relativeBuiltUrl },
    plugins: [plainDynamicImports(), selfContainedChunks()],
  },
  server: {
    host: "127.0.0.1",
  },
  devToolbar: {
    enabled: false,
  },
});
