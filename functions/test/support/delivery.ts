/**
 * The stack's FCM stand-in and SMTP catcher, read through their control APIs: what was pushed to which
 * token, which tokens are unregistered, topic members, and the e-mail caught.
 */
import type { RecordedMessage } from "../../../devstack/src/fcm/server.js";
import type { CaughtMail } from "../../../devstack/src/smtp/catcher.js";
import { testStack } from "./stack.js";

async function control<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const fcmControl = (path: string) => `http://${testStack().fcm}/control/${path}`;

/** Every message the stand-in accepted, oldest first. */
export async function pushedMessages(): Promise<RecordedMessage[]> {
  return (await control<{ messages: RecordedMessage[] }>(fcmControl("messages"))).messages;
}

/** Messages sent to exactly this token. */
export async function pushedTo(token: string): Promise<RecordedMessage[]> {
  return (await pushedMessages()).filter((message) => message.target.kind === "token" && message.target.token === token);
}

/** From now on the stand-in answers UNREGISTERED (404) for these tokens. */
export async function markUnregistered(...tokens: string[]): Promise<void> {
  await control(fcmControl("unregistered"), { method: "POST", body: JSON.stringify({ tokens }) });
}

/** topic → member tokens, as the Instance ID API left them. */
export async function topicMembers(): Promise<Record<string, string[]>> {
  return (await control<{ topics: Record<string, string[]> }>(fcmControl("topics"))).topics;
}

/** E-mail the SMTP catcher received (for one recipient, or all). */
export async function caughtMail(to?: string): Promise<CaughtMail[]> {
  const query = to ? `?to=${encodeURIComponent(to)}` : "";
  return (await control<{ messages: CaughtMail[] }>(`${testStack().mailControl}/messages${query}`)).messages;
}
