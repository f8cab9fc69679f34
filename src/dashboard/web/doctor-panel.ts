// On a project with no commits yet, the page shows what `mymlops doctor` says (GET /api/doctor),
// the same lines: what stands between this project and its first commit, each with its fix.
import { type CheckResult, resultLine } from '../../core/doctor/checks.js';
import { h } from './dom.js';

let asked = false;

export function showDoctor(el: HTMLElement, empty: boolean): void {
  el.hidden = !empty || el.childElementCount === 0;
  if (!empty || asked) return;
  asked = true;
  el.hidden = false;
  el.replaceChildren(h('p', { class: 'muted' }, 'Checking whether a commit can run here (mymlops doctor)…'));
  void (async () => {
    try {
      const r = await fetch('/api/doctor', { cache: 'no-store' });
      // A server without checks (404) has nothing to say here.
      if (r.status === 404) {
        el.hidden = true;
        el.replaceChildren();
        return;
      }
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const d = (await r.json()) as { ready: boolean; checks: CheckResult[] };
      el.replaceChildren(
        h(
          'p',
          {},
          d.ready
            ? 'mymlops doctor: ready — a commit can run.'
            : 'mymlops doctor: not ready — fix the ✘ lines:',
        ),
        h(
          'ul',
          { class: 'doctor' },
          ...d.checks.map((c) => h('li', { 'data-state': c.state }, resultLine(c))),
        ),
      );
    } catch (e) {
      el.replaceChildren(
        h(
          'p',
          { class: 'muted' },
          `mymlops doctor could not run (${(e as Error).message}): run it in a terminal.`,
        ),
      );
    }
  })();
}
