// @ts-check
/**
 * The peerpilot site: static pages built from the campaign manifest
 * ($PEERPILOT_MANIFEST, default ./campaign.json; see site/lib/manifest-file.ts).
 *
 * Pages are written as flat files (`index.html`, `verify.html`, …) and link to each other
 * with relative URLs (`./verify.html`), so the built site also works from an IPFS gateway
 * path (`/ipfs/<cid>/`) or straight from disk.
 */
import { defineConfig } from "astro/config";

// This project builds offline (no network exists on the build machines): never let Astro
// phone home with telemetry or look for a newer version of itself.
process.env.ASTRO_TELEMETRY_DISABLED ??= "1";
process.env.ASTRO_DISABLE_UPDATE_CHECK ??= "true";

export default defineConfig({
  srcDir: "./site",
  publicDir: "./site/public",
  outDir: "./dist",
  output: "static",
  build: {
    format: "file",
  },
  server: {
    host: "127.0.0.1",
  },
  devToolbar: {
    enabled: false,
  },
});
