// Small shared pieces: status and error messages (announced to screen readers), a
// loading line, a button that shows it is busy, and a data loader hook.
import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorText } from '../api.ts';

export function ErrorMessage(props: { error: unknown }) {
  if (!props.error) return null;
  return (
    <p class="alert alert-error" role="alert">
      {errorText(props.error)}
    </p>
  );
}

export function Notice(props: { children: ComponentChildren; tone?: 'ok' | 'info' | 'warn' }) {
  return (
    <p class={`alert alert-${props.tone ?? 'info'}`} role="status">
      {props.children}
    </p>
  );
}

export function Loading(props: { what?: string }) {
  return (
    <p class="loading" role="status">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> & {
  busy?: boolean;
  variant?: 'primary' | 'secondary' | 'danger' | 'link';
  type?: 'button' | 'submit';
};

export function Button({ busy, variant = 'secondary', children, type = 'button', ...rest }: ButtonProps) {
  return (
    <button {...rest} type={type} class={`btn btn-${variant}`} disabled={busy || Boolean(rest.disabled)} aria-busy={busy ? 'true' : undefined}>
      {children}
    </button>
  );
}

export type Loaded<T> = { data: T | undefined; error: unknown; loading: boolean; reload: () => void; set: (t: T) => void };

/** Loads data when the inputs change; reload() fetches again. */
export function useLoad<T>(load: () => Promise<T>, inputs: unknown[] = []): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...inputs, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  const set = useCallback((data: T) => setState({ data, loading: false }), []);
  return { data: state.data, error: state.error, loading: state.loading, reload, set };
}

/** Runs an action, tracking busy state and the error to show. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, setError };
}
