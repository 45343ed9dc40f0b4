/** Reading the emulator's state in assertions. */
import { allDocuments } from "../../../devstack/src/seed.js";
import { db } from "../../src/kernel/app.js";

export async function docData(path: string): Promise<Record<string, unknown> | undefined> {
  return (await db().doc(path).get()).data();
}

/** Every document path in the database, for "nothing was written" checks. */
export async function allPaths(): Promise<string[]> {
  return Object.keys(await allDocuments(db() as never));
}

export async function waitUntil<T>(describe: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`timed out waiting for ${describe}`);
}
