/**
 * Executes Upstash-style command arrays against a real Redis via ioredis, with raw (buffer)
 * replies so binary values reach the HTTP layer byte for byte.
 */
import { Command, Redis } from "ioredis";
import type { RawReply } from "./reply.js";
import { type CommandArg, ScriptCompatibility } from "./scripts.js";

export type { CommandArg } from "./scripts.js";

export type CommandOutcome =
  | { ok: true; reply: RawReply }
  /** `redisError` is false for connection failures and true for errors Redis (or the bridge's command policy) answered. */
  | { ok: false; error: string; redisError: boolean };

export type TransactionOutcome = { ok: true; outcomes: CommandOutcome[] } | { ok: false; error: string };

/**
 * ioredis reshapes a few replies (HGETALL becomes an object); a protocol bridge must forward
 * exactly what Redis said, so this command skips every reply transformer.
 */
class PassthroughCommand extends Command {
  constructor(args: CommandArg[]) {
    // The name keeps the client's casing, so Redis's error messages quote it as sent.
    super(String(args[0]), args.slice(1), { replyEncoding: null });
  }

  override transformReply(result: Buffer | Buffer[]): Buffer | Buffer[] {
    return result;
  }
}

/**
 * Commands that change per-connection state. All HTTP requests share connections, so one
 * request's MULTI, SELECT or SUBSCRIBE would corrupt everyone else's. REST clients have no
 * connection of their own anyway: transactions go through /multi-exec.
 */
const CONNECTION_STATE_COMMANDS = new Set([
  "multi",
  "exec",
  "discard",
  "watch",
  "unwatch",
  "select",
  "reset",
  "hello",
  "auth",
  "quit",
  "monitor",
  "subscribe",
  "psubscribe",
  "ssubscribe",
  "unsubscribe",
  "punsubscribe",
  "sunsubscribe",
  "sync",
  "psync",
  "replconf",
]);

/** Commands that can park a connection; they get a connection of their own. */
const BLOCKING_COMMANDS = new Set(["blpop", "brpop", "brpoplpush", "blmove", "blmpop", "bzpopmin", "bzpopmax", "bzmpop", "wait", "waitaof"]);

function commandName(args: CommandArg[]): string {
  return String(args[0]).toLowerCase();
}

function rejectionReason(args: CommandArg[]): string | undefined {
  const name = commandName(args);
  const isClientReply = name === "client" && String(args[1] ?? "").toLowerCase() === "reply";
  if (CONNECTION_STATE_COMMANDS.has(name) || isClientReply) {
    return `ERR Command is not allowed through the Upstash REST bridge: '${name}'`;
  }
  return undefined;
}

function isBlocking(args: CommandArg[]): boolean {
  const name = commandName(args);
  if (BLOCKING_COMMANDS.has(name)) return true;
  // XREAD/XREADGROUP only block with the BLOCK option.
  return (name === "xread" || name === "xreadgroup") && args.some((arg) => String(arg).toLowerCase() === "block");
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function failure(error: unknown): CommandOutcome {
  const redisError = error instanceof Error && error.name === "ReplyError";
  return { ok: false, error: errorMessage(error), redisError };
}

export class RedisExecutor {
  private readonly scripts = new ScriptCompatibility();
  private readonly blockingConnections = new Set<Redis>();

  private constructor(
    /** Single commands and pipelines. Replies arrive in send order, which keeps pipelines ordered. */
    private readonly shared: Redis,
    /** MULTI/EXEC only, so a transaction never shares a connection with unrelated commands. */
    private readonly transactions: Redis,
  ) {}

  static async connect(redisUrl: string, log?: (line: string) => void): Promise<RedisExecutor> {
    const options = { lazyConnect: true, maxRetriesPerRequest: 3, connectionName: "upstash-rest-bridge" };
    const shared = new Redis(redisUrl, options);
    const transactions = new Redis(redisUrl, options);
    for (const connection of [shared, transactions]) {
      // Without a listener ioredis prints "Unhandled error event" for every reconnect attempt.
      connection.on("error", (error: Error) => log?.(`[upstash-bridge] redis connection error: ${error.message}`));
    }
    try {
      await Promise.all([shared.connect(), transactions.connect()]);
    } catch (error) {
      shared.disconnect();
      transactions.disconnect();
      throw new Error(`Upstash bridge cannot connect to ${redisUrl}: ${errorMessage(error)}`);
    }
    return new RedisExecutor(shared, transactions);
  }

  /**
   * Runs one command. Everything up to the socket write happens synchronously, so commands
   * started one after another in the same tick reach Redis in that order.
   */
  async run(args: CommandArg[]): Promise<CommandOutcome> {
    const rejection = rejectionReason(args);
    if (rejection) return { ok: false, error: rejection, redisError: true };
    const { args: redisArgs, replyOverride, afterSuccess } = this.scripts.rewrite(args);
    try {
      const reply = isBlocking(args) ? await this.runOnOwnConnection(redisArgs) : await this.send(this.shared, redisArgs);
      afterSuccess?.();
      return { ok: true, reply: replyOverride ?? reply };
    } catch (error) {
      return failure(error);
    }
  }

  /** Upstash pipelines are ordered but not atomic: each command gets its own result or error. */
  async runPipeline(commands: CommandArg[][]): Promise<CommandOutcome[]> {
    const outcomes: Promise<CommandOutcome>[] = [];
    for (const args of commands) {
      if (isBlocking(args)) {
        // It runs on another connection, so wait for everything before it to keep the order.
        await Promise.all(outcomes);
        outcomes.push(Promise.resolve(await this.run(args)));
      } else {
        outcomes.push(this.run(args));
      }
    }
    return Promise.all(outcomes);
  }

  /**
   * Atomic MULTI/EXEC. A command Redis refuses while queueing (unknown command, wrong arity)
   * aborts the whole transaction, as in Redis; runtime errors are reported per command.
   */
  async runTransaction(commands: CommandArg[][]): Promise<TransactionOutcome> {
    for (const args of commands) {
      const rejection = rejectionReason(args);
      if (rejection) return { ok: false, error: rejection };
    }
    const rewritten = commands.map((args) => this.scripts.rewrite(args));
    // MULTI, the commands and EXEC are written in one synchronous burst: concurrent
    // transactions on the dedicated connection can therefore never interleave.
    const sent = [
      this.send(this.transactions, ["multi"]),
      ...rewritten.map(({ args }) => this.send(this.transactions, args)),
      this.send(this.transactions, ["exec"]),
    ];
    const settled = await Promise.allSettled(sent);
    const exec = settled[settled.length - 1];
    if (exec.status === "rejected") {
      const queueError = settled.slice(0, -1).find((result) => result.status === "rejected");
      const detail = queueError?.status === "rejected" ? ` (${errorMessage(queueError.reason)})` : "";
      return { ok: false, error: `${errorMessage(exec.reason)}${detail}` };
    }
    const replies = exec.value;
    if (!Array.isArray(replies)) return { ok: false, error: "ERR transaction was aborted" };
    const outcomes = replies.map((reply, index): CommandOutcome => {
      if (reply instanceof Error) return failure(reply);
      const { replyOverride, afterSuccess } = rewritten[index];
      afterSuccess?.();
      return { ok: true, reply: replyOverride ?? reply };
    });
    return { ok: true, outcomes };
  }

  /** Drops all connections immediately; pending commands fail with "Connection is closed". */
  close(): void {
    this.shared.disconnect();
    this.transactions.disconnect();
    for (const connection of this.blockingConnections) connection.disconnect();
    this.blockingConnections.clear();
  }

  private send(connection: Redis, args: CommandArg[]): Promise<RawReply> {
    const command = new PassthroughCommand(args);
    connection.sendCommand(command);
    return command.promise;
  }

  private async runOnOwnConnection(args: CommandArg[]): Promise<RawReply> {
    const connection = this.shared.duplicate({ connectionName: "upstash-rest-bridge-blocking" });
    connection.on("error", () => undefined); // the command's own promise reports failures
    this.blockingConnections.add(connection);
    try {
      await connection.connect();
      return await this.send(connection, args);
    } finally {
      this.blockingConnections.delete(connection);
      connection.disconnect();
    }
  }
}
