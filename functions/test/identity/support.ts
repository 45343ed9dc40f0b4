/** Identity test helpers: blocking-function events and config/access. */
import type { AuthBlockingEvent } from "firebase-functions/v2/identity";
import { clearAccessConfigCache } from "../../src/identity/config.js";
import { db } from "../../src/kernel/app.js";

export async function setAccessConfig(config: Record<string, unknown>): Promise<void> {
  await db().doc("config/access").set(config);
  clearAccessConfigCache();
}

export interface BlockingUser {
  uid: string;
  email?: string;
  phoneNumber?: string;
  customClaims?: Record<string, unknown>;
}

/** An event as firebase-functions hands it to a v2 blocking handler after verifying Identity Platform's JWT. */
export function blockingEvent(eventType: "beforeCreate" | "beforeSignIn", user: BlockingUser): AuthBlockingEvent {
  return {
    locale: "en",
    ipAddress: "203.0.113.9",
    userAgent: "test-agent",
    eventId: `evt-${user.uid}-${eventType}`,
    eventType: `providers/cloud.auth/eventTypes/user.${eventType}:password`,
    authType: "USER",
    resource: { service: "identitytoolkit.googleapis.com", name: `projects/${process.env.GCLOUD_PROJECT}` },
    timestamp: new Date().toUTCString(),
    params: {},
    additionalUserInfo: { providerId: "password", isNewUser: eventType === "beforeCreate" },
    data: {
      uid: user.uid,
      email: user.email,
      phoneNumber: user.phoneNumber,
      emailVerified: false,
      disabled: false,
      metadata: { creationTime: new Date().toUTCString(), lastSignInTime: new Date().toUTCString() },
      providerData: [],
      customClaims: user.customClaims,
    },
  } as unknown as AuthBlockingEvent;
}

export interface BlockingReply {
  status: number;
  body: unknown;
}

/**
 * Invokes a deployed blocking function the way Identity Platform does: POST { data: { jwt } }. The JWT
 * is unsigned, which the Admin SDK accepts only in emulator mode; everything after that (decoding the
 * user record, the handler, claim validation, the response payload) is the real code path.
 */
export async function invokeBlockingFunction(
  fn: unknown,
  name: string,
  eventType: "beforeCreate" | "beforeSignIn",
  user: BlockingUser,
): Promise<BlockingReply> {
  const project = process.env.GCLOUD_PROJECT as string;
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const jwt = `${encode({ alg: "none", typ: "JWT" })}.${encode({
    iss: `https://securetoken.google.com/${project}`,
    aud: `https://us-central1-${project}.cloudfunctions.net/${name}`,
    iat: now,
    exp: now + 300,
    sub: user.uid,
    event_id: `evt-${user.uid}`,
    event_type: eventType,
    ip_address: "203.0.113.9",
    user_agent: "test-agent",
    locale: "en",
    sign_in_method: "password",
    user_record: {
      uid: user.uid,
      email: user.email,
      phone_number: user.phoneNumber,
      email_verified: false,
      disabled: false,
      metadata: { creation_time: now * 1000, last_sign_in_time: now * 1000 },
      custom_claims: user.customClaims,
      provider_data: [],
    },
  })}.`;
  const headers: Record<string, string> = { "content-type": "application/json" };
  const req = {
    method: "POST",
    headers,
    header: (key: string) => headers[key.toLowerCase()],
    get: (key: string) => headers[key.toLowerCase()],
    body: { data: { jwt } },
  };
  return new Promise<BlockingReply>((resolve, reject) => {
    const reply: BlockingReply = { status: 200, body: undefined };
    const res = {
      status(code: number) {
        reply.status = code;
        return res;
      },
      setHeader() {
        return res;
      },
      send(body: unknown) {
        reply.body = typeof body === "string" ? JSON.parse(body) : body;
        resolve(reply);
        return res;
      },
    };
    Promise.resolve((fn as (rq: unknown, rs: unknown) => unknown)(req, res)).catch(reject);
  });
}
