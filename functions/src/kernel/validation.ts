/** zod at the edge: bad input becomes invalid-argument with per-field details, before any I/O. */
import type { z } from "zod";
import { fail } from "./errors.js";

export interface FieldIssue {
  path: string;
  message: string;
  code: string;
}

export function parse<S extends z.ZodType>(schema: S, data: unknown): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
    code: issue.code,
  }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  return fail("invalid-argument", `Invalid request: ${summary}`, { issues });
}
