// Small page helpers shared by the load and run code: element lookup, the state attribute tests
// read, and the one error box every failure ends in.

export function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`page: element #${id} is missing from index.html`);
  return el as T;
}

export type PageState = 'empty' | 'loading' | 'ready' | 'error' | 'running';

/** Tests (and curious users) read the state from the body instead of guessing with timeouts. */
export function setState(state: PageState): void {
  document.body.dataset.state = state;
}

export function showError(message: string): void {
  const box = byId<HTMLElement>('error');
  box.textContent = message;
  box.hidden = false;
}

export function clearError(): void {
  const box = byId<HTMLElement>('error');
  box.textContent = '';
  box.hidden = true;
}

export function setStatus(text: string): void {
  byId<HTMLElement>('status').textContent = text;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
