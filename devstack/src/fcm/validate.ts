/**
 * The checks FCM HTTP v1 makes on a message before accepting it, as far as the stand-in needs them to
 * refuse what the real service refuses (the Admin SDK validates most of this before sending).
 */

export type Target = { kind: "token"; token: string } | { kind: "topic"; topic: string } | { kind: "condition"; condition: string };

export class InvalidMessage extends Error {
  constructor(
    message: string,
    /** The field FCM names in its BadRequest field violation. */
    readonly field: string,
  ) {
    super(message);
  }
}

const MESSAGE_FIELDS = new Set(["name", "data", "notification", "android", "webpush", "apns", "fcm_options", "token", "topic", "condition"]);
const ANDROID_FIELDS = new Set([
  "collapse_key",
  "priority",
  "ttl",
  "restricted_package_name",
  "data",
  "notification",
  "fcm_options",
  "direct_boot_ok",
  "bandwidth_constrained_ok",
  "restricted_satellite_ok",
]);
const APNS_FIELDS = new Set(["headers", "payload", "fcm_options", "live_activity_token"]);
const WEBPUSH_FIELDS = new Set(["headers", "data", "notification", "fcm_options"]);
const TOPIC_NAME = /^[a-zA-Z0-9-_.~%]{1,900}$/;
/** Real registration tokens are long base64url-ish strings; the stand-in takes 8+ characters of that alphabet. */
const TOKEN_SHAPE = /^[A-Za-z0-9_:-]{8,4096}$/;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function unknownFields(value: Record<string, unknown>, allowed: Set<string>, path: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key))
      throw new InvalidMessage(`Invalid JSON payload received. Unknown name "${key}" at '${path}': Cannot find field.`, `${path}.${key}`);
  }
}

function stringMap(value: unknown, path: string): void {
  if (value === undefined) return;
  if (!isObject(value)) throw new InvalidMessage(`Invalid value at '${path}': expected a map of strings`, path);
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== "string") throw new InvalidMessage(`Invalid value at '${path}[${key}]' (TYPE_STRING)`, `${path}[${key}]`);
  }
}

function validateAndroid(android: unknown): void {
  if (android === undefined) return;
  if (!isObject(android)) throw new InvalidMessage("Invalid value at 'message.android'", "message.android");
  unknownFields(android, ANDROID_FIELDS, "message.android");
  if (android.priority !== undefined && !/^(normal|high)$/i.test(String(android.priority))) {
    throw new InvalidMessage(
      `Invalid value at 'message.android.priority' (type.googleapis.com/google.firebase.fcm.v1.AndroidMessagePriority), "${android.priority}"`,
      "message.android.priority",
    );
  }
  if (android.collapse_key !== undefined && typeof android.collapse_key !== "string") {
    throw new InvalidMessage("Invalid value at 'message.android.collapse_key' (TYPE_STRING)", "message.android.collapse_key");
  }
  if (android.ttl !== undefined && !/^\d+(\.\d{1,9})?s$/.test(String(android.ttl))) {
    throw new InvalidMessage("Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration)", "message.android.ttl");
  }
  stringMap(android.data, "message.android.data");
  if (android.notification !== undefined && !isObject(android.notification)) {
    throw new InvalidMessage("Invalid value at 'message.android.notification'", "message.android.notification");
  }
}

function validateApns(apns: unknown): void {
  if (apns === undefined) return;
  if (!isObject(apns)) throw new InvalidMessage("Invalid value at 'message.apns'", "message.apns");
  unknownFields(apns, APNS_FIELDS, "message.apns");
  stringMap(apns.headers, "message.apns.headers");
  const headers = (apns.headers ?? {}) as Record<string, string>;
  if (headers["apns-priority"] !== undefined && !["5", "10", "1"].includes(headers["apns-priority"])) {
    throw new InvalidMessage("apns-priority must be 1, 5 or 10", "message.apns.headers");
  }
  if (headers["apns-collapse-id"] !== undefined && Buffer.byteLength(headers["apns-collapse-id"]) > 64) {
    throw new InvalidMessage("apns-collapse-id must be at most 64 bytes", "message.apns.headers");
  }
  if (apns.payload === undefined) return;
  if (!isObject(apns.payload)) throw new InvalidMessage("Invalid value at 'message.apns.payload'", "message.apns.payload");
  const aps = apns.payload.aps;
  if (aps !== undefined && !isObject(aps)) throw new InvalidMessage("Invalid value at 'message.apns.payload.aps'", "message.apns.payload.aps");
  if (isObject(aps) && aps.badge !== undefined && !(Number.isInteger(aps.badge) && (aps.badge as number) >= 0)) {
    throw new InvalidMessage("aps.badge must be a non-negative integer", "message.apns.payload.aps.badge");
  }
}

function validateWebpush(webpush: unknown): void {
  if (webpush === undefined) return;
  if (!isObject(webpush)) throw new InvalidMessage("Invalid value at 'message.webpush'", "message.webpush");
  unknownFields(webpush, WEBPUSH_FIELDS, "message.webpush");
  stringMap(webpush.headers, "message.webpush.headers");
  stringMap(webpush.data, "message.webpush.data");
  const link = isObject(webpush.fcm_options) ? webpush.fcm_options.link : undefined;
  if (link !== undefined && !String(link).startsWith("https://")) {
    throw new InvalidMessage("The link must be an HTTPS URL", "message.webpush.fcm_options.link");
  }
}

/** Checks a send request's message; returns its single target. Throws InvalidMessage (FCM's 400) otherwise. */
export function validateMessage(message: unknown): Target {
  if (!isObject(message)) throw new InvalidMessage("Request contains an invalid argument.", "message");
  unknownFields(message, MESSAGE_FIELDS, "message");
  const targets = (["token", "topic", "condition"] as const).filter((key) => message[key] !== undefined);
  if (targets.length !== 1) throw new InvalidMessage("Exactly one of token, topic or condition must be specified.", "message");
  stringMap(message.data, "message.data");
  if (message.notification !== undefined && !isObject(message.notification)) {
    throw new InvalidMessage("Invalid value at 'message.notification'", "message.notification");
  }
  validateAndroid(message.android);
  validateApns(message.apns);
  validateWebpush(message.webpush);
  const value = String(message[targets[0]]);
  if (targets[0] === "token") {
    if (!TOKEN_SHAPE.test(value)) throw new InvalidMessage("The registration token is not a valid FCM registration token", "message.token");
    return { kind: "token", token: value };
  }
  if (targets[0] === "topic") {
    if (!TOPIC_NAME.test(value)) throw new InvalidMessage("Invalid topic name", "message.topic");
    return { kind: "topic", topic: value };
  }
  evaluateCondition(value, () => false);
  return { kind: "condition", condition: value };
}

/**
 * Evaluates an FCM condition ("'a' in topics && ('b' in topics || !('c' in topics))") for one token's
 * topic memberships. Throws InvalidMessage on a malformed condition.
 */
export function evaluateCondition(condition: string, isMember: (topic: string) => boolean): boolean {
  const tokens = condition.match(/'[^']*'\s+in\s+topics|&&|\|\||!|\(|\)|\S+/g) ?? [];
  let at = 0;
  const bad = () => new InvalidMessage(`Invalid condition expression: ${condition}`, "message.condition");
  const primary = (): boolean => {
    const token = tokens[at++];
    if (token === "!") return !primary();
    if (token === "(") {
      const value = or();
      if (tokens[at++] !== ")") throw bad();
      return value;
    }
    const topic = token?.match(/^'([^']*)'\s+in\s+topics$/)?.[1];
    if (topic === undefined || !TOPIC_NAME.test(topic)) throw bad();
    return isMember(topic);
  };
  const and = (): boolean => {
    let value = primary();
    while (tokens[at] === "&&") {
      at++;
      value = primary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (tokens[at] === "||") {
      at++;
      value = and() || value;
    }
    return value;
  };
  const result = or();
  if (at !== tokens.length) throw bad();
  return result;
}
