/**
 * How a domain queues a notification once its own change has committed: the user's action already
 * happened, so a notification that cannot be queued is logged, never turned into the action's failure.
 * (A trigger that wants its retry to queue the notification calls notify() itself and lets it throw.)
 */
import { userRef } from "../kernel/collections.js";
import { log } from "../kernel/logger.js";
import { notify } from "./notify.js";
import type { NotifyInput } from "./schema.js";

/** `input` may be a function that reads what the notice needs (names): its failure is logged the same way. */
export async function notifyAfterCommit(input: NotifyInput | (() => Promise<NotifyInput>)): Promise<void> {
  let built: NotifyInput | undefined;
  try {
    built = typeof input === "function" ? await input() : input;
    await notify(built);
  } catch (err) {
    log.error("notification not queued", { recipient: built?.recipient, type: built?.type, dedupeKey: built?.dedupeKey, error: String(err) });
  }
}

/** A user's display name as it is now (notifications keep the name of the moment); "" when unknown. */
export async function displayNameOf(uid: string): Promise<string> {
  const name = (await userRef(uid).get()).get("displayName");
  return typeof name === "string" ? name : "";
}
