// The dev-VM section: started machines, their idle countdown, tunnelled ports, copyable commands,
// and buttons to stop / resume each (POST /api/dev/NAME/stop|start, see server/dev-actions.ts).
import type { ApiStatus } from '../server/api.js';
import { isRunning, isStopped } from '../../core/machine-state.js';
import { h, safeHref } from './dom.js';
import { duration } from './format.js';

type DevVm = ApiStatus['dev_vms'][number];

function copyButton(text: string): HTMLElement {
  const b = h('button', { type: 'button', class: 'copy', title: 'copy to the clipboard' }, 'copy');
  b.addEventListener('click', () => {
    void navigator.clipboard?.writeText(text).then(
      () => {
        b.textContent = 'copied';
        setTimeout(() => (b.textContent = 'copy'), 1500);
      },
      () => {
        b.textContent = 'select & copy';
      },
    );
  });
  return h('span', { class: 'cmd' }, h('code', {}, text), b);
}

/** The per-server token from its cookie (SameSite=Strict, named per port), sent as a header. */
function token(): string {
  const name = `mymlops_token_${location.port || '80'}=`;
  const c = document.cookie.split('; ').find((x) => x.startsWith(name));
  return c ? c.slice(name.length) : '';
}

function actionButton(vm: DevVm): HTMLElement | string {
  const action = isRunning(vm) ? 'stop' : isStopped(vm) ? 'start' : null;
  if (!action) return '';
  const label = action === 'stop' ? 'stop' : 'resume';
  const b = h('button', { type: 'button', class: 'dev-action', 'data-action': action }, label);
  b.addEventListener('click', () => {
    b.disabled = true;
    b.textContent = action === 'stop' ? 'stopping…' : 'resuming…';
    void fetch(`/api/dev/${encodeURIComponent(vm.name)}/${action}`, {
      method: 'POST',
      headers: { 'X-Mymlops-Token': token() },
    })
      .then(async (r) => {
        if (r.ok) return;
        const j = (await r.json().catch(() => ({}))) as { error?: string };
        throw new Error(j.error ?? `HTTP ${r.status}`);
      })
      .then(
        () => {
          b.textContent = action === 'stop' ? 'stopped' : 'resumed';
        },
        (e: Error) => {
          b.disabled = false;
          b.textContent = label;
          b.title = e.message;
          b.after(h('span', { class: 'dev-action-error' }, ` ${e.message}`));
        },
      );
  });
  return b;
}

function idleText(vm: DevVm): string {
  if (vm.idle_text) return vm.idle_text;
  const i = vm.idle;
  if (!i) return '';
  if (i.stops_in_seconds === null) return `idle ${duration(i.idle_seconds)}`;
  return `idle ${duration(i.idle_seconds)}, stops in ${duration(i.stops_in_seconds)}`;
}

export function renderDevVms(vms: DevVm[]): HTMLElement {
  if (vms.length === 0)
    return h(
      'p',
      { class: 'muted' },
      'No dev VM running. ',
      h('code', {}, 'mymlops start'),
      ' starts one; it appears here with its ports and ssh command.',
    );
  const table = h(
    'table',
    { class: 'devvms' },
    h(
      'tr',
      { class: 'devvm-head' },
      ...['Name', 'Zone', 'Status', 'Idle', 'Ports', 'ssh', 'Logs', ''].map((t) => h('th', {}, t)),
    ),
  );
  for (const vm of vms) {
    const ports = h('span', { class: 'ports' });
    for (const p of vm.ports) {
      const href = p.url ? safeHref(p.url) : null;
      const label = `${p.remote}${p.local && p.local !== p.remote ? `→${p.local}` : ''}`;
      ports.appendChild(
        href && p.state === 'up'
          ? h('a', { href, target: '_blank', rel: 'noopener noreferrer', class: 'port up' }, label)
          : h('span', { class: `port ${p.state}`, title: p.error ?? p.state }, `${label} (${p.state})`),
      );
    }
    table.appendChild(
      h(
        'tr',
        { 'data-vm': vm.name },
        h('td', { 'data-label': 'Name', class: 'vm-name' }, vm.name),
        h('td', { 'data-label': 'Zone' }, vm.zone ?? (vm.backend === 'local' ? 'local' : '')),
        h(
          'td',
          { 'data-label': 'Status' },
          h('span', { class: `badge vm-${vm.state}` }, vm.state_label ?? vm.state),
        ),
        h('td', { 'data-label': 'Idle' }, idleText(vm)),
        h('td', { 'data-label': 'Ports' }, ports),
        h('td', { 'data-label': 'ssh' }, vm.ssh_command ? copyButton(vm.ssh_command) : ''),
        h('td', { 'data-label': 'Logs' }, vm.logs_command ? copyButton(vm.logs_command) : ''),
        h('td', { 'data-label': '' }, actionButton(vm)),
      ),
    );
  }
  return table;
}
