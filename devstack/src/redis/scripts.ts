/**
 * Lua script compatibility between Upstash and stock Redis 7.
 *
 * @upstash/ratelimit's scripts start with `#!lua flags=allow-key-locking`. Upstash accepts that
 * flag; Redis 7.0 rejects it ("Unexpected flag in script shebang"). We remove the flag before
 * Redis sees the script. That changes the script's SHA1, while clients call EVALSHA with the SHA1
 * of the script they sent, so we remember client SHA -> rewritten script and translate.
 */
import { createHash } from "node:crypto";

/** Shebang flags Upstash understands and stock Redis does not; dropping them only loses a hint. */
const UNSUPPORTED_SHEBANG_FLAGS = new Set(["allow-key-locking"]);

export type CommandArg = string | number;

export function sha1Hex(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}

/**
 * Returns `script` with unsupported flags removed from its `#!lua` shebang line, or `script`
 * itself when nothing needs changing. The shebang stays, so Redis keeps its shebang semantics.
 */
export function removeUnsupportedShebangFlags(script: string): string {
  const match = /^#!lua([^\n]*)/.exec(script);
  if (!match) return script;
  let changed = false;
  const options = match[1]
    .split(/[ \t]+/)
    .filter(Boolean)
    .flatMap((option) => {
      if (!option.startsWith("flags=")) return [option];
      const flags = option.slice("flags=".length).split(",");
      const kept = flags.filter((flag) => !UNSUPPORTED_SHEBANG_FLAGS.has(flag));
      if (kept.length === flags.length) return [option];
      changed = true;
      return kept.length > 0 ? [`flags=${kept.join(",")}`] : [];
    });
  if (!changed) return script;
  return ["#!lua", ...options].join(" ") + script.slice(match[0].length);
}

export interface RewrittenCommand {
  args: CommandArg[];
  /** Replaces a successful reply, e.g. SCRIPT LOAD must answer with the SHA the client computed. */
  replyOverride?: string;
  /** Runs after the command succeeded. */
  afterSuccess?: () => void;
}

/** Per-bridge memory of rewritten scripts, keyed by the SHA1 of the script the client sent. */
export class ScriptCompatibility {
  private readonly rewrittenByClientSha = new Map<string, string>();

  /** Rewrites script-related commands; every other command passes through unchanged. */
  rewrite(args: CommandArg[]): RewrittenCommand {
    const name = String(args[0]).toLowerCase();
    switch (name) {
      case "eval":
      case "eval_ro":
        return { args: this.withScriptAt(args, 1) };
      case "evalsha":
      case "evalsha_ro": {
        const script = this.rewrittenByClientSha.get(String(args[1]).toLowerCase());
        // Unknown SHAs go to Redis as they are, so the client gets Redis's own NOSCRIPT error.
        if (script === undefined) return { args };
        // EVAL instead of EVALSHA(server sha) never hits NOSCRIPT, which matters inside MULTI.
        return { args: [name === "evalsha" ? "eval" : "eval_ro", script, ...args.slice(2)] };
      }
      case "script":
        return this.rewriteScriptSubcommand(args);
      default:
        return { args };
    }
  }

  private rewriteScriptSubcommand(args: CommandArg[]): RewrittenCommand {
    const subcommand = String(args[1] ?? "").toLowerCase();
    if (subcommand === "load" && typeof args[2] === "string") {
      const original = args[2];
      const rewritten = this.remember(original);
      return rewritten === original ? { args } : { args: [args[0], args[1], rewritten], replyOverride: sha1Hex(original) };
    }
    if (subcommand === "exists") {
      const shas = args.slice(2).map((sha) => {
        const script = this.rewrittenByClientSha.get(String(sha).toLowerCase());
        return script === undefined ? sha : sha1Hex(script);
      });
      return { args: [args[0], args[1], ...shas] };
    }
    if (subcommand === "flush") {
      return { args, afterSuccess: () => this.rewrittenByClientSha.clear() };
    }
    return { args };
  }

  private withScriptAt(args: CommandArg[], index: number): CommandArg[] {
    const script = args[index];
    if (typeof script !== "string") return args;
    const rewritten = this.remember(script);
    if (rewritten === script) return args;
    const copy = [...args];
    copy[index] = rewritten;
    return copy;
  }

  private remember(script: string): string {
    const rewritten = removeUnsupportedShebangFlags(script);
    if (rewritten !== script) this.rewrittenByClientSha.set(sha1Hex(script), rewritten);
    return rewritten;
  }
}
