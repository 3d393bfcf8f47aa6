/**
 * `npm run verify` without its flags ({@link verifyCommand}): runs the check the verify page runs
 * (site/lib/verify/verify-campaign.ts) and prints it for a terminal, each check with ✓ or ✗, the
 * values where they differ, every RPC's value where the RPCs disagree, the verdict, and what is
 * still trusted; returns the exit code.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { manifestPath, readManifest } from "../../../site/lib/manifest-file.ts";
import type { Manifest } from "../../../site/lib/manifest.ts";
import { isPlainRelativePath } from "../../../site/lib/verify/artifact-types.ts";
import {
  VerifyInputError,
  verifyCampaign,
  type VerifyReport,
  type VerifyRow,
} from "../../../site/lib/verify/verify-campaign.ts";
import {
  checkName,
  problemRows,
  rpcsDisagree,
  STATUS_MARKS,
  verdictHeadline,
} from "../../../site/lib/verify-summary.ts";
import { EXIT, UserError } from "../cli.ts";
import { EscrowArtifactError, escrowArtifactFiles } from "../../../site/lib/verify/escrow-artifact.ts";
import { parseHttpUrl } from "../parsers.ts";

/** This repository, whose Hardhat build is the default artifact. */
const ROOT = resolve(import.meta.dirname, "../../..");

/** Reads a file of the artifact: from a directory (`escrow/` of a built site, or a download). */
export function artifactDirectoryLoader(dir: string): (path: string) => Promise<Uint8Array> {
  return async (path) => {
    if (!isPlainRelativePath(path)) throw new Error(`not a plain relative path: ${path}`);
    return new Uint8Array(await readFile(join(dir, path)));
  };
}

/** Reads a file of the artifact as the site build would publish it from the Hardhat build under `root`. */
export async function hardhatBuildLoader(root: string): Promise<(path: string) => Promise<Uint8Array>> {
  const files = await escrowArtifactFiles(root);
  return (path) => {
    const file = files.get(path);
    if (file === undefined) return Promise.reject(new Error(`no file ${path} in the artifact`));
    return Promise.resolve(file);
  };
}

export interface TerminalVerifyOptions {
  manifest: Manifest;
  /** Where the manifest was read from, for the output. */
  manifestFile: string;
  loadFile: (path: string) => Promise<Uint8Array>;
  /** RPC URLs besides the manifest's. */
  rpcUrls: readonly string[];
  /** Where the report goes (one call per line). */
  write: (line: string) => void;
}

function rowLines(row: VerifyRow): string[] {
  const { mark } = STATUS_MARKS[row.status];
  // Many details start with their label ("Goal (backers) is 3 on chain…"): say it once.
  const lines = [
    row.detail.startsWith(row.label) ? `${mark} ${row.detail}` : `${mark} ${row.label}: ${row.detail}`,
  ];
  if (row.status === "differs" && !rpcsDisagree(row)) {
    if (row.manifest !== undefined) lines.push(`    expected  ${row.manifest}`);
    if (row.chain !== undefined) lines.push(`    on chain  ${row.chain}`);
  }
  if (rpcsDisagree(row))
    for (const answer of row.perRpc ?? [])
      lines.push(`    ${answer.host}  ${"value" in answer ? answer.value : `(${answer.error})`}`);
  return lines;
}

/**
 * The exit code for `report`: 0 exact match with every RPC used, 1 something differs, 2 something could not
 * be checked.
 */
export function exitCodeOf(report: VerifyReport): number {
  if (report.verdict === "mismatch" || report.verdict === "partial-match") return EXIT.failure;
  if (report.verdict === "unreachable" || report.unreachableHosts.length > 0) return EXIT.usage;
  return EXIT.ok;
}

/**
 * Verifies the campaign of `manifest` and prints the report; resolves to the exit code
 * ({@link exitCodeOf}). An artifact that cannot be read is a {@link UserError} (exit 2).
 */
export async function verifyFromTerminal(options: TerminalVerifyOptions): Promise<number> {
  const { manifest, write } = options;
  let report: VerifyReport;
  try {
    report = await verifyCampaign({ manifest, loadFile: options.loadFile, rpcUrls: options.rpcUrls });
  } catch (error) {
    if (error instanceof VerifyInputError) throw new UserError(error.message, EXIT.usage);
    throw error;
  }
  write(
    `Escrow ${manifest.escrow.address} on chain ${manifest.chain.id} (${options.manifestFile})${report.block === undefined ? "" : `, read at block ${report.block}`}`,
  );
  write("");
  for (const row of report.rows) for (const line of rowLines(row)) write(line);
  write("");
  write("What you still trust, and how to re-check it:");
  for (const item of report.trust) {
    write(`- ${item.what}`);
    write(`    ${item.howToRecheck}`);
  }
  write("");
  const code = exitCodeOf(report);
  const problems = problemRows(report);
  const differing = problems.filter((row) => row.status === "differs").map(checkName);
  write(`${code === EXIT.ok ? "✓" : "✗"} ${verdictHeadline(report)}`);
  if (differing.length > 0) write(`  differs: ${differing.join(", ")}`);
  if (report.unreachableHosts.length > 0)
    write(`  not reached: ${report.unreachableHosts.join(", ")} (the other RPCs were still checked)`);
  return code;
}

export interface VerifyCommandOptions {
  /** The campaign manifest (default $PEERPILOT_MANIFEST or ./campaign.json). */
  manifest?: string;
  /** RPC URLs to read besides the manifest's (e.g. the verifier's own node). */
  rpcUrls?: readonly string[];
  /**
   * The published artifact: a directory with artifact.json (a site's `escrow/` folder). Default:
   * made from this repository's Hardhat build, as the site build publishes it.
   */
  artifact?: string;
  /** Where the report goes, one call per line (default stdout). */
  write?: (line: string) => void;
}

/**
 * `npm run verify`: reads the manifest and the artifact, then {@link verifyFromTerminal}; resolves
 * to the exit code. A bad URL, manifest or artifact is a {@link UserError} or a ManifestError.
 */
export async function verifyCommand(options: VerifyCommandOptions = {}): Promise<number> {
  const rpcUrls = (options.rpcUrls ?? []).map((url) => parseHttpUrl(url, "--rpc-url"));
  const manifestFile = resolve(options.manifest ?? manifestPath());
  const manifest = await readManifest(manifestFile);
  let loadFile;
  if (options.artifact !== undefined) loadFile = artifactDirectoryLoader(resolve(options.artifact));
  else {
    try {
      loadFile = await hardhatBuildLoader(ROOT);
    } catch (error) {
      if (error instanceof EscrowArtifactError) throw new UserError(error.message, EXIT.usage);
      throw error;
    }
  }
  return verifyFromTerminal({
    manifest,
    manifestFile,
    loadFile,
    rpcUrls,
    write: options.write ?? ((line) => process.stdout.write(`${line}\n`)),
  });
}
