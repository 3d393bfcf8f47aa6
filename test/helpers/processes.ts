/**
 * Running the project's CLIs as child processes, the way a user runs them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";

const TSX = resolve("node_modules/.bin/tsx");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `scripts/<script>` with `args` to completion. */
export async function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  const child = spawn(TSX, [resolve("scripts", script), ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

export interface LongRunning {
  child: ChildProcess;
  /** Everything printed on stdout so far. */
  output(): string;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  interrupt(): Promise<number | null>;
}

/** Starts `scripts/<script>` and resolves once its stdout contains `readyText`. */
export async function startScript(
  script: string,
  args: string[],
  readyText: string,
  timeoutMs = 180_000,
): Promise<LongRunning> {
  const child = spawn(TSX, [resolve("scripts", script), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit") as Promise<[number | null]>;
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${script} not ready after ${timeoutMs} ms:\n${stdout}\n${stderr}`)),
      timeoutMs,
    );
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(readyText)) {
        clearTimeout(timer);
        ready();
      }
    });
    void exited.then(([code]) => {
      clearTimeout(timer);
      fail(new Error(`${script} exited with ${code} before it was ready:\n${stdout}\n${stderr}`));
    });
  });
  return {
    child,
    output: () => stdout,
    interrupt: async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGINT");
      const [code] = await exited;
      return code;
    },
  };
}
