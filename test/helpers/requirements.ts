/**
 * What some tests need from the machine beyond Node: Chromium, aria2, user namespaces. Where a
 * piece is missing on a developer's machine, the tests that need it are skipped, with one line
 * saying what is missing and how to install it; under CI (`CI=true`) a missing piece is an error,
 * so nothing is silently skipped there.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { CHROMIUM_INSTALL, CHROMIUM_PATH } from "./browser.ts";

export interface Requirement {
  /** What is needed, e.g. "Chromium". */
  what: string;
  /** Whether this machine has it. */
  available: () => boolean;
  /** What to do if it does not. */
  install: string;
}

export const CHROMIUM: Requirement = {
  what: `Chromium (${CHROMIUM_PATH})`,
  available: () => existsSync(CHROMIUM_PATH),
  install: CHROMIUM_INSTALL,
};

export const ARIA2: Requirement = {
  what: "aria2 (aria2c), the desktop BitTorrent client the interop tests use",
  available: () => spawnSync("aria2c", ["--version"]).status === 0,
  install: "apt-get install aria2",
};

/** `unshare -rn`: a user namespace owning a new network namespace, no root needed on Linux. */
export const NETWORK_NAMESPACES: Requirement = {
  what: "network namespaces without root (unshare -rn, with iproute2's ip)",
  available: () =>
    spawnSync("unshare", ["-rn", "sh", "-c", 'PATH="$PATH:/usr/sbin:/sbin" ip link set lo up']).status === 0,
  install:
    "apt-get install util-linux iproute2 on Linux with unprivileged user namespaces enabled (sysctl kernel.unprivileged_userns_clone=1); macOS has none",
};

const checked = new Map<Requirement, boolean>();

/**
 * Whether the tests that need `requirements` must be skipped here: prints one line per missing
 * piece; under CI throws instead, so the test file fails.
 */
export function missing(...requirements: Requirement[]): boolean {
  let skip = false;
  for (const requirement of requirements) {
    let ok = checked.get(requirement);
    if (ok === undefined) checked.set(requirement, (ok = requirement.available()));
    if (ok) continue;
    const line = `${requirement.what} is missing: ${requirement.install}`;
    if (process.env.CI === "true") throw new Error(`CI must not skip tests: ${line}`);
    process.stderr.write(`skipped: ${line}\n`);
    skip = true;
  }
  return skip;
}
