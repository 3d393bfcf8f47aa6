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
 * - client JS and CSS: `{ relative: true }` makes Vite resolve chunks, preloads (its preload
 *   helper then uses `new URL(dep, import.meta.url)`) and `url()`s against the file itself;
 * - the prerendering (server) build: an imported asset's URL ends up in a page, so `./_astro/…`.
 * Astro sets a `renderBuiltUrl` of its own for the assets prefix; this one replaces it.
 * @type {NonNullable<NonNullable<import("vite").UserConfig["experimental"]>["renderBuiltUrl"]>}
 */
const relativeBuiltUrl = (filename, { ssr }) => (ssr ? `./${filename}` : { relative: true });

export default defineConfig({
  srcDir: "./site",
  publicDir: "./site/public",
  outDir: "./dist",
  output: "static",
  build: {
    format: "file",
    assetsPrefix: ".",
  },
  vite: {
    experimental: { renderBuiltUrl: relativeBuiltUrl },
  },
  server: {
    host: "127.0.0.1",
  },
  devToolbar: {
    enabled: false,
  },
});
