/**
 * What happened, per operation kind (a callable's name, or a webhook provider and event type): attempts,
 * successes, refusals by code, resends. One operation is one request id (or one webhook event): its
 * resends and redeliveries are counted apart, not as more operations.
 */
export interface KindStats {
  attempted: number;
  succeeded: number;
  refused: Map<string, number>;
  /** Per refusal code, why: the refusal's details.reason, or its message with numbers blanked. */
  reasons: Map<string, Map<string, number>>;
  /** Resends of the same request (client retries on aborted/unavailable/deadline-exceeded/network errors, provider retries on 5xx). */
  resends: number;
  /** Webhooks only: extra copies of an event sent on purpose (concurrent or late redeliveries). */
  redeliveries: number;
}

export interface InternalAnswer {
  kind: string;
  payload: unknown;
  message: string;
}

/** A definitive refusal of an operation whose ledger identity is known: it must have posted nothing. */
export interface RefusedLedgerKey {
  kind: string;
  owner: string;
  key: string;
  code: string;
}

export class Tally {
  readonly kinds = new Map<string, KindStats>();
  readonly internals: InternalAnswer[] = [];
  readonly refusedKeys: RefusedLedgerKey[] = [];
  /** Free-form counters (early refunds, PK battles ...), printed as they are. */
  readonly notes = new Map<string, number>();

  stats(kind: string): KindStats {
    let stats = this.kinds.get(kind);
    if (!stats) {
      stats = { attempted: 0, succeeded: 0, refused: new Map(), reasons: new Map(), resends: 0, redeliveries: 0 };
      this.kinds.set(kind, stats);
    }
    return stats;
  }

  succeeded(kind: string, resends: number): void {
    const stats = this.stats(kind);
    stats.attempted++;
    stats.succeeded++;
    stats.resends += resends;
  }

  refused(kind: string, code: string, resends: number, reason?: string): void {
    const stats = this.stats(kind);
    stats.attempted++;
    stats.resends += resends;
    stats.refused.set(code, (stats.refused.get(code) ?? 0) + 1);
    if (reason) {
      const reasons = stats.reasons.get(code) ?? new Map<string, number>();
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      stats.reasons.set(code, reasons);
    }
  }

  note(name: string, by = 1): void {
    this.notes.set(name, (this.notes.get(name) ?? 0) + by);
  }

  totals(): { attempted: number; succeeded: number; refused: number; resends: number; redeliveries: number } {
    const sum = { attempted: 0, succeeded: 0, refused: 0, resends: 0, redeliveries: 0 };
    for (const stats of this.kinds.values()) {
      sum.attempted += stats.attempted;
      sum.succeeded += stats.succeeded;
      sum.resends += stats.resends;
      sum.redeliveries += stats.redeliveries;
      for (const n of stats.refused.values()) sum.refused += n;
    }
    return sum;
  }
}
