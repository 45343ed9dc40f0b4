/** Where the gifts domain keeps its documents. */
import type { DocumentReference } from "firebase-admin/firestore";
import { db } from "../kernel/app.js";
import { Collections } from "../kernel/collections.js";

export const giftRef = (giftId: string): DocumentReference => db().collection(Collections.gifts).doc(giftId);

/** giftStreaks/{sender}__{recipient}__{gift}: written only inside the sender's gift transactions, so never hot. */
export const giftStreakRef = (senderUid: string, recipientUid: string, giftId: string): DocumentReference =>
  db().collection(Collections.giftStreaks).doc(`${senderUid}__${recipientUid}__${giftId}`);
