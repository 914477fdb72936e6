/**
 * CPU seconds used by a process and all its descendants (Linux /proc), e.g. by the headless Chromium a
 * test started: on a machine shared with other work, wall time says little, CPU time says what the work
 * itself cost. Undefined where /proc is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

/** pid → [ppid, utime + stime + cutime + cstime in ticks] for every live process. */
function table(): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
      out.set(Number(d), [Number(f[1]), Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])]);
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** CPU seconds of the descendants of `root` (not `root` itself: the test's own process is not counted). */
export function descendantsCpuSeconds(root = process.pid): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const t = table();
  const children = new Map<number, number[]>();
  for (const [pid, [ppid]] of t) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let ticks = 0;
  const stack = [...(children.get(root) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    ticks += t.get(pid)?.[1] ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks / TICKS;
}
