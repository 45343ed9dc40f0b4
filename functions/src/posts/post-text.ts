/**
 * Hashtags and mentions, read from a post's text on the server (a client's own list is never trusted).
 * Hashtags are stored normalised (NFKC, lowercase) so that #Café, #CAFÉ and #café meet on one page.
 */
import { USERNAME_PATTERN } from "../social/schema.js";

/** A tag starts after a boundary (not inside a word or a URL fragment like a&#b) and runs over letters, digits and _. */
const HASHTAG = /(?:^|[^\p{L}\p{N}_&])#([\p{L}\p{M}\p{N}_]{1,64})/gu;
const MENTION = /(?:^|[^\p{L}\p{N}_.@])@([A-Za-z0-9_.]{3,21})/gu;

export function normaliseHashtag(tag: string): string {
  return tag.normalize("NFKC").toLowerCase();
}

/** Distinct hashtags in order of appearance, at most `limit`; all-digit tags (#1) are not tags. */
export function parseHashtags(text: string, limit: number): string[] {
  const tags = new Set<string>();
  for (const match of text.matchAll(HASHTAG)) {
    const tag = normaliseHashtag(match[1] as string);
    if (/^\d+$/.test(tag)) continue;
    tags.add(tag);
    if (tags.size >= limit) break;
  }
  return [...tags];
}

/** Distinct lowercase usernames mentioned, in order, at most `limit` (a sentence's final dot is not part of the name). */
export function parseMentions(text: string, limit: number): string[] {
  const names = new Set<string>();
  if (limit <= 0) return [];
  for (const match of text.matchAll(MENTION)) {
    const name = (match[1] as string).toLowerCase().replace(/\.+$/, "");
    if (!USERNAME_PATTERN.test(name)) continue;
    names.add(name);
    if (names.size >= limit) break;
  }
  return [...names];
}
