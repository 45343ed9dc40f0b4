/** Ports and readiness probes for the local stack. */
import type { IncomingMessage } from "node:http";
import { createServer } from "node:net";
import { stripVTControlCharacters } from "node:util";

export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns true or `timeoutMs` passes; `describe` names what we waited for. */
export async function waitFor(describe: string, probe: () => Promise<boolean>, timeoutMs = 60_000, intervalMs = 150): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await sleep(intervalMs);
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${describe}`);
}

export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.arrayBuffer();
  return response.ok;
}

/** Forwards a child's output line by line to `log` and keeps its last lines for error messages. */
export function collectOutput(
  child: { stdout?: NodeJS.ReadableStream | null; stderr?: NodeJS.ReadableStream | null },
  log: (line: string) => void,
  keep = 80,
): string[] {
  const recent: string[] = [];
  const onChunk = (chunk: Buffer) => {
    // Some tools colour their output even when told not to; plain text reads better in logs.
    for (const line of stripVTControlCharacters(chunk.toString()).split("\n")) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > keep) recent.shift();
      log(line);
    }
  };
  child.stdout?.on("data", onChunk);
  child.stderr?.on("data", onChunk);
  return recent;
}

/** The whole body of an HTTP request. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
