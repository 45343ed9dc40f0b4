/** Where feed entries live: users/{uid}/feed/{postId}. */
import type { CollectionReference, DocumentReference } from "firebase-admin/firestore";
import { Collections, userRef } from "../kernel/collections.js";

export const feedRef = (uid: string): CollectionReference => userRef(uid).collection(Collections.feed);
export const feedEntryRef = (uid: string, postId: string): DocumentReference => feedRef(uid).doc(postId);

/** Firestore's limit of writes in one batch. */
export const BATCH_WRITES = 500;
