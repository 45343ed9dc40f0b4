/**
 * Google's official Firestore emulator, started directly from its jar (any Java >= 11), so the same
 * code path serves `npm start`, the tests and CI. Rules are pushed over its REST API (and re-pushed
 * when the file changes); Firestore triggers are registered by ./triggers.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { collectOutput, freePort, httpOk, waitFor } from "./net.js";

export interface FirestoreHandle {
  host: string;
  port: number;
  /** host:port, for FIRESTORE_EMULATOR_HOST. */
  emulatorHost: string;
  baseUrl: string;
  /** Deletes every document of the project (rules and trigger registrations stay). */
  reset(projectId: string): Promise<void>;
  setRules(projectId: string, rulesText: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StartFirestoreOptions {
  java: string;
  jar: string;
  host?: string;
  port?: number;
  /** host:port where the emulator delivers trigger events (a functions emulator or our relay). */
  functionsEmulator?: string;
  log?: (line: string) => void;
}

export async function startFirestore(options: StartFirestoreOptions): Promise<FirestoreHandle> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port || (await freePort(host));
  const log = options.log ?? (() => {});
  const args = ["-cp", options.jar, "com.google.cloud.datastore.emulator.firestore.CloudFirestore", "--host", host, "--port", String(port)];
  if (options.functionsEmulator) args.push("--functions_emulator", options.functionsEmulator);
  const child: ChildProcess = spawn(options.java, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output = collectOutput(child, log, 50);
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);

  const baseUrl = `http://${host}:${port}`;
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  try {
    await waitFor(`Firestore emulator on ${baseUrl}`, async () => {
      if (exited) throw new Error(`Firestore emulator exited:\n${output.join("\n")}`);
      return httpOk(`${baseUrl}/`);
    });
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }

  return {
    host,
    port,
    emulatorHost: `${host}:${port}`,
    baseUrl,
    async reset(projectId) {
      const response = await fetch(`${baseUrl}/emulator/v1/projects/${projectId}/databases/(default)/documents`, {
        method: "DELETE",
      });
      if (!response.ok) throw new Error(`Firestore reset failed: ${response.status} ${await response.text()}`);
    },
    async setRules(projectId, rulesText) {
      const response = await fetch(`${baseUrl}/emulator/v1/projects/${projectId}:securityRules`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ rules: { files: [{ name: "firestore.rules", content: rulesText }] } }),
      });
      const body = await response.text();
      if (!response.ok) throw new Error(`Firestore rules were rejected (${response.status}):\n${body}`);
    },
    async stop() {
      process.off("exit", killOnExit);
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

export async function loadRulesFile(path: string): Promise<string> {
  return readFile(path, "utf8");
}
