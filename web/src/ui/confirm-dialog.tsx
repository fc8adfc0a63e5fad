// A confirmation as a native modal <dialog>: the browser traps focus and closes it on
// Escape; focus starts on Cancel, so a stray Enter never confirms something destructive.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { Button, ErrorMessage } from './bits.tsx';

let counter = 0;

export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  busy?: boolean;
  error?: unknown;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const id = useRef(`dialog-${++counter}`).current;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      d.showModal();
      cancel.current?.focus();
    } else if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id={`${id}-title`}>{props.title}</h2>
      <div class="dialog-body">{props.children}</div>
      <ErrorMessage error={props.error} />
      <div class="actions">
        <Button variant={props.danger ? 'danger' : 'primary'} busy={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </Button>
        <button ref={cancel} type="button" class="btn btn-secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
