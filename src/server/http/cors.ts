/**
 * @module server/http/cors — cross-origin reads of the public STAC API (STAC Browser, pystac in a notebook's browser
 * front end, QGIS plugins running in web views): `/stac*` answers any origin, without credentials, so a page of another
 * site can read the catalog but never act as the signed-in user. fAIr's own API and MLflow's stay same-origin.
 */
import type { FastifyInstance } from 'fastify';
import { STAC_PREFIX } from './error-response.ts';

/** How long browsers may cache a preflight answer, seconds. */
const PREFLIGHT_MAX_AGE_S = 600;

/**
 * Adds `Access-Control-Allow-Origin: *` to every `/stac*` response and answers their preflight requests.
 * @param app - the fastify instance, before its routes are mounted
 */
export function registerStacCors(app: FastifyInstance): void {
  const isStac = (url: string): boolean => {
    const path = url.split('?', 1)[0] ?? '';
    return path === STAC_PREFIX || path.startsWith(`${STAC_PREFIX}/`);
  };
  app.addHook('onSend', async (request, reply, payload) => {
    if (isStac(request.url)) void reply.header('access-control-allow-origin', '*');
    return payload;
  });
  for (const url of [STAC_PREFIX, `${STAC_PREFIX}/*`])
    app.options(url, async (_request, reply) => {
      void reply
        .code(204)
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'content-type, accept')
        .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_S));
      return reply.send();
    });
}
