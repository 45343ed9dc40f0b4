/** Chat messages as the app writes them (the venues, chat and end-to-end tests). */
import { type Database as ClientDatabase, push, ref, serverTimestamp, update } from "firebase/database";

/**
 * A chat message as the app writes it: the message and the sender's rate stamp in one update, the stamp
 * naming the message it carries ({ at: server time, messageId }).
 */
export function sendChat(
  db: ClientDatabase,
  venueKey: string,
  uid: string,
  message: Record<string, unknown>,
  options: { rateUid?: string; withRate?: boolean } = {},
): Promise<string> {
  const key = push(ref(db, `chat/${venueKey}`)).key as string;
  const paths: Record<string, unknown> = { [`chat/${venueKey}/${key}`]: { uid, createdAt: serverTimestamp(), ...message } };
  if (options.withRate !== false) paths[`chatRate/${venueKey}/${options.rateUid ?? uid}`] = { at: serverTimestamp(), messageId: key };
  return update(ref(db), paths).then(() => key);
}
