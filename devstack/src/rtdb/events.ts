/**
 * Realtime Database trigger events, computed from the writes the offline server applies and shaped
 * as the v2 CloudEvents that firebase-functions' database providers parse
 * (google.firebase.database.ref.v1.created/updated/written/deleted): which refs of a trigger's path
 * pattern a write touched, their values before and after it, and the event itself.
 *
 * Like RTDB, a trigger at /a/{x} fires once for a write at /a/b/c (event at /a/b, with the whole node
 * before and after), and once per child for a write at /a. A pattern with a multi-segment wildcard
 * (`{path=**}`, zero or more segments) could match several depths: the ref closest to the write wins
 * (the written path, else its deepest matching ancestor, else its shallowest matching descendants).
 */
import { randomUUID } from "node:crypto";
import type { AppliedWrite, WriteOrigin } from "./store.js";
import { childKeys, type StoredValue, splitPath, toPlainValue, valueAt } from "./tree.js";

export const DATABASE_EVENT_TYPES = [
  "google.firebase.database.ref.v1.created",
  "google.firebase.database.ref.v1.updated",
  "google.firebase.database.ref.v1.written",
  "google.firebase.database.ref.v1.deleted",
] as const;
export type DatabaseEventType = (typeof DATABASE_EVENT_TYPES)[number];

/** Where the emulated instances live: RTDB's default location, and its host there. */
export const DATABASE_LOCATION = "us-central1";
const DATABASE_HOST = "firebaseio.com";
const REFERENCE_EVENT_DATA_TYPE = "type.googleapis.com/google.events.firebase.database.v1.ReferenceEventData";

/** A v2 database trigger as the functions emulator lists it (its /backends). */
export interface DatabaseTrigger {
  /** region-name, e.g. us-central1-onChatMessage: stable across hot reloads. */
  readonly id: string;
  readonly eventType: DatabaseEventType;
  /** Path pattern of the ref, e.g. "chat/{venueKey}/{messageId}". */
  readonly ref: string;
  /** Pattern of the instance name: "*" unless the function names one. */
  readonly instance: string;
}

type PatternSegment = { readonly kind: "literal"; readonly key: string } | { readonly kind: "one" } | { readonly kind: "many" };

/** An Eventarc path pattern (what firebase-functions' PathPattern reads): `{name}`, `*`, `{name=**}`, `**`. */
export class PathPattern {
  readonly segments: readonly PatternSegment[];
  readonly hasMultiSegmentWildcard: boolean;

  constructor(readonly text: string) {
    this.segments = splitPath(text).map((segment): PatternSegment => {
      if (segment.includes("**")) return { kind: "many" };
      if (segment.includes("*") || /^\{[^/{}]+\}$/.test(segment)) return { kind: "one" };
      return { kind: "literal", key: segment };
    });
    this.hasMultiSegmentWildcard = this.segments.some((segment) => segment.kind === "many");
  }

  matches(path: readonly string[]): boolean {
    return this.match(0, path, 0, false);
  }

  /** Whether `path` or some path below it could match. */
  couldMatchBelow(path: readonly string[]): boolean {
    return this.match(0, path, 0, true);
  }

  private match(patternIndex: number, path: readonly string[], pathIndex: number, prefixOnly: boolean): boolean {
    if (pathIndex === path.length && (prefixOnly || patternIndex === this.segments.length)) return true;
    if (patternIndex === this.segments.length) return false;
    const segment = this.segments[patternIndex];
    if (segment.kind === "many") {
      // Zero segments, or one more and stay on this wildcard.
      return (
        this.match(patternIndex + 1, path, pathIndex, prefixOnly) ||
        (pathIndex < path.length && this.match(patternIndex, path, pathIndex + 1, prefixOnly))
      );
    }
    if (pathIndex === path.length) return false;
    if (segment.kind === "literal" && segment.key !== path[pathIndex]) return false;
    return this.match(patternIndex + 1, path, pathIndex + 1, prefixOnly);
  }
}

function childKeysOfEither(before: StoredValue, after: StoredValue): string[] {
  return [...new Set([...childKeys(before), ...childKeys(after)])];
}

/** The refs matching `pattern` that `write` touched (see the header for which ones). */
export function touchedRefs(pattern: PathPattern, write: Pick<AppliedWrite, "before" | "after" | "paths">): string[][] {
  const found = new Map<string, string[]>();
  const add = (ref: string[]) => found.set(ref.join("/"), ref);
  const descend = (ref: string[]) => {
    if (pattern.matches(ref)) {
      add(ref);
      return;
    }
    if (!pattern.couldMatchBelow(ref)) return;
    for (const key of childKeysOfEither(valueAt(write.before, ref), valueAt(write.after, ref))) descend([...ref, key]);
  };
  for (const path of write.paths) {
    let matched = false;
    for (let length = path.length; length >= 0 && !matched; length--) {
      const ref = path.slice(0, length);
      if (pattern.matches(ref)) {
        add(ref);
        matched = true;
      }
    }
    if (!matched) descend([...path]);
  }
  return [...found.values()];
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

function isNode(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * What RTDB sends as `delta`: firebase-functions rebuilds the new value as applyChange(data, delta),
 * which merges objects and arrays key by key (null deletes) and takes anything else whole. So a
 * shortened array must name its removed indices, as an object.
 */
export function deltaBetween(before: unknown, after: unknown): unknown {
  if (!isNode(before) || !isNode(after)) return after;
  const delta: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!Object.hasOwn(after, key)) delta[key] = null;
    else if (!Object.hasOwn(before, key)) delta[key] = after[key];
    else if (!deepEqual(before[key], after[key])) delta[key] = deltaBetween(before[key], after[key]);
  }
  return delta;
}

export interface DatabaseChange {
  readonly ref: readonly string[];
  readonly before: unknown;
  readonly after: unknown;
}

function firesFor(eventType: DatabaseEventType, change: DatabaseChange): boolean {
  switch (eventType) {
    case "google.firebase.database.ref.v1.created":
      return change.before === null;
    case "google.firebase.database.ref.v1.deleted":
      return change.after === null;
    case "google.firebase.database.ref.v1.updated":
      return change.before !== null && change.after !== null;
    case "google.firebase.database.ref.v1.written":
      return true;
  }
}

/** The changes `write` made at refs matching `pattern` that an `eventType` trigger fires for. */
export function changesFor(
  eventType: DatabaseEventType,
  pattern: PathPattern,
  write: Pick<AppliedWrite, "before" | "after" | "paths">,
): DatabaseChange[] {
  const changes: DatabaseChange[] = [];
  for (const ref of touchedRefs(pattern, write)) {
    const beforeNode = valueAt(write.before, ref);
    const afterNode = valueAt(write.after, ref);
    if (beforeNode === afterNode) continue;
    // Values as the SDKs see them (no priorities, arrays where RTDB makes them).
    const change = { ref, before: toPlainValue(beforeNode), after: toPlainValue(afterNode) };
    if (!deepEqual(change.before, change.after) && firesFor(eventType, change)) changes.push(change);
  }
  return changes;
}

/** A v2 database CloudEvent in structured JSON form, as the functions emulator takes it. */
export interface DatabaseCloudEvent {
  readonly specversion: "1.0";
  readonly id: string;
  readonly source: string;
  readonly type: DatabaseEventType;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: "application/json";
  readonly data: { readonly "@type": string; readonly data: unknown; readonly delta: unknown };
  readonly firebasedatabasehost: string;
  readonly instance: string;
  readonly ref: string;
  readonly location: string;
  readonly authtype?: "app_user" | "admin" | "unauthenticated";
  readonly authid?: string;
}

function authAttributes(origin: WriteOrigin | undefined): Pick<DatabaseCloudEvent, "authtype" | "authid"> {
  const identity = origin?.identity;
  if (!identity) return {};
  if (identity.kind === "admin") return { authtype: "admin" };
  if (identity.kind === "anonymous") return { authtype: "unauthenticated" };
  const uid = identity.auth.uid;
  return typeof uid === "string" ? { authtype: "app_user", authid: uid } : { authtype: "app_user" };
}

export function databaseCloudEvent(
  eventType: DatabaseEventType,
  instance: string,
  change: DatabaseChange,
  write: Pick<AppliedWrite, "origin" | "time">,
): DatabaseCloudEvent {
  const ref = change.ref.join("/");
  return {
    specversion: "1.0",
    id: randomUUID(),
    source: `//firebasedatabase.googleapis.com/projects/_/locations/${DATABASE_LOCATION}/instances/${instance}`,
    type: eventType,
    subject: `refs/${ref}`,
    time: new Date(write.time).toISOString(),
    datacontenttype: "application/json",
    data: { "@type": REFERENCE_EVENT_DATA_TYPE, data: change.before, delta: deltaBetween(change.before, change.after) },
    firebasedatabasehost: DATABASE_HOST,
    instance,
    ref,
    location: DATABASE_LOCATION,
    ...authAttributes(write.origin),
  };
}

/** A trigger with its patterns parsed once. */
export class CompiledDatabaseTrigger {
  readonly ref: PathPattern;
  readonly instance: PathPattern;

  constructor(readonly definition: DatabaseTrigger) {
    this.ref = new PathPattern(definition.ref);
    this.instance = new PathPattern(definition.instance);
  }

  /** The events `write` (made in the namespace `instance`) fires on this trigger, in ref order. */
  eventsFor(write: AppliedWrite, instance: string): DatabaseCloudEvent[] {
    if (!this.instance.matches([instance])) return [];
    return changesFor(this.definition.eventType, this.ref, write).map((change) =>
      databaseCloudEvent(this.definition.eventType, instance, change, write),
    );
  }
}
