/**
 * Publishes the escrow's verification artifact under `escrow/`: `artifact.json`, solc's
 * `metadata.json` and every source file it lists (`sources/<name as the metadata lists it>`),
 * from Hardhat's build (site/lib/verify/escrow-artifact.ts). The verify page and
 * `npm run verify` read these files; anyone can download them and check them by hand. Without
 * Hardhat's output the build fails, saying to run `npx hardhat build`.
 */
import type { APIRoute, GetStaticPaths } from "astro";
import { escrowArtifactFiles } from "../../lib/verify/escrow-artifact.ts";

/** What each kind of file is served as (a static server picks its own; this is for the dev server). */
function contentType(file: string): string {
  return file.endsWith(".json") ? "application/json" : "text/plain; charset=utf-8";
}

export const getStaticPaths = (async () => {
  const files = await escrowArtifactFiles();
  return [...files].map(([file, body]) => ({ params: { file }, props: { body } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params, props }) => {
  const { body } = props as { body: Uint8Array<ArrayBuffer> };
  return new Response(body, { headers: { "Content-Type": contentType(params.file ?? "") } });
};
