/**
 * @module server/http/body-parsers — how request bodies are read: JSON and GeoJSON as text within the body limit,
 * their GeoJSON positions counted before `JSON.parse` (a million-vertex body is refused in one cheap pass); any other
 * content type is handed to the route as a stream (the MLflow artifact upload streams it to the blob store).
 */
import type { FastifyInstance } from 'fastify';
import { scanGeoJsonText } from '../../labels/index.ts';
import { AppError } from '../../shared/index.ts';
import type { ApiLimits } from '../../shared/index.ts';

/** JSON content types parsed as JSON. */
export const JSON_CONTENT_TYPES = ['application/json', 'application/geo+json'] as const;

/**
 * Replaces the framework's JSON parser and adds the stream pass-through.
 * @param app - the Fastify instance
 * @param limits - body limit and GeoJSON vertex limit
 */
export function registerBodyParsers(app: FastifyInstance, limits: ApiLimits): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    [...JSON_CONTENT_TYPES],
    { parseAs: 'string', bodyLimit: limits.bodyLimit },
    (_request, text, done) => {
      try {
        done(null, parseJsonBody(text as string, limits.maxVertices));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
}

/**
 * Parses a JSON body after counting its GeoJSON positions.
 * @param text - the body text
 * @param maxVertices - most positions accepted
 * @returns the parsed value (undefined for an empty body)
 * @throws AppError LIMIT_EXCEEDED naming the count and the limit; INVALID_PARAMETER_VALUE for text that is not JSON
 */
export function parseJsonBody(text: string, maxVertices: number): unknown {
  if (text.trim() === '') return undefined;
  const { positions } = scanGeoJsonText(text);
  if (positions > maxVertices)
    throw new AppError(
      'LIMIT_EXCEEDED',
      `request body has ${positions} GeoJSON positions, over the limit of ${maxVertices}`,
    );
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError(
      'INVALID_PARAMETER_VALUE',
      `request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}
