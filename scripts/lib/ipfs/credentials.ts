/**
 * Storacha credentials, the non-interactive (CI) way: an agent key and a delegation of a space's
 * upload capabilities to that agent, both from the environment. Checked here, before anything is
 * encoded or sent, so that a wrong key, a delegation to somebody else, an expired delegation or a
 * missing capability each get an error that says what to do. Secrets are never printed.
 */
import * as Proof from "@storacha/client/proof";
import * as Signer from "@storacha/client/principal/ed25519";
import type { Delegation } from "@storacha/client/types";
import { UserError } from "../cli.ts";
import { describeShape, SECRET_ENV } from "../secrets.ts";

/** The agent's private key, as printed by `storacha key create` (`Mg…`). */
export const KEY_ENV = SECRET_ENV.storachaKey;
/** The space's delegation to that agent: `storacha delegation create <agent did> --base64 -c …`. */
export const PROOF_ENV = SECRET_ENV.storachaProof;

/** Length of a formatted ed25519 agent key: "M" (base64pad) + 68 bytes, base64-encoded. */
const KEY_LENGTH = 93;

/** What `uploadFile` and `uploadDirectory` invoke on the space. */
export const UPLOAD_CAPABILITIES = [
  "space/blob/add",
  "space/index/add",
  "filecoin/offer",
  "upload/add",
] as const;

export interface Credentials {
  principal: Signer.EdSigner;
  proof: Delegation;
  /** The space the proof delegates (`did:key:…`). */
  space: `did:key:${string}`;
  /** Abilities the proof grants on the space. */
  abilities: string[];
}

/** How to make the delegation `PROOF_ENV` holds: upload/get lets pin read the service's record back. */
export const DELEGATION_COMMAND = `storacha delegation create <agent did:key> --base64 ${[...UPLOAD_CAPABILITIES, "upload/get"].map((can) => `-c ${can}`).join(" ")}`;

const HOW_TO = [
  "Make them once with the storacha CLI (npm i -g @storacha/cli; storacha login; storacha space create):",
  `  ${KEY_ENV}: storacha key create   (keep the Mg… private key secret; its did:key is the agent)`,
  `  ${PROOF_ENV}: ${DELEGATION_COMMAND}`,
].join("\n");

/** Whether `granted` (`*`, `space/*`, `space/blob/add`) covers `ability`. */
export function covers(granted: string, ability: string): boolean {
  if (granted === "*" || granted === ability) return true;
  return granted.endsWith("/*") && ability.startsWith(granted.slice(0, -1));
}

/** The earliest expiry (seconds since the epoch) in a delegation chain. */
function earliestExpiry(delegation: Delegation): number {
  let earliest = delegation.expiration ?? Number.POSITIVE_INFINITY;
  for (const proof of delegation.proofs) {
    if (typeof proof === "object" && proof !== null && "expiration" in proof) {
      earliest = Math.min(earliest, earliestExpiry(proof));
    }
  }
  return earliest;
}

/**
 * Reads and checks the credentials in `env`.
 * @param now Seconds since the epoch (for tests).
 * @throws UserError naming the variable and the problem.
 */
export async function readCredentials(
  env: NodeJS.ProcessEnv = process.env,
  now = Date.now() / 1000,
): Promise<Credentials> {
  const key = env[KEY_ENV]?.trim();
  const proofText = env[PROOF_ENV]?.trim();
  const missing = [key ? undefined : KEY_ENV, proofText ? undefined : PROOF_ENV].filter(Boolean);
  if (missing.length > 0) {
    throw new UserError(
      `missing Storacha credentials: set ${missing.join(" and ")}. Or pass --offline to only compute the CID and write the CAR file(s).\n${HOW_TO}`,
    );
  }
  // The parsers' messages quote what they could not parse, i.e. the secret: say what is wrong
  // in our own words, from the value's shape, and never pass their text on.
  let principal: Signer.EdSigner;
  try {
    principal = Signer.parse(key as string);
  } catch {
    throw new UserError(
      `${KEY_ENV} is not an ed25519 private key: expected the ${KEY_LENGTH}-character Mg… string that \`storacha key create\` prints; ${describeShape(env[KEY_ENV] as string, "Mg")}.`,
    );
  }
  let proof: Delegation;
  try {
    proof = await Proof.parse(proofText as string);
  } catch {
    throw new UserError(
      `${PROOF_ENV} is not a delegation: expected the base64 text that \`storacha delegation create … --base64\` prints; ${describeShape(env[PROOF_ENV] as string)}.`,
    );
  }
  if (proof.audience.did() !== principal.did()) {
    throw new UserError(
      `${PROOF_ENV} delegates to ${proof.audience.did()}, but ${KEY_ENV} is the agent ${principal.did()}: create the delegation for this agent (storacha delegation create ${principal.did()} …).`,
    );
  }
  const expiry = earliestExpiry(proof);
  if (expiry <= now) {
    throw new UserError(
      `${PROOF_ENV} expired on ${new Date(expiry * 1000).toISOString()}: create a new delegation (storacha delegation create ${principal.did()} --base64 …, --expiration sets its lifetime).`,
    );
  }
  const space = proof.capabilities
    .map((capability) => capability.with)
    .find((resource) => resource.startsWith("did:key:"));
  if (space === undefined) {
    throw new UserError(
      `${PROOF_ENV} delegates no space (no capability on a did:key: resource): delegate from the space you upload to.`,
    );
  }
  const abilities = proof.capabilities
    .filter((capability) => capability.with === space)
    .map((capability) => capability.can);
  const lacking = UPLOAD_CAPABILITIES.filter(
    (ability) => !abilities.some((granted) => covers(granted, ability)),
  );
  if (lacking.length > 0) {
    throw new UserError(
      `${PROOF_ENV} does not let this agent upload to ${space}: it lacks ${lacking.join(", ")}. Delegate them: storacha delegation create ${principal.did()} --base64 ${lacking.map((can) => `-c ${can}`).join(" ")} …`,
    );
  }
  return { principal, proof, space: space as `did:key:${string}`, abilities };
}
