/**
 * database.rules.json evaluated with targaryen (firebase-server's evaluator): read, write and
 * validate rules with auth, data, newData, root, $wildcards and now.
 */
import { createRequire } from "node:module";
import { type AuthVariable, authVariableOf, type Identity } from "./auth.js";
import type { StoredValue } from "./tree.js";

/** What targaryen answers; `info` explains the evaluation (built lazily by targaryen). */
export interface Verdict {
  readonly allowed: boolean;
  readonly info: string;
}

export interface RulesEvaluator {
  read(path: string): Verdict;
  write(path: string, value: unknown, now: number): Verdict;
  update(path: string, patch: Readonly<Record<string, unknown>>, now: number): Verdict;
}

interface TargaryenDataNode {
  $set(path: string, value: unknown, priority?: unknown, now?: number): TargaryenDataNode;
}

interface TargaryenDatabase {
  as(auth: AuthVariable | null): TargaryenDatabase;
  read(path: string, now: number): Verdict;
  write(path: string, value: unknown, options: { now: number }): Verdict;
  update(path: string, patch: Readonly<Record<string, unknown>>, now: number): Verdict;
}

interface Targaryen {
  database(rules: unknown, data: TargaryenDataNode): TargaryenDatabase;
  ruleset(definition: unknown): unknown;
  store(data: unknown): TargaryenDataNode;
}

/** The copy of targaryen firebase-server itself resolves (its dependency, not ours). */
const fromFirebaseServer = createRequire(createRequire(__filename).resolve("firebase-server/package.json"));
const targaryen = fromFirebaseServer("targaryen") as Targaryen;

/** What the official emulator uses when given no rules file. */
export const OPEN_RULES_TEXT = '{\n  "rules": {\n    ".read": true,\n    ".write": true\n  }\n}\n';

/** Removes // and /* *\/ comments outside strings (the real product accepts them in rules files); keeps line breaks. */
export function stripJsonComments(text: string): string {
  let result = "";
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === '"') {
      const start = index++;
      while (index < text.length && text[index] !== '"') index += text[index] === "\\" ? 2 : 1;
      result += text.slice(start, ++index);
    } else if (char === "/" && text[index + 1] === "/") {
      while (index < text.length && text[index] !== "\n") index++;
    } else if (char === "/" && text[index + 1] === "*") {
      const end = text.indexOf("*/", index + 2);
      const stop = end === -1 ? text.length : end + 2;
      result += text.slice(index, stop).replace(/[^\n]/g, "");
      index = stop;
    } else {
      result += char;
      index++;
    }
  }
  return result;
}

/** Parses and checks a rules file; throws an Error that says what is wrong. */
function compileRules(text: string): unknown {
  let definition: unknown;
  try {
    definition = JSON.parse(stripJsonComments(text));
  } catch (error) {
    throw new Error(`Rules are not valid JSON: ${(error as Error).message}`);
  }
  return targaryen.ruleset(definition);
}

const ALLOW: Verdict = { allowed: true, info: "admin: rules do not apply" };
const ADMIN_EVALUATOR: RulesEvaluator = { read: () => ALLOW, write: () => ALLOW, update: () => ALLOW };

/** targaryen throws on data it cannot represent; that is a refusal, not a crash. */
function refuseOnError(evaluate: () => Verdict): Verdict {
  try {
    return evaluate();
  } catch (error) {
    return { allowed: false, info: `Rules evaluation failed: ${(error as Error).message}` };
  }
}

export class RulesEngine {
  private ruleset: unknown;
  private text = "";
  // targaryen evaluates over its own immutable tree; the store reports every change (mirror()).
  private data: TargaryenDataNode = targaryen.store(null);

  constructor(rulesText: string) {
    this.setRulesText(rulesText);
  }

  get rulesText(): string {
    return this.text;
  }

  setRulesText(text: string): void {
    this.ruleset = compileRules(text);
    this.text = text;
  }

  mirror(segments: readonly string[], value: StoredValue): void {
    this.data = this.data.$set(segments.join("/"), value);
  }

  evaluatorFor(identity: Identity): RulesEvaluator {
    if (identity.kind === "admin") return ADMIN_EVALUATOR;
    const auth = authVariableOf(identity);
    // A fresh targaryen database per call: current rules, current data, this identity only.
    const database = () => targaryen.database(this.ruleset, this.data).as(auth);
    return {
      read: (path) => refuseOnError(() => database().read(path, Date.now())),
      write: (path, value, now) => refuseOnError(() => database().write(path, value, { now })),
      update: (path, patch, now) => refuseOnError(() => database().update(path, patch, now)),
    };
  }
}
