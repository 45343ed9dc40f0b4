/**
 * The decayed engagement score of explore: score(now) = Σ weight · e^{-λ (now - t_event)}. Kept in Redis
 * per UTC day as Σ weight · e^{λ (t_event - dayStart)}: adding an event is one ZINCRBY, every member of a
 * day's set shares the factor e^{-λ (now - dayStart)}, so the set's order is the order of the decayed
 * scores without ever rewriting them; and with a day-long base the stored values stay small (2^4 a day
 * at a 6-hour half-life). Yesterday's set joins today's scaled by e^{-λ · 1 day}; older days are gone.
 */
export const DAY_MS = 86_400_000;

export type EngagementKind = "like" | "comment" | "share" | "view";

/** λ per millisecond for a half-life in hours. */
export const decayRate = (halfLifeHours: number): number => Math.LN2 / (halfLifeHours * 3_600_000);

/** The UTC day number of an instant. */
export const dayOf = (atMs: number): number => Math.floor(atMs / DAY_MS);

/** What an engagement of `weight` at `atMs` adds to its day's set. */
export function dayIncrement(weight: number, atMs: number, rate: number): number {
  return weight * Math.exp(rate * (atMs - dayOf(atMs) * DAY_MS));
}

/** A score of yesterday's set, in today's base. */
export const fromYesterday = (score: number, rate: number): number => score * Math.exp(-rate * DAY_MS);

export interface Scored {
  postId: string;
  score: number;
}

/** Highest score first; equal scores by post id, so a page is the same on every read. */
export function rankScores(today: Scored[], yesterday: Scored[], rate: number): Scored[] {
  const totals = new Map<string, number>();
  for (const { postId, score } of today) totals.set(postId, (totals.get(postId) ?? 0) + score);
  for (const { postId, score } of yesterday) totals.set(postId, (totals.get(postId) ?? 0) + fromYesterday(score, rate));
  return [...totals]
    .map(([postId, score]) => ({ postId, score }))
    .sort((a, b) => b.score - a.score || (a.postId < b.postId ? -1 : a.postId > b.postId ? 1 : 0));
}
