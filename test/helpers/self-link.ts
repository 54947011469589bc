// Links the package into its own node_modules, as `npm link` would. Type references ("types":
// [...]) and Jest's resolver look in node_modules, never at the package itself, so the fixture and
// example projects find `stripe-permission-guard` there. Not inside test/: a link cycle there
// would trap tree walkers.
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';

export function linkPackageIntoNodeModules(): void {
  const root = new URL('../..', import.meta.url).pathname;
  const link = `${root}node_modules/stripe-permission-guard`;
  if (existsSync(link)) return;
  mkdirSync(`${root}node_modules`, { recursive: true });
  try {
    symlinkSync('..', link, 'dir');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}
