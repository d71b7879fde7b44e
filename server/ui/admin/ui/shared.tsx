/** Pieces every area uses: loading a list, showing an error, a labelled field. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError } from '../client/api.ts';

/** Loads `read()` now and on `reload()`; `every` ms too, when given (online states). */
export function useLoad<T>(read: () => Promise<T>, every?: number) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    read().then(
      (value) => {
        setData(value);
        setError(null);
      },
      (err: unknown) => setError(messageOf(err)),
    );
  }, []);
  useEffect(() => {
    reload();
    if (!every) return;
    const timer = setInterval(reload, every);
    return () => clearInterval(timer);
  }, [reload, every]);
  return { data, error, reload };
}

export const messageOf = (err: unknown) =>
  err instanceof ApiError || err instanceof Error ? err.message : String(err);

/** A form's outcome, announced: errors as alerts, successes as status. */
export function Outcome({ error, done }: { error: string | null; done?: string | null }) {
  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  return (
    <p class="done" role="status">
      {done ?? ''}
    </p>
  );
}

/** A labelled control; the hint sits outside the label, so it is not part of the control's name. */
export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      {/* biome-ignore lint/a11y/noLabelWithoutControl: the control is the child passed in */}
      <label class="field__control">
        <span class="field__label">{label}</span>
        {children}
      </label>
      {hint && <span class="field__hint">{hint}</span>}
    </div>
  );
}

/** Runs a change, turning its error into the message shown; returns whether it worked. */
export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(work: () => Promise<unknown>, success: string): Promise<boolean> {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await work();
      setDone(success);
      return true;
    } catch (err) {
      setError(messageOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  }
  /** Shows a success reached elsewhere, e.g. by a form that closed once it saved. */
  function announce(message: string) {
    setError(null);
    setDone(message);
  }
  return { error, done, busy, run, setError, announce };
}

/** `countOf(1, 'filter')` is "1 filter", `countOf(2, 'filter')` "2 filters". */
export const countOf = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export const splitList = (text: string) =>
  text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
