/**
 * searchUsers: uid exact; e-mail and phone exact through Auth; username (users.usernameLower) and display
 * name (users.displayNameLower) by prefix, case-insensitively, in key order, paged by (key, uid). "auto"
 * picks the field from the query's shape. Country-scoped staff get only their countries' users (the prefix
 * queries filter on country; composite indexes in firestore.indexes.json).
 */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import * as z from "zod";
import { auth, db, firestoreValues } from "../../kernel/app.js";
import { Collections, userRef } from "../../kernel/collections.js";
import { fail } from "../../kernel/errors.js";
import type { Caller } from "../../kernel/guards.js";
import { countryScopeOf, isInScope } from "../../kernel/staff-scope.js";
import { displayNameKey } from "../../users/accounts.js";
import type { SearchField, SearchUsersRequest, SearchUsersResponse } from "./schema.js";
import { summariesOf } from "./summaries.js";

const PREFIX_FIELDS = { username: "usernameLower", displayName: "displayNameLower" } as const;
type PrefixField = keyof typeof PREFIX_FIELDS;

const CursorSchema = z.object({ f: z.enum(["username", "displayName"]), v: z.string(), id: z.string().min(1) }).strict();
type PrefixCursor = z.infer<typeof CursorSchema>;

const encodeCursor = (cursor: PrefixCursor): string => Buffer.from(JSON.stringify(cursor)).toString("base64url");

function decodeCursor(raw: string): PrefixCursor {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
  } catch {
    return fail("invalid-argument", "Invalid request: cursor: not a cursor returned by searchUsers", {
      issues: [{ path: "cursor", message: "malformed cursor", code: "custom" }],
    });
  }
}

const USERNAME_SHAPE = /^[a-z0-9_.]{1,20}$/i;

/** The field a free-text query names: e-mail and phone by their shape, a Firebase uid by its, else a username or a name. */
export function guessField(query: string): SearchField {
  if (query.includes("@")) return "email";
  if (/^\+[0-9]{6,15}$/.test(query)) return "phone";
  if (/^[A-Za-z0-9]{28}$/.test(query)) return "uid";
  return USERNAME_SHAPE.test(query) ? "username" : "displayName";
}

async function exactUid(field: "uid" | "email" | "phone", query: string): Promise<string | null> {
  if (field === "uid") return /^[A-Za-z0-9_-]{1,128}$/.test(query) ? query : null;
  try {
    const user = field === "email" ? await auth().getUserByEmail(query) : await auth().getUserByPhoneNumber(query);
    return user.uid;
  } catch (err) {
    const code = (err as { code?: string }).code;
    // A malformed e-mail or number finds nobody, like an unknown one.
    if (code === "auth/user-not-found" || code === "auth/invalid-email" || code === "auth/invalid-phone-number") return null;
    throw err;
  }
}

async function prefixPage(field: PrefixField, query: string, scope: string[] | null, request: SearchUsersRequest) {
  const { FieldPath } = firestoreValues();
  const key = field === "username" ? query.toLowerCase() : displayNameKey(query);
  const name = PREFIX_FIELDS[field];
  let q = db().collection(Collections.users).where(name, ">=", key).where(name, "<", `${key}\uf8ff`);
  if (scope) q = q.where("country", "in", scope);
  q = q.orderBy(name).orderBy(FieldPath.documentId()).limit(request.limit);
  if (request.cursor) {
    const cursor = decodeCursor(request.cursor);
    q = q.startAfter(cursor.v, cursor.id);
  }
  const page = await q.get();
  const last = page.docs.at(-1);
  const nextCursor = page.size === request.limit && last ? encodeCursor({ f: field, v: last.get(name) as string, id: last.id }) : null;
  return { docs: page.docs as DocumentSnapshot[], nextCursor };
}

export async function searchUsers(caller: Caller, request: SearchUsersRequest): Promise<SearchUsersResponse> {
  const scope = countryScopeOf(caller);
  const fromCursor = request.cursor ? decodeCursor(request.cursor).f : null;
  const field: SearchField = fromCursor ?? (request.field === "auto" ? guessField(request.query) : request.field);
  if (fromCursor && request.field !== "auto" && request.field !== fromCursor) {
    fail("invalid-argument", "Invalid request: cursor: it pages another field", {
      issues: [{ path: "cursor", message: "pages another field", code: "custom" }],
    });
  }
  if (field === "username" || field === "displayName") {
    const { docs, nextCursor } = await prefixPage(field, request.query, scope, request);
    return { users: await summariesOf(docs), nextCursor, field };
  }
  if (request.cursor)
    fail("invalid-argument", "Invalid request: cursor: exact searches have one page", {
      issues: [{ path: "cursor", message: "exact searches have one page", code: "custom" }],
    });
  const uid = await exactUid(field, request.query);
  const profile = uid ? await userRef(uid).get() : null;
  const found = profile?.exists && isInScope(scope, profile) ? [profile] : [];
  return { users: await summariesOf(found), nextCursor: null, field };
}
