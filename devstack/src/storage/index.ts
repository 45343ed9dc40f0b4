/**
 * A Cloud Storage stand-in for the local stack (firebase-tools' Storage emulator cannot start here:
 * it downloads its rules-runtime jar at every start). See README.md for what it serves and what not.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { dirname } from "node:path";
import { freePort } from "../net.js";
import { type ObjectResource, ObjectStore } from "./objects.js";
import { storageRequestHandler } from "./server.js";
import { localSigner } from "./signing.js";

export type { ObjectResource };

/** A v2 storage CloudEvent (structured mode), as Eventarc delivers object events. */
export interface StorageCloudEvent {
  specversion: "1.0";
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  datacontenttype: "application/json";
  data: ObjectResource;
}

export type StorageEventListener = (event: StorageCloudEvent) => undefined | Promise<unknown>;

export const OBJECT_FINALIZED = "google.cloud.storage.object.v1.finalized";

export interface StorageHandle {
  /** http://host:port, for STORAGE_EMULATOR_HOST. */
  url: string;
  /** Where the signing credential (a service-account JSON with the run's private key) was written. */
  signerCredentialsPath: string;
  /**
   * Calls `listener` with each finalize event; returns the function that stops the calls. A listener
   * may return the promise of its delivery: a redelivery (POST /_emulator/redeliver) answers after it.
   */
  onEvent(listener: StorageEventListener): () => void;
  reset(): void;
  stop(): Promise<void>;
}

export interface StartStorageOptions {
  projectId: string;
  host?: string;
  port?: number;
  signerCredentialsPath: string;
  log?: (line: string) => void;
}

export async function startStorage(options: StartStorageOptions): Promise<StorageHandle> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port || (await freePort(host));
  const url = `http://${host}:${port}`;
  const signer = localSigner(options.projectId);
  mkdirSync(dirname(options.signerCredentialsPath), { recursive: true });
  writeFileSync(options.signerCredentialsPath, JSON.stringify(signer.credential, null, 2), { mode: 0o600 });

  const objects = new ObjectStore(url);
  const listeners = new Set<StorageEventListener>();
  const lastEvent = new Map<string, StorageCloudEvent>();
  const emit = (event: StorageCloudEvent) => Promise.all([...listeners].map((listener) => listener(event)));
  const handler = storageRequestHandler({
    objects,
    publicKeyFor: (email) => (email === signer.clientEmail ? signer.publicKey : undefined),
    onFinalized(object) {
      const event: StorageCloudEvent = {
        specversion: "1.0",
        id: randomUUID(),
        type: OBJECT_FINALIZED,
        source: `//storage.googleapis.com/projects/_/buckets/${object.bucket}`,
        subject: `objects/${object.name}`,
        time: object.updated,
        datacontenttype: "application/json",
        data: object,
      };
      lastEvent.set(`${object.bucket}/${object.name}`, event);
      void emit(event);
    },
    async redeliver(bucket, name) {
      const event = lastEvent.get(`${bucket}/${name}`);
      if (event) await emit(event);
      return event !== undefined;
    },
    reset() {
      objects.clear();
      lastEvent.clear();
    },
  });
  const server: Server = createServer((request, response) => {
    handler(request, response).catch((err) => options.log?.(`storage: ${String(err)}`));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  options.log?.(`Cloud Storage stand-in on ${url} (signing key of ${signer.clientEmail} in ${options.signerCredentialsPath})`);
  return {
    url,
    signerCredentialsPath: options.signerCredentialsPath,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset() {
      objects.clear();
      lastEvent.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(options.signerCredentialsPath, { force: true });
          resolve();
        });
      }),
  };
}
