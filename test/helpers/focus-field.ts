/**
 * Focuses a form field by its label, as a person does: Tab until the focus marker (›) is on that field,
 * waiting for each Tab to move it. A test then says "focus the prompt", not "press Tab six times", and
 * stays right when a field is added before it; a label the form never reaches fails with the screen.
 */
export interface FormScreen {
  screen(): string;
  tab(): void | Promise<void>;
  waitFor(ok: (screen: string) => boolean): Promise<string>;
}

/** The line of the field that has focus (a form marks it with › at the start). */
export function focusedLine(screen: string): string | undefined {
  return screen.split('\n').find((line) => line.startsWith('› '));
}

export async function focusField(form: FormScreen, label: string, maxTabs = 16): Promise<string> {
  const here = (screen: string) => focusedLine(screen)?.startsWith(`› ${label}`) ?? false;
  for (let tabs = 0; ; tabs++) {
    const screen = form.screen();
    if (here(screen)) return screen;
    if (tabs === maxTabs) throw new Error(`no field "${label}" after ${maxTabs} Tabs; the screen was:\n${screen}`);
    const before = focusedLine(screen);
    await form.tab();
    await form.waitFor((s) => focusedLine(s) !== before);
  }
}

/** The same for the real binary in tmux. */
export function tmuxForm(t: { capture(): string; keys(...keys: string[]): void; waitFor(ok: (screen: string) => boolean): Promise<string> }): FormScreen {
  return { screen: () => t.capture(), tab: () => t.keys('Tab'), waitFor: (ok) => t.waitFor(ok) };
}
