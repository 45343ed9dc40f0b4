/**
 * V4 signed URLs (GOOG4-RSA-SHA256) as Cloud Storage checks them, for the XML API requests a phone
 * makes with a URL the backend signed.
 *
 * The signing side is the Admin SDK's own (@google-cloud/storage getSignedUrl): it signs locally with
 * the private key of a service-account credential, else asks the IAM signBlob API (production). The
 * stack makes one RSA key per run and hands the functions a service-account credential holding it
 * (see localSigner); this module verifies with the public half.
 */
import { createHash, createVerify, generateKeyPairSync, type KeyObject } from "node:crypto";

export interface LocalSigner {
  clientEmail: string;
  /** What GOOGLE_APPLICATION_CREDENTIALS-style code reads: { type, project_id, client_email, private_key }. */
  credential: { type: "service_account"; project_id: string; client_email: string; private_key: string; private_key_id: string };
  publicKey: KeyObject;
}

/** A fresh RSA key under a local service-account name (never a Google identity). */
export function localSigner(projectId: string): LocalSigner {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const clientEmail = `local-storage-signer@${projectId}.iam.gserviceaccount.com`;
  return {
    clientEmail,
    credential: {
      type: "service_account",
      project_id: projectId,
      client_email: clientEmail,
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      private_key_id: "local-storage-signer",
    },
    publicKey,
  };
}

/** Every byte but A-Z a-z 0-9 - . _ ~ percent-encoded, as the signer encodes path segments and query parts. */
export function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface SignedRequest {
  method: string;
  /** The decoded path: /{bucket}/{object name}. */
  path: string;
  /** Decoded query parameters, as received. */
  query: [string, string][];
  /** Lower-cased request headers. */
  headers: Record<string, string | undefined>;
}

export type SignatureCheck =
  | { ok: true; clientEmail: string }
  /** status and code as Cloud Storage answers: 400 for malformed or expired, 403 for a signature that does not match. */
  | { ok: false; status: 400 | 403; code: "MalformedSecurityHeader" | "ExpiredToken" | "SignatureDoesNotMatch" | "AccessDenied"; message: string };

const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;
/** Clock skew tolerated for a URL dated in the future (signer and server clocks differ slightly). */
const SKEW_SECONDS = 60;

function parseGoogDate(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, h, mi, s);
}

/** Whether `request` carries V4 query-string authentication (X-Goog-Signature). */
export function isSignedRequest(query: [string, string][]): boolean {
  return query.some(([key]) => key.toLowerCase() === "x-goog-signature");
}

/**
 * Checks a V4 signed request: well-formed parameters, a known signer, not expired, and an RSA-SHA256
 * signature over the canonical request (method, path, query, the signed headers with the values this
 * request carries). A header the URL signed (content-type, content-length) sent with another value
 * changes the canonical request: the signature no longer matches, as on Cloud Storage.
 */
export function verifySignedRequest(
  request: SignedRequest,
  publicKeyFor: (clientEmail: string) => KeyObject | undefined,
  nowMs = Date.now(),
): SignatureCheck {
  const params = new Map(request.query.map(([k, v]) => [k.toLowerCase(), v]));
  const malformed = (message: string): SignatureCheck => ({ ok: false, status: 400, code: "MalformedSecurityHeader", message });
  if (params.get("x-goog-algorithm") !== "GOOG4-RSA-SHA256") return malformed("X-Goog-Algorithm must be GOOG4-RSA-SHA256");
  const credential = params.get("x-goog-credential") ?? "";
  const [clientEmail, datestamp, location, service, terminator] = credential.split("/");
  if (!clientEmail || !datestamp || !location || service !== "storage" || terminator !== "goog4_request") {
    return malformed("X-Goog-Credential must be <email>/<date>/<location>/storage/goog4_request");
  }
  const dateText = params.get("x-goog-date") ?? "";
  const signedAt = parseGoogDate(dateText);
  if (signedAt === null || !dateText.startsWith(datestamp)) return malformed("X-Goog-Date is missing or malformed");
  const expires = Number(params.get("x-goog-expires"));
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS) return malformed("X-Goog-Expires must be 1..604800 seconds");
  const signedHeaders = (params.get("x-goog-signedheaders") ?? "").split(";").filter(Boolean);
  if (!signedHeaders.includes("host")) return malformed("X-Goog-SignedHeaders must include host");
  const signatureHex = params.get("x-goog-signature") ?? "";
  if (!/^[0-9a-f]+$/i.test(signatureHex)) return malformed("X-Goog-Signature must be hex");

  if (nowMs > signedAt + expires * 1000) return { ok: false, status: 400, code: "ExpiredToken", message: "The provided token has expired." };
  if (nowMs < signedAt - SKEW_SECONDS * 1000) return { ok: false, status: 403, code: "AccessDenied", message: "The request is not yet valid." };
  const publicKey = publicKeyFor(clientEmail);
  if (!publicKey) return { ok: false, status: 403, code: "AccessDenied", message: `Unknown signer ${clientEmail}` };

  const canonicalQuery = request.query
    .filter(([key]) => key.toLowerCase() !== "x-goog-signature")
    .map(([key, value]) => [encodeRfc3986(key), encodeRfc3986(value)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${canonicalHeaderValue(name, request.headers[name])}\n`).join("");
  const canonicalPath = request.path.split("/").map(encodeRfc3986).join("/");
  const canonicalRequest = [request.method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders.join(";"), "UNSIGNED-PAYLOAD"].join("\n");
  const scope = credential.slice(clientEmail.length + 1);
  const stringToSign = ["GOOG4-RSA-SHA256", dateText, scope, createHash("sha256").update(canonicalRequest).digest("hex")].join("\n");
  const valid = createVerify("RSA-SHA256").update(stringToSign).verify(publicKey, Buffer.from(signatureHex, "hex"));
  if (!valid) {
    return {
      ok: false,
      status: 403,
      code: "SignatureDoesNotMatch",
      message: "The request signature we calculated does not match the signature you provided.",
    };
  }
  return { ok: true, clientEmail };
}

function canonicalHeaderValue(name: string, value: string | undefined): string {
  const text = (value ?? "").trim().replace(/\s{2,}/g, " ");
  // The Admin SDK signs the host name without a port (production is https on 443); the stand-in
  // listens on a port, which the phone's Host header carries.
  return name === "host" ? text.replace(/:\d+$/, "") : text;
}
