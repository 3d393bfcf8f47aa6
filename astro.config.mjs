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
 * with the recent backers riding along (see `watchChunk`). Anything else is split as Rolldown
 * sees fit.
 * @type {{ name: string; test: RegExp }[]}
 */
const PAGE_CHUNKS = [
  { name: "live", test: /site\/lib\/(progress-live|progress-view|chain-read|live-poll|poll-schedule|format|campaign-state)\.ts$/ },
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

/** The watch page's live code: the progress with the recent backers riding along. */
const WATCH_ENTRY = /\/site\/lib\/recent-backers-live\.ts$/;
const WATCH_COPY = "?watch";

/**
 * One chunk for the watch page's live code, and one for the back page's (the progress alone, no
 * feed code): the watch entry (site/lib/recent-backers-live.ts) imports its own copy of every
 * module it needs (`…/chain-read.ts?watch`), so it shares no chunk with progress-live.ts. Each
 * page loads one of the two, never both: one file compresses better than two (about 500 B gzip
 * here) and costs one fetch.
 * @returns {import("vite").Plugin}
 */
function watchChunk() {
  return {
    name: "peerpilot:watch-chunk",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (this.environment?.name !== "client" || importer === undefined || !source.startsWith(".")) return undefined;
      const from = importer.endsWith(WATCH_COPY) ? importer.slice(0, -WATCH_COPY.length) : importer;
      if (from === importer && !WATCH_ENTRY.test(importer)) return undefined;
      const resolved = await this.resolve(source, from, { ...options, skipSelf: true });
      return resolved && !resolved.external && resolved.id.endsWith(".ts") ? { ...resolved, id: resolved.id + WATCH_COPY } : resolved;
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
    plugins: [plainDynamicImports(), watchChunk()],
  },
  server: {
    host: "127.0.0.1",
  },
  devToolbar: {
    enabled: false,
  },
});
