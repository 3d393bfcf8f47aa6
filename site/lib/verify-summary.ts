/**
 * How a verification report (site/lib/verify/verify-campaign.ts) is said, the same on the verify
 * page and in `npm run verify`: the verdict's headline, each row's mark, the site's own CID read
 * from the page's address, and what the verify page needs of the manifest. Pure: no DOM, no Node.
 */
import type { Manifest } from "./manifest.ts";
import type { RowStatus, VerifyReport, VerifyRow } from "./verify/verify-campaign.ts";

/**
 * The parts of the manifest the check reads (the verify page's `data-config`). Not `ipfs.site`:
 * the site cannot hold its own CID (the page works it out from its address instead).
 */
export interface VerifyConfig {
  chain: Pick<Manifest["chain"], "id" | "name" | "rpcUrls"> & { explorerUrl?: string };
  escrow: Manifest["escrow"];
  torrent?: Pick<NonNullable<Manifest["torrent"]>, "infoHash">;
  ipfs?: { pilot?: Pick<NonNullable<NonNullable<Manifest["ipfs"]>["pilot"]>, "cid"> };
}

/** What {@link VerifyConfig} keeps of `manifest`. */
export function verifyConfig(manifest: Manifest): VerifyConfig {
  const { chain, escrow, torrent, ipfs } = manifest;
  return {
    chain: {
      id: chain.id,
      name: chain.name,
      rpcUrls: chain.rpcUrls,
      ...(chain.explorerUrl === undefined ? {} : { explorerUrl: chain.explorerUrl }),
    },
    escrow,
    ...(torrent === undefined ? {} : { torrent: { infoHash: torrent.infoHash } }),
    ...(ipfs?.pilot === undefined ? {} : { ipfs: { pilot: { cid: ipfs.pilot.cid } } }),
  };
}

/**
 * The config as the manifest type `verifyCampaign` takes: it reads only the fields
 * {@link VerifyConfig} keeps (chain id, RPCs and explorer, the escrow, the pilot's ids).
 */
export function configAsManifest(config: VerifyConfig): Manifest {
  return config as unknown as Manifest;
}

/** Each status as a mark and a word, so that nothing is said by colour alone. */
export const STATUS_MARKS: Record<RowStatus, { mark: string; text: string }> = {
  ok: { mark: "✓", text: "agrees" },
  differs: { mark: "✗", text: "differs" },
  unreachable: { mark: "✗", text: "not reached" },
  info: { mark: "i", text: "for information" },
};

/** A check's name as a verifier would search for it: `goalBackers`, `code`, `token:name`. */
export function checkName(row: Pick<VerifyRow, "check">): string {
  return row.check.replace(/^parameter:/, "");
}

/** The verdict as one headline: "Exact match", "Partial match: …", "Mismatch: …", "Could not reach …". */
export function verdictHeadline(report: VerifyReport): string {
  switch (report.verdict) {
    case "exact-match":
      return "Exact match";
    case "partial-match":
      return "Partial match: same code, other metadata";
    case "unreachable":
      return report.unreachableHosts.length > 0
        ? `Could not reach ${report.unreachableHosts.length === 1 ? "the RPC" : "any RPC"}: ${report.unreachableHosts.join(", ")}`
        : "Could not reach the escrow's code through any RPC";
    case "mismatch": {
      const code = report.code;
      if (code?.kind === "code-differs") return `Mismatch: the code differs from byte ${code.offset} on`;
      if (code?.kind === "no-code") return "Mismatch: there is no contract at the escrow's address";
      const differing = report.rows.filter((row) => row.status === "differs" && row.check !== "rpcs");
      const named = differing.filter((row) => row.check !== "code");
      const list = (named.length > 0 ? named : differing).map((row) => row.label);
      return `Mismatch: ${list.length === 0 ? "something differs" : `${list.join(", ")} ${list.length === 1 ? "differs" : "differ"}`}`;
    }
  }
}

/** The rows whose status is not `ok` or `info`: what the verdict is about. */
export function problemRows(report: VerifyReport): VerifyRow[] {
  return report.rows.filter((row) => row.status === "differs" || row.status === "unreachable");
}

/** Whether the RPCs gave different values (or some gave none) for `row`: then each one's is shown. */
export function rpcsDisagree(row: VerifyRow): boolean {
  const answers = row.perRpc ?? [];
  if (answers.length < 2) return false;
  const values = new Set(answers.map((answer) => ("value" in answer ? `v:${answer.value}` : "error")));
  return values.size > 1;
}

/** A CID as it appears in an address: CIDv1 base32 (`bafy…`) or CIDv0 (`Qm…`). */
const CID = /^(b[a-z2-7]{58,}|Qm[1-9A-HJ-NP-Za-km-z]{44})$/;

/**
 * The site's own IPFS CID from the page's address: a path gateway's `/ipfs/<cid>/…` or a subdomain
 * gateway's `<cid>.ipfs.<host>`; `undefined` when the page is not served from IPFS.
 */
export function siteCidFromLocation(location: { hostname: string; pathname: string }): string | undefined {
  const path = /^\/ipfs\/([^/]+)(\/|$)/.exec(location.pathname)?.[1];
  if (path !== undefined && CID.test(path)) return path;
  const [label, second] = location.hostname.split(".");
  if (second === "ipfs" && label !== undefined && CID.test(label)) return label;
  return undefined;
}
