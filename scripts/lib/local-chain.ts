/**
 * The local stack's chain: Hardhat's simulated network (EDR) served as JSON-RPC over HTTP and
 * WebSocket on 127.0.0.1, in this process, plus a connection to it through that HTTP endpoint
 * (so Ignition, wallets and the site all see the same chain a user's wallet would).
 */
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { network } from "hardhat";
import { EXIT, UserError } from "./cli.ts";

export interface LocalChain {
  url: string;
  chainId: number;
  connection: Awaited<ReturnType<typeof network.create>>;
  close(): Promise<void>;
}

/** Ignition deployment ids of the local stack start with this; each start forgets the last chain's. */
export const LOCAL_DEPLOYMENT_PREFIX = "local-";

/** Starts the chain on 127.0.0.1:`port`; a busy port gets an error that says what to do. */
export async function startLocalChain(port: number, deploymentsDir: string): Promise<LocalChain> {
  const server = await network.createServer("default", "127.0.0.1", port);
  let address: { address: string; port: number };
  try {
    address = await server.listen();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new UserError(
        `port ${port} on 127.0.0.1 is already in use (another node or \`npm start\`?). Stop it, or pass --chain-port <port>.`,
        EXIT.failure,
      );
    }
    throw error;
  }
  const url = `http://127.0.0.1:${address.port}`;
  // A fresh chain every start: Ignition's journals of the previous local chain no longer apply.
  const previous = await readdir(deploymentsDir).catch(() => [] as string[]);
  for (const id of previous.filter((name) => name.startsWith(LOCAL_DEPLOYMENT_PREFIX))) {
    await rm(join(deploymentsDir, id), { recursive: true, force: true });
  }
  const connection = await network.create({ network: "localhost", override: { url } });
  const chainId = Number((await connection.ethers.provider.getNetwork()).chainId);
  return {
    url,
    chainId,
    connection,
    close: async () => {
      await connection.close();
      await server.close();
    },
  };
}
