/** Ports for tests of what happens when the other end is down. */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A port on 127.0.0.1 that nothing listens on: one the system just handed out and that was closed
 * again, so a connection to it is refused (an RPC, a tracker or a gateway that is down).
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ready);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((closed, fail) => server.close((error) => (error ? fail(error) : closed())));
  return port;
}
