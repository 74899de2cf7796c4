import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CODES } from './problem.dto.js';
import { serveSwaggerUi } from './swagger-ui.js';

export const OPENAPI_JSON_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/** The security scheme's name in the document; every operation requires it. */
export const BEARER_SCHEME = 'bearer';

/**
 * Builds the OpenAPI 3 description from the controllers' and DTOs' decorators (the nest CLI
 * plugin is not used: everything is declared explicitly) once, at start, and serves it at
 * /openapi.json, with Swagger UI at /docs (swagger-ui.ts: assets served by the app itself).
 * `isPublicRoute`: the access guard's own predicate (src/access/route-access.ts), passed in by
 * the composition root so that the document and the guard cannot disagree.
 */
export const setupOpenApi = (app: NestFastifyApplication, isPublicRoute: (url: string) => boolean): OpenAPIObject => {
  const config = new DocumentBuilder()
    .setTitle('Privacy ledger')
    .setDescription(
      'Event-sourced privacy ledger: consent, transfers, erasure, grievances and policy changes recorded as immutable events, with the reads a regulator asks for. ' +
        'Every error is `application/problem+json` (RFC 9457). Times are ISO-8601 with a time zone.',
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'API key', description: 'An API key: `Authorization: Bearer <key>`.' },
      BEARER_SCHEME,
    )
    .addSecurityRequirements(BEARER_SCHEME)
    .build();
  const document = withProblemCodes(
    withPlainSchemaNames(
      withPublicRoutesOpen(isPublicRoute, withoutAcceptParameters(refuseUnknownBodyFields(SwaggerModule.createDocument(app, config)))),
    ),
  );
  const json = JSON.stringify(document);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get(OPENAPI_JSON_PATH, (_request, reply) => reply.type('application/json; charset=utf-8').send(json));
  serveSwaggerUi(fastify, { path: DOCS_PATH, documentUrl: OPENAPI_JSON_PATH, title: 'Privacy ledger API' });
  return document;
};

/**
 * The validation pipe refuses fields a DTO does not declare (forbidNonWhitelisted), so every
 * schema a request body refers to, and the schemas nested in it, says so:
 * `additionalProperties: false`. Done once here rather than on each DTO class, which
 * @nestjs/swagger has no class-level option for.
 */
const refuseUnknownBodyFields = (document: OpenAPIObject): OpenAPIObject => {
  const schemas = document.components?.schemas ?? {};
  const seen = new Set<string>();
  const close = (ref: string | undefined): void => {
    const name = ref?.replace('#/components/schemas/', '');
    if (name === undefined || seen.has(name)) return;
    seen.add(name);
    const schema = schemas[name];
    if (!schema || '$ref' in schema) return;
    schema.additionalProperties = false;
    for (const property of Object.values(schema.properties ?? {})) {
      close(refIn(property));
    }
  };
  for (const path of Object.values(document.paths)) {
    for (const operation of [path.post, path.put, path.patch]) {
      const body = operation?.requestBody;
      if (body && !('$ref' in body)) close(refIn(body.content['application/json']?.schema));
    }
  }
  return document;
};

/** The schema a property or body refers to, directly or as the items of an array. */
const refIn = (schema: unknown): string | undefined => {
  const s = schema as { $ref?: string; items?: { $ref?: string }; allOf?: { $ref?: string }[] } | undefined;
  return s?.$ref ?? s?.items?.$ref ?? s?.allOf?.[0]?.$ref;
};

/**
 * The routes route-access.ts leaves open (the probes, the ops page's files) need no key: their
 * operations override the global bearer requirement with none and cannot answer 401 or 403.
 * Taken from the same predicate the guard uses (given to setupOpenApi), so the two cannot disagree.
 */
const withPublicRoutesOpen = (isPublicRoute: (url: string) => boolean, document: OpenAPIObject): OpenAPIObject => {
  for (const [path, item] of Object.entries(document.paths)) {
    if (!isPublicRoute(path)) continue;
    for (const operation of [item.get, item.post]) {
      if (!operation) continue;
      operation.security = [];
      delete operation.responses['401'];
      delete operation.responses['403'];
    }
  }
  return document;
};

/**
 * The CSV reads take `@Headers('accept')`, which the scanner lists as a header parameter.
 * OpenAPI says an `Accept` parameter is ignored: content negotiation is described by each
 * response's media types (application/json, text/csv), so the parameter is dropped.
 */
const withoutAcceptParameters = (document: OpenAPIObject): OpenAPIObject => {
  for (const path of Object.values(document.paths)) {
    for (const operation of [path.get, path.post]) {
      if (operation?.parameters) {
        operation.parameters = operation.parameters.filter((p) => '$ref' in p || !(p.in === 'header' && p.name.toLowerCase() === 'accept'));
      }
    }
  }
  return document;
};

/**
 * Schema names are what a generated client calls its types: `GiveConsent`, not the class
 * name `GiveConsentDto`. Classes without an explicit @ApiSchema name lose the suffix here,
 * with every reference to them.
 */
const withPlainSchemaNames = (document: OpenAPIObject): OpenAPIObject => {
  const schemas = document.components?.schemas ?? {};
  const renames = new Map(
    Object.keys(schemas)
      .filter((name) => name.endsWith('Dto'))
      .map((name) => [name, name.slice(0, -'Dto'.length)] as const),
  );
  for (const plain of renames.values()) {
    if (plain in schemas) throw new Error(`two OpenAPI schemas would be named ${plain}`);
  }
  const text = JSON.stringify(document).replace(/"#\/components\/schemas\/([A-Za-z0-9_]+)"/g, (ref, name: string) =>
    renames.has(name) ? `"#/components/schemas/${renames.get(name)}"` : ref,
  );
  const renamed = JSON.parse(text) as OpenAPIObject;
  renamed.components!.schemas = Object.fromEntries(
    Object.entries(renamed.components?.schemas ?? {}).map(([name, schema]) => [renames.get(name) ?? name, schema]),
  );
  return renamed;
};

/**
 * The problem codes as a schema of their own, `ProblemCode`, which a generated client turns into
 * a union type (clients/typescript). No response refers to it: `Problem.code` is an open string,
 * so an older client still accepts a code added later.
 */
const withProblemCodes = (document: OpenAPIObject): OpenAPIObject => {
  const schemas = (document.components ??= {}).schemas ?? {};
  if ('ProblemCode' in schemas) throw new Error('an OpenAPI schema is already named ProblemCode');
  schemas['ProblemCode'] = {
    type: 'string',
    enum: [...PROBLEM_CODES],
    description: 'Every `code` a problem of this version can carry (api.md); later versions may add codes.',
  };
  document.components.schemas = schemas;
  return document;
};
