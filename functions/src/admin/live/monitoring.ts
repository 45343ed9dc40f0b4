/** What is live now: counts, viewers, gifts per minute and today's top performers; the live venues, paged. */
import type { DocumentSnapshot } from "firebase-admin/firestore";
import { db, firestoreValues } from "../../kernel/app.js";
import { Collections, userRef } from "../../kernel/collections.js";
import { pageByTime } from "../../kernel/cursor.js";
import { isoOf } from "../../kernel/fields.js";
import { calendarPeriodAt } from "../../kernel/periods.js";
import { giftsPerMinute, topRecipients, venueGiftsToday } from "./gift-activity.js";
import {
  type GetLiveOverviewResponse,
  type ListLiveVenuesRequest,
  type ListLiveVenuesResponse,
  type LiveVenueRow,
  TOP_PERFORMERS,
} from "./schema.js";

const stringOr = (value: unknown): string | null => (typeof value === "string" ? value : null);

const liveStreams = () => db().collection(Collections.streams).where("status", "==", "live");
const openRooms = () => db().collection(Collections.rooms).where("status", "==", "open");

/** One aggregation per venue kind: how many, and the audience they report. */
async function venueTotals(): Promise<{ streams: number; rooms: number; viewers: number }> {
  const { AggregateField } = firestoreValues();
  const [streams, rooms] = await Promise.all([
    liveStreams()
      .aggregate({ count: AggregateField.count(), audience: AggregateField.sum("viewerCount") })
      .get(),
    openRooms()
      .aggregate({ count: AggregateField.count(), audience: AggregateField.sum("memberCount") })
      .get(),
  ]);
  const [s, r] = [streams.data(), rooms.data()];
  return { streams: s.count, rooms: r.count, viewers: Number(s.audience ?? 0) + Number(r.audience ?? 0) };
}

async function displayNames(uids: string[]): Promise<Map<string, string | null>> {
  const unique = [...new Set(uids)];
  if (!unique.length) return new Map();
  const snapshots = await db().getAll(...unique.map((uid) => userRef(uid)));
  return new Map(snapshots.map((snapshot) => [snapshot.id, stringOr(snapshot.get("displayName"))]));
}

export async function getLiveOverview(nowMs = Date.now()): Promise<GetLiveOverviewResponse> {
  const day = calendarPeriodAt("day", nowMs).key;
  const [totals, perMinute, top] = await Promise.all([venueTotals(), giftsPerMinute(nowMs), topRecipients(day, TOP_PERFORMERS)]);
  const names = await displayNames(top.map((entry) => entry.uid));
  return {
    liveStreams: totals.streams,
    openRooms: totals.rooms,
    viewers: totals.viewers,
    giftsPerMinute: perMinute,
    topPerformers: top.map((entry) => ({ ...entry, displayName: names.get(entry.uid) ?? null })),
  };
}

/** Live streams newest first, or open rooms newest first. */
export async function listLiveVenues(request: ListLiveVenuesRequest, nowMs = Date.now()): Promise<ListLiveVenuesResponse> {
  const page =
    request.kind === "stream" ? await pageByTime(liveStreams(), "startedAt", request) : await pageByTime(openRooms(), "createdAt", request);
  const hostOf = (doc: DocumentSnapshot) => String(request.kind === "stream" ? doc.get("hostUid") : doc.get("ownerUid"));
  const [names, gifts] = await Promise.all([
    displayNames(page.docs.map(hostOf)),
    venueGiftsToday(
      calendarPeriodAt("day", nowMs).key,
      page.docs.map((doc) => `${request.kind}:${doc.id}`),
    ),
  ]);
  const items: LiveVenueRow[] = page.docs.map((doc, i) => {
    const hostUid = hostOf(doc);
    const stream = request.kind === "stream";
    return {
      kind: request.kind,
      id: doc.id,
      hostUid,
      hostName: (stream ? stringOr(doc.get("hostName")) : null) ?? names.get(hostUid) ?? null,
      title: String((stream ? doc.get("title") : doc.get("name")) ?? ""),
      viewers: Number((stream ? doc.get("viewerCount") : doc.get("memberCount")) ?? 0),
      startedAt: isoOf(stream ? doc.get("startedAt") : doc.get("createdAt")),
      giftsTodayCoins: gifts[i] ?? 0,
    };
  });
  return { items, nextCursor: page.nextCursor };
}
