/**
 * Banned words with obscenity (a maintained English list that sees through look-alike characters,
 * leetspeak and repeated letters), extended by the operator's config/chat words. Matches are masked
 * with asterisks; a message with nothing left once they are masked is removed instead.
 */
import type { RegExpMatcher, TextCensor } from "obscenity";
import type { ChatConfig } from "./config.js";
import type { ModerationVerdict } from "./schema.js";

export interface TextModeration {
  verdict: ModerationVerdict;
  /** The masked text (the original when clean); null when removed. */
  shownText: string | null;
  matches: number;
}

interface Filter {
  matcher: RegExpMatcher;
  censor: TextCensor;
}

// Building the matcher compiles every pattern: once per word list, not per message.
let cached: { key: string; filter: Filter } | undefined;

function filterFor(config: Pick<ChatConfig, "bannedWords" | "allowedWords">): Filter {
  const key = JSON.stringify([config.bannedWords, config.allowedWords]);
  if (cached?.key === key) return cached.filter;
  const obscenity = require("obscenity") as typeof import("obscenity");
  const dataset = new obscenity.DataSet<{ originalWord: string }>().addAll(obscenity.englishDataset);
  for (const word of config.bannedWords) {
    const lower = word.toLowerCase();
    // "|" anchors the pattern to word boundaries, so a banned "ass" leaves "class" alone.
    dataset.addPhrase((phrase) => phrase.addPattern(obscenity.parseRawPattern(`|${lower}|`)).setMetadata({ originalWord: lower }));
  }
  const built = dataset.build();
  const matcher = new obscenity.RegExpMatcher({
    ...built,
    whitelistedTerms: [...(built.whitelistedTerms ?? []), ...config.allowedWords.map((w) => w.toLowerCase())],
    ...obscenity.englishRecommendedTransformers,
  });
  const censor = new obscenity.TextCensor().setStrategy(obscenity.asteriskCensorStrategy());
  cached = { key, filter: { matcher, censor } };
  return cached.filter;
}

/** True when every letter or digit of `text` lies inside a match: the message is nothing but abuse. */
function entirelyMatched(text: string, spans: Array<{ startIndex: number; endIndex: number }>): boolean {
  const covered = new Array<boolean>(text.length).fill(false);
  for (const { startIndex, endIndex } of spans) {
    // endIndex is inclusive; a match may end on the first half of a surrogate pair.
    const end = /[\uD800-\uDBFF]/.test(text[endIndex] ?? "") ? endIndex + 1 : endIndex;
    for (let i = startIndex; i <= end && i < text.length; i++) covered[i] = true;
  }
  let remaining = "";
  for (let i = 0; i < text.length; i++) if (!covered[i]) remaining += text[i];
  return !/[\p{L}\p{N}]/u.test(remaining);
}

export function moderateText(text: string, config: Pick<ChatConfig, "bannedWords" | "allowedWords">): TextModeration {
  const { matcher, censor } = filterFor(config);
  const matches = matcher.getAllMatches(text, true);
  if (matches.length === 0) return { verdict: "clean", shownText: text, matches: 0 };
  if (entirelyMatched(text, matches)) return { verdict: "removed", shownText: null, matches: matches.length };
  return { verdict: "masked", shownText: censor.applyTo(text, matches), matches: matches.length };
}
