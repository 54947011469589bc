// `node test/helpers/update-cli-docs.mjs docs/cli.md` after `npm run build`: the CLI blocks of a doc, re-run.
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
const file = process.argv[2];
const root = process.cwd();
let text = readFileSync(file, 'utf8');
text = text.replace(/<!-- cli: (\S+) exit=(\d+) -->\n```console\n\$ npx stripe-permission-guard ([^\n]*)\n([\s\S]*?)```/g, (all, dir, _code, cmd) => {
  const args = cmd.match(/"[^"]*"|'[^']*'|\S+/g).map((a) => a.replace(/^["']|["']$/g, ''));
  const r = spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args], { cwd: join(root, dir), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  const out = (r.stdout + r.stderr).replace(/\n+$/, '');
  return `<!-- cli: ${dir} exit=${r.status} -->\n\`\`\`console\n$ npx stripe-permission-guard ${cmd}\n${out}\n\`\`\``;
});
writeFileSync(file, text);
