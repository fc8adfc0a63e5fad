// One run at a time of a background job: a call while it runs asks for one more run
// afterwards (calls meanwhile coalesce), and every caller's promise settles when the run
// that covers its call has finished.
export function serialised(job: () => Promise<unknown>): () => Promise<void> {
  let current: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> => {
    current = job().then(
      () => {},
      () => {},
    );
    return current.finally(() => {
      current = null;
    });
  };
  return () => {
    if (!current) return start();
    next ??= current.then(() => {
      next = null;
      return start();
    });
    return next;
  };
}
