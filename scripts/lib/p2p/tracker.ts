/**
 * The local stack's BitTorrent tracker: bittorrent-tracker serving HTTP announces (desktop
 * clients) and WebSocket announces (browsers, WebRTC signalling) from one port on 127.0.0.1.
 */
import type { AddressInfo, Socket } from "node:net";
import { Server } from "bittorrent-tracker";
import { EXIT, UserError } from "../cli.ts";

export interface LocalTracker {
  /** e.g. http://127.0.0.1:8000/announce — for desktop BitTorrent clients. */
  httpAnnounce: string;
  /** e.g. ws://127.0.0.1:8000 — for browsers. */
  wsAnnounce: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the tracker on 127.0.0.1:`port` (0 = any free port). `intervalMs` is the re-announce
 * interval it asks clients for: short on loopback, so peers find each other quickly.
 */
export async function startLocalTracker(port: number, intervalMs = 5_000): Promise<LocalTracker> {
  const server = new Server({ http: true, ws: true, udp: false, stats: false, interval: intervalMs });
  // Every socket, WebSocket upgrades included, so close() can cut them all.
  const sockets = new Set<Socket>();
  server.http?.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((ready, fail) => {
    const onError = (error: Error) => {
      const code = (error as NodeJS.ErrnoException).code;
      fail(
        code === "EADDRINUSE"
          ? new UserError(
              `tracker port ${port} on 127.0.0.1 is already in use: stop the other process or pass --tracker-port <port>.`,
              EXIT.failure,
            )
          : error,
      );
    };
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      ready();
    });
  });
  // Later errors (a malformed announce) must not crash the stack.
  server.on("error", () => undefined);
  server.on("warning", () => undefined);
  const actual = (server.http?.address() as AddressInfo).port;
  return {
    port: actual,
    httpAnnounce: `http://127.0.0.1:${actual}/announce`,
    wsAnnounce: `ws://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        // Open WebSocket and keep-alive connections would hold the HTTP server open: cut them.
        for (const socket of sockets) socket.destroy();
      }),
  };
}
