/** The stand-in's objects, in memory: buckets of named objects with Cloud Storage's metadata. */
import { createHash } from "node:crypto";
import { CRC32C } from "@google-cloud/storage";

/** An object resource as the JSON API returns it (sizes and generations are strings there). */
export interface ObjectResource {
  kind: "storage#object";
  id: string;
  selfLink: string;
  mediaLink: string;
  name: string;
  bucket: string;
  generation: string;
  metageneration: string;
  contentType: string;
  storageClass: "STANDARD";
  size: string;
  md5Hash: string;
  crc32c: string;
  etag: string;
  timeCreated: string;
  updated: string;
  metadata?: Record<string, string>;
}

export interface StoredObject {
  resource: ObjectResource;
  data: Buffer;
}

export class ObjectStore {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  private lastGeneration = 0;

  constructor(private readonly baseUrl: string) {}

  get(bucket: string, name: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(name);
  }

  put(bucket: string, name: string, data: Buffer, contentType: string, metadata?: Record<string, string>): StoredObject {
    // Generations grow strictly, like Cloud Storage's microsecond timestamps.
    this.lastGeneration = Math.max(this.lastGeneration + 1, Date.now() * 1000);
    const generation = String(this.lastGeneration);
    const now = new Date().toISOString();
    const crc = new CRC32C();
    crc.update(data);
    const encodedName = encodeURIComponent(name);
    const resource: ObjectResource = {
      kind: "storage#object",
      id: `${bucket}/${name}/${generation}`,
      selfLink: `${this.baseUrl}/storage/v1/b/${bucket}/o/${encodedName}`,
      mediaLink: `${this.baseUrl}/download/storage/v1/b/${bucket}/o/${encodedName}?generation=${generation}&alt=media`,
      name,
      bucket,
      generation,
      metageneration: "1",
      contentType,
      storageClass: "STANDARD",
      size: String(data.length),
      md5Hash: createHash("md5").update(data).digest("base64"),
      crc32c: crc.toString(),
      etag: createHash("md5").update(generation).digest("base64"),
      timeCreated: now,
      updated: now,
      ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
    };
    const stored = { resource, data };
    let objects = this.buckets.get(bucket);
    if (!objects) {
      objects = new Map();
      this.buckets.set(bucket, objects);
    }
    objects.set(name, stored);
    return stored;
  }

  delete(bucket: string, name: string): boolean {
    return this.buckets.get(bucket)?.delete(name) ?? false;
  }

  /** Objects of a bucket whose names start with `prefix`, in name order. */
  list(bucket: string, prefix = ""): StoredObject[] {
    const objects = [...(this.buckets.get(bucket)?.values() ?? [])].filter((o) => o.resource.name.startsWith(prefix));
    return objects.sort((a, b) => (a.resource.name < b.resource.name ? -1 : 1));
  }

  clear(): void {
    this.buckets.clear();
  }
}
