/** Staff notes on an account (staffNotes/{id}): written with their audit entry, read newest first. */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { db, firestoreValues } from "../../kernel/app.js";
import { recordAudit } from "../../kernel/audit.js";
import { Collections } from "../../kernel/collections.js";
import { pageByTime } from "../../kernel/cursor.js";
import { isoOf } from "../../kernel/fields.js";
import type { Caller } from "../../kernel/guards.js";
import { runIdempotent } from "../../kernel/idempotency.js";
import { requireUserInScope } from "../../kernel/staff-scope.js";
import type { AddUserNoteRequest, ListUserNotesResponse, StaffNote, UserPageRequest } from "./schema.js";

function noteOf(doc: DocumentSnapshot): StaffNote {
  return { noteId: doc.id, uid: doc.get("uid"), text: doc.get("text"), authorUid: doc.get("authorUid"), createdAt: isoOf(doc.get("createdAt")) };
}

export async function addUserNote(caller: Caller, request: AddUserNoteRequest): Promise<StaffNote> {
  await requireUserInScope(caller, request.uid);
  const { result } = await runIdempotent(
    { scope: "admin.users.addNote", key: request.requestId, owner: caller.uid, payload: request },
    async (tx) => {
      const ref = db().collection(Collections.staffNotes).doc();
      tx.create(ref, {
        uid: request.uid,
        text: request.text,
        authorUid: caller.uid,
        createdAt: firestoreValues().FieldValue.serverTimestamp(),
        requestId: request.requestId,
      });
      recordAudit(tx, {
        action: "users.note.add",
        actorUid: caller.uid,
        targetUid: request.uid,
        requestId: request.requestId,
        details: { noteId: ref.id },
      });
      return { noteId: ref.id };
    },
  );
  return noteOf(await db().collection(Collections.staffNotes).doc(result.noteId).get());
}

/** `profile`: the account's profile already checked against the caller's scope (the dossier reads it first). */
export async function listUserNotes(caller: Caller, request: UserPageRequest, profile?: DocumentSnapshot): Promise<ListUserNotesResponse> {
  if (!profile) await requireUserInScope(caller, request.uid);
  const query = db().collection(Collections.staffNotes).where("uid", "==", request.uid);
  const page = await pageByTime(query, "createdAt", request);
  return { items: page.docs.map(noteOf), nextCursor: page.nextCursor };
}
