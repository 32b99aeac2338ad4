/**
 * @module scripts/check-layers — enforces the one-way flow of data between domain folders (docs/architecture.md):
 * a folder imports only folders of a lower layer, and another domain only through its index.ts. Tests are exempt.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Layer of each domain folder under src/; a folder may import only folders with a strictly lower number. */
const layers: Record<string, number> = {
  shared: 0,
  geo: 1,
  storage: 1,
  db: 1,
  imagery: 2,
  labels: 2,
  polygons: 2,
  synthetic: 3,
  datasets: 4,
  ml: 5,
  predict: 6,
  workflows: 7,
  tracking: 8,
  registry: 9,
  stac: 10,
  server: 11,
  cli: 12,
  web: 12,
};

const root = resolve(import.meta.dirname, '..', 'src');
const problems: string[] = [];

for (const file of walk(root)) {
  if (file.endsWith('.test.ts') || file.includes(`${sep}test-support${sep}`)) continue;
  const from = domainOf(file);
  if (from === undefined) continue;
  for (const spec of importsOf(readFileSync(file, 'utf8'))) {
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    const to = domainOf(target);
    if (to === undefined || to === from) continue;
    const where = relative(process.cwd(), file);
    const fromLayer = layers[from];
    const toLayer = layers[to];
    if (fromLayer === undefined)
      problems.push(`${where}: folder src/${from} has no layer in scripts/check-layers.ts`);
    else if (toLayer === undefined || toLayer >= fromLayer)
      problems.push(`${where}: ${from}/ must not import ${to}/ (layer ${fromLayer} -> ${toLayer ?? '?'})`);
    else if (!/(^|\/)index\.ts$/.test(spec) && relative(join(root, to), target) !== '')
      problems.push(`${where}: import ${to}/ through its index.ts, not ${spec}`);
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('layers: ok');

function domainOf(path: string): string | undefined {
  const rel = relative(root, path);
  if (rel.startsWith('..')) return undefined;
  return rel.split(sep)[0];
}

function importsOf(source: string): string[] {
  const specs: string[] = [];
  const pattern = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(pattern)) specs.push(m[1] ?? m[2] ?? '');
  return specs;
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (path.endsWith('.ts')) yield path;
  }
}
