/**
 * A throwaway network namespace for WebRTC tests (Chromium gathers candidates only on the
 * default-route interface, never on loopback): loopback plus a veth pair with a default route,
 * no link to the outside, gone when the command exits. `unshare -rn` makes it inside a new user
 * namespace, so no root is needed (Linux with unprivileged user namespaces).
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";

/** Fixed ports: a fresh namespace has them all free, and the site is built for them in advance. */
export const NAMESPACE_PORTS = { tracker: 18_000, webSeed: 18_001, site: 18_080 } as const;
export const NAMESPACE_URLS = {
  tracker: `ws://127.0.0.1:${NAMESPACE_PORTS.tracker}`,
  webSeed: `http://127.0.0.1:${NAMESPACE_PORTS.webSeed}/sample-pilot.mp4`,
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

/** Runs `tsx <script> ...args` inside a new network namespace; resolves with its stdout. */
export function runInNamespace(script: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn("unshare", ["-rn", "bash", "-c", `${SETUP} && exec "$@"`, "_", resolve("node_modules/.bin/tsx"), script, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
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
      if (code === 0) done(stdout);
      else fail(new Error(`${script} in a network namespace exited with ${code}:\n${stderr}`));
    });
  });
}
