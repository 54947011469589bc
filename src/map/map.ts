// The generated map (mappings/generated/runtime.jsonl): a header line holding each section's line
// number and where every line starts, then one JSON text per line. Nothing is read at import.
// The first lookup reads the head (the header and the sections every process needs, at once);
// any other line is read on its first lookup (map-source.ts) and parsed for catalog.ts, which
// asks for each the first time it needs it. The file is checked against the identity this code was generated with.
import { mapFile } from '../../mappings/generated/runtime.js';
import { mapReader, type MapReader } from '../map-source.js';
import { prefixed } from '../common/messages.js';

type Layout = Record<string, number | [first: number, count: number]>;
type Chunk = Buffer | string;
interface Loaded {
  readonly reader: MapReader;
  readonly head: Chunk;
  readonly starts: readonly number[];
  readonly sections: Layout;
}

let loaded: Loaded | undefined;
const bad = (why: string) =>
  new Error(prefixed(`The permission map ${mapFile.name} does not belong to this build of stripe-permission-guard (${why}). Reinstall the package.`));

function load(): Loaded {
  if (loaded) return loaded;
  const reader = mapReader();
  const head = reader.read(0, mapFile.head);
  const headerEnd = typeof head === 'string' ? head.indexOf('\n') : head.indexOf(10);
  let header: { id?: unknown; sections?: Layout; starts?: number[] } = {};
  try {
    header = headerEnd > 0 ? JSON.parse(text(head, 0, headerEnd)) : {};
  } catch {
    // reported below, as a header without this build's id
  }
  if (header.id !== mapFile.id)
    throw bad(`its header names ${typeof header.id === 'string' ? `build ${header.id.slice(0, 16)}` : 'no build'}, expected ${mapFile.id}`);
  const { starts, sections } = header;
  if (!Array.isArray(starts) || starts.at(-1) !== mapFile.bytes || !starts.includes(mapFile.head) || !starts.every(increasing))
    throw bad(`its header does not describe a file of ${mapFile.bytes} bytes`);
  const lines = starts.length - 1;
  const inRange = (at: unknown) => Number.isInteger(at) && (at as number) >= 1 && (at as number) < lines;
  const valid = (at: unknown) => inRange(at) || (Array.isArray(at) && at.length === 2 && inRange(at[0]) && inRange(at[0] + at[1] - 1));
  if (!sections || typeof sections !== 'object' || !Object.values(sections).every(valid)) throw bad('its header names lines it does not have');
  return (loaded = { reader, head, starts, sections });
}

/** Line starts: integers, from 0, each after the one before. */
const increasing = (at: unknown, i: number, all: readonly unknown[]) => Number.isInteger(at) && (i === 0 ? at === 0 : (at as number) > (all[i - 1] as number));

const text = (chunk: Chunk, start: number, end: number): string => (typeof chunk === 'string' ? chunk.slice(start, end) : chunk.toString('latin1', start, end));

/**
 * Line n without its newline. A line beyond the head is read with the newline before it: both
 * newlines where the header says, or the file is not the one the head was read from.
 */
function line(n: number): string {
  const map = load();
  const start = map.starts[n]!;
  const end = map.starts[n + 1]!;
  if (end <= mapFile.head) return text(map.head, start, end - 1);
  const chunk = map.reader.read(start - 1, end);
  const got = text(chunk, 0, end - start + 1);
  if (got.length !== end - start + 1 || got.charCodeAt(0) !== 10 || got.charCodeAt(got.length - 1) !== 10)
    throw bad(`line ${n} is not where its header says: the file was changed after it was first read`);
  return got.slice(1, -1);
}

/** JSON text from the map, parsed; `where` names it if it is not JSON (never quoting it). */
export function parseMapJson(json: string, where: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw bad(`${where} is not JSON`);
  }
}

/** The line of a one-line section. */
function sectionLine(name: string): number {
  const { sections } = load();
  const at = Object.hasOwn(sections, name) ? sections[name] : undefined;
  if (typeof at !== 'number') throw bad(`no section ${name}`);
  return at;
}

/**
 * The JSON text of a one-line section, for a reader that looks up one entry without parsing it
 * (and parses it with parseMapJson, `where` naming the line, when it needs all of it).
 */
export function mapSectionText(name: string): { readonly json: string; readonly where: string } {
  const n = sectionLine(name);
  return { json: line(n), where: `line ${n}` };
}

/** A one-line section (`permissions`, `routeIndex`, …), parsed. */
export function mapSection(name: string): unknown {
  const n = sectionLine(name);
  return parseMapJson(line(n), `line ${n}`);
}

/** Entry `i` of a many-line section (`routeGroups`, `expandTypes`, `expandTables`), parsed. */
export function mapSectionAt(name: string, i: number): unknown {
  const { sections } = load();
  const at = Object.hasOwn(sections, name) ? sections[name] : undefined;
  if (!Array.isArray(at) || !Number.isInteger(i) || i < 0 || i >= at[1]) throw bad(`no entry ${i} in ${name}`);
  const n = at[0] + i;
  return parseMapJson(line(n), `line ${n}`);
}
