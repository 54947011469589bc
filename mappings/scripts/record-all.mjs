#!/usr/bin/env node
// Records every stripe package the map is made from (scripts/sdks.mjs): its endpoints
// (record-endpoints.mjs) or its expand graph (extract-objects.mjs), one child process each.
//
//   node mappings/scripts/record-all.mjs endpoints
//   node mappings/scripts/record-all.mjs objects
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { endpointsFile, recordedSdks } from './sdks.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const what = process.argv[2];
if (what !== 'endpoints' && what !== 'objects') {
  console.error('usage: record-all.mjs endpoints|objects');
  process.exit(2);
}
for (const sdk of recordedSdks()) {
  const args =
    what === 'endpoints'
      ? [resolve(here, 'record-endpoints.mjs'), '--stripe', sdk.module, '--out', resolve(here, '..', endpointsFile(sdk))]
      : [resolve(here, 'extract-objects.mjs'), '--stripe', sdk.module];
  execFileSync(process.execPath, args, { stdio: 'inherit' });
}
