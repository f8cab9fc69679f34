// The dev-VM section: started machines, their idle countdown, tunnelled ports and copyable commands.
import type { ApiStatus } from '../server/api.js';
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
      ...['Name', 'Zone', 'Status', 'Idle', 'Ports', 'ssh', 'Logs'].map((t) => h('th', {}, t)),
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
      ),
    );
  }
  return table;
}
