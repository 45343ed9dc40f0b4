/** Runs tasks one at a time, in the order they were queued; a failing task does not stop the queue. */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  run(task: () => void | Promise<void>): Promise<void> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => {});
    return result;
  }
}

/** Resolves after everything already queued on the event loop, including pending promise callbacks. */
export function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
