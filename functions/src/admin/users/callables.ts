/** How the operations console reaches staff user operations and the audit log. */
// Sanctions take accounts out of live venues, through the adapters composition.ts registers.
import "../../composition.js";
import { defineCallable } from "../../kernel/callable.js";
import { listAuditLog as readAuditLog } from "./audit-log.js";
import * as bulk from "./bulk.js";
import * as dossier from "./dossier.js";
import * as notes from "./notes.js";
import {
  AddUserNoteRequestSchema,
  BulkSanctionRequestSchema,
  ListAuditLogRequestSchema,
  SearchUsersRequestSchema,
  UidRequestSchema,
  UserPageRequestSchema,
} from "./schema.js";
import * as search from "./search.js";

export const searchUsers = defineCallable({
  name: "admin.users.searchUsers",
  input: SearchUsersRequestSchema,
  roles: ["support", "moderator", "finance", "admin"],
  handler: ({ caller, data }) => search.searchUsers(caller, data),
});

export const getUserDossier = defineCallable({
  name: "admin.users.getUserDossier",
  input: UidRequestSchema,
  roles: ["support", "moderator", "finance", "admin"],
  handler: ({ caller, data }) => dossier.getUserDossier(caller, data),
});

export const listUserLedger = defineCallable({
  name: "admin.users.listUserLedger",
  input: UserPageRequestSchema,
  roles: ["finance", "admin"],
  handler: ({ caller, data }) => dossier.listUserLedger(caller, data),
});

export const addUserNote = defineCallable({
  name: "admin.users.addUserNote",
  input: AddUserNoteRequestSchema,
  roles: ["support", "moderator", "finance", "admin"],
  rateLimit: { perUid: { tokens: 30, windowSeconds: 60 } },
  handler: ({ caller, data }) => notes.addUserNote(caller, data),
});

export const listUserNotes = defineCallable({
  name: "admin.users.listUserNotes",
  input: UserPageRequestSchema,
  roles: ["support", "moderator", "finance", "admin"],
  handler: ({ caller, data }) => notes.listUserNotes(caller, data),
});

export const bulkSanction = defineCallable({
  name: "admin.users.bulkSanction",
  input: BulkSanctionRequestSchema,
  roles: ["moderator", "admin"],
  rateLimit: { perUid: { tokens: 10, windowSeconds: 60 } },
  options: { timeoutSeconds: 300 },
  handler: ({ caller, data }) => bulk.bulkSanction(caller, data),
});

export const listAuditLog = defineCallable({
  name: "admin.users.listAuditLog",
  input: ListAuditLogRequestSchema,
  roles: ["moderator", "admin"],
  handler: ({ data }) => readAuditLog(data),
});
