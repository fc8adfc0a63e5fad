// Runs tasks one at a time per key, in arrival order (a promise chain per key): a witness checks a
// log's latest cosigned tree and saves the next one with no other request for that log in between.
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.#tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    // Forget idle keys, so a witness asked about many origins keeps no chain per origin.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
