/**
 * A throwaway network namespace for WebRTC tests (Chromium gathers candidates only on the
 * default-route interface, never on loopback): loopback plus a veth pair with a default route,
 * no link to the outside, gone when the command exits. `unshare -rn` makes it inside a new user
 * namespace, so no root is needed (Linux with unprivileged user namespaces).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { PILOT } from "../helpers/pilot.ts";

/** Fixed ports: a fresh namespace has them all free, and the site is built for them in advance. */
export const NAMESPACE_PORTS = { tracker: 18_000, webSeed: 18_001, site: 18_080 } as const;

/** The URL the namespace's web seed (scripts/lib/static-server.ts startWebSeed) serves `file` at. */
export function namespaceWebSeedUrl(file: string): string {
  return `http://127.0.0.1:${NAMESPACE_PORTS.webSeed}/${encodeURIComponent(basename(file))}`;
}

export const NAMESPACE_URLS = {
  tracker: `ws://127.0.0.1:${NAMESPACE_PORTS.tracker}`,
  /** The web seed of the sample pilot; another pilot's is {@link namespaceWebSeedUrl}. */
  webSeed: namespaceWebSeedUrl(PILOT),
} as const;

const SETUP = [
  'export PATH="$PATH:/usr/sbin:/sbin"',
  "ip link set lo up",
  "ip link add v0 type veth peer name v1",
  "ip addr add 10.99.0.1/24 dev v0",
  "ip link set v0 up",
  "ip link set v1 up",
  "ip route add default dev v0",
].join(" && ");

/**
 * The environment for a command run under `unshare -r`: inside, the user is uid 0, so tools that
 * keep per-user files in /tmp (tsx's /tmp/tsx-0/) would meet those of the machine's real root.
 * A temporary folder of the user's own keeps them apart.
 */
export function namespaceEnv(parent = tmpdir()): NodeJS.ProcessEnv & { TMPDIR: string } {
  return { ...process.env, TMPDIR: mkdtempSync(join(parent, "peerpilot-netns-")) };
}

/** Runs `tsx <script> ...args` inside a new network namespace; resolves with its stdout. */
export function runInNamespace(script: string, args: string[], timeoutMs: number): Promise<string> {
  const env = namespaceEnv();
  return new Promise((done, fail) => {
    const child = spawn(
      "unshare",
      ["-rn", "bash", "-c", `${SETUP} && exec "$@"`, "_", resolve("node_modules/.bin/tsx"), script, ...args],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env,
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      fail(new Error(`${script} in a network namespace timed out after ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      rmSync(env.TMPDIR, { recursive: true, force: true });
      if (code === 0) done(stdout);
      else fail(new Error(`${script} in a network namespace exited with ${code}:\n${stderr}`));
    });
  });
}
