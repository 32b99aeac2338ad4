/**
 * @module server/openapi/docs-page — `/api/docs`: a self-contained HTML page listing every operation of the OpenAPI
 * document (method, path, summary, parameters, request body schema, auth), rendered on the server: no scripts, no CDN.
 */
import type { OpenApiObject } from './openapi-document.ts';

const styles = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}details{margin:.3rem 0;border:1px solid #e4e4e4;border-radius:4px}
summary{cursor:pointer;padding:.4rem .6rem}code.m{display:inline-block;min-width:4.5rem;font-weight:bold}
.get{color:#0a6}.post{color:#06c}.put{color:#a60}.patch{color:#a60}.delete{color:#c22}
.body{padding:.2rem 1rem 1rem}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:24rem}.lock{color:#a60}`;

/**
 * Renders the docs page.
 * @param document - the OpenAPI document (`buildOpenApiDocument`)
 * @returns the HTML text
 */
export function renderDocsPage(document: OpenApiObject): string {
  const info = document['info'] as { title: string; version: string; description: string };
  const paths = document['paths'] as Record<string, Record<string, OpenApiObject>>;
  const byTag = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const tag = ((operation['tags'] as string[] | undefined) ?? ['other'])[0] ?? 'other';
      const list = byTag.get(tag) ?? [];
      list.push(renderOperation(method, path, operation));
      byTag.set(tag, list);
    }
  }
  const sections = [...byTag.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tag, ops]) => `<h2 id="${escapeHtml(tag)}">${escapeHtml(tag)}</h2>\n${ops.join('\n')}`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(info.title)} ${escapeHtml(info.version)}</title><style>${styles}</style></head>
<body><h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>
<p>${escapeHtml(info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). Writes need
<code>Authorization: Bearer &lt;token&gt;</code> (create one with <code>POST /api/auth/tokens</code>) or a login session.</p>
${sections}
</body></html>
`;
}

function renderOperation(method: string, path: string, operation: OpenApiObject): string {
  const security = operation['security'] as unknown[] | undefined;
  const locked =
    security !== undefined && security.length > 0 && Object.keys(security[0] as object).length > 0;
  const parameters = (operation['parameters'] as OpenApiObject[] | undefined) ?? [];
  const rows = parameters
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(String(p['name']))}</code></td><td>${escapeHtml(String(p['in']))}</td>` +
        `<td>${p['required'] === true ? 'yes' : ''}</td><td><code>${escapeHtml(JSON.stringify(p['schema']))}</code></td></tr>`,
    )
    .join('');
  const body = operation['requestBody'] as { content: Record<string, { schema: unknown }> } | undefined;
  const bodyHtml =
    body === undefined
      ? ''
      : Object.entries(body.content)
          .map(
            ([type, c]) =>
              `<p>Body (<code>${escapeHtml(type)}</code>):</p><pre>${escapeHtml(JSON.stringify(c.schema, null, 2))}</pre>`,
          )
          .join('');
  const statuses = Object.keys((operation['responses'] as object | undefined) ?? {}).join(', ');
  return `<details><summary><code class="m ${method}">${method.toUpperCase()}</code> <code>${escapeHtml(path)}</code> — ${escapeHtml(String(operation['summary'] ?? ''))}${locked ? ' <span class="lock">(auth)</span>' : ''}</summary>
<div class="body">${operation['description'] === undefined ? '' : `<p>${escapeHtml(String(operation['description']))}</p>`}
${rows === '' ? '' : `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${rows}</table>`}
${bodyHtml}<p>Responses: ${escapeHtml(statuses)}</p></div></details>`;
}

/**
 * Escapes text for HTML.
 * @param text - any text
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
