// Run by `npm install` / `npm ci` (preinstall) on whatever Node npm runs on, so plain JavaScript:
// refuse a Node older than package.json's engines.node at once, with the way out, instead of an
// install that seems to work and a simulator binary that npm silently dropped.
import { readFileSync } from "node:fs";

const { engines } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const [major, minor] = process.versions.node.split(".").map(Number);
const [needMajor, needMinor = 0] = engines.node
  .replace(/^>=\s*/, "")
  .split(".")
  .map(Number);
if (major < needMajor || (major === needMajor && minor < needMinor)) {
  console.error(
    `peerpilot needs Node ${engines.node}, and this is Node ${process.versions.node}. Install Node 24 first, then run npm install again:\n` +
      "  npm install --prefix ~/.peerpilot-node node@24 && export PATH=~/.peerpilot-node/node_modules/.bin:$PATH",
  );
  process.exit(1);
}
