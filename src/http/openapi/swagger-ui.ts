import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * Swagger UI at /docs, its assets read from the swagger-ui-dist package (the one
 * @nestjs/swagger pins) and served by the ledger itself: nothing loads from a CDN.
 *
 * Served here rather than through SwaggerModule.setup's UI, which registers @fastify/static
 * on first use: that package requires an ES-module-only dependency (content-disposition),
 * which Node 20 loads but Jest's module system cannot, so every e2e test would stop there.
 * A fixed list of files also keeps /docs/* from serving anything else of the package.
 */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/** swagger-ui-dist as @nestjs/swagger resolves it (it is that package's dependency, not ours). */
const swaggerUiDist = (): string => {
  const fromSwagger = createRequire(createRequire(import.meta.url).resolve('@nestjs/swagger'));
  return dirname(fromSwagger.resolve('swagger-ui-dist/package.json'));
};

const page = (title: string, base: string): string => `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <title>${title}</title>
  <link rel="stylesheet" type="text/css" href="${base}/swagger-ui.css">
  <link rel="stylesheet" type="text/css" href="${base}/index.css">
  <link rel="icon" type="image/png" href="${base}/favicon-32x32.png" sizes="32x32">
  <link rel="icon" type="image/png" href="${base}/favicon-16x16.png" sizes="16x16">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${base}/swagger-ui-bundle.js" charset="UTF-8"></script>
  <script src="${base}/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
  <script src="${base}/swagger-ui-init.js" charset="UTF-8"></script>
</body>
</html>
`;

/** No inline script: the page works under a Content-Security-Policy of `script-src 'self'`. */
const initScript = (documentUrl: string): string => `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(documentUrl)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

export const serveSwaggerUi = (fastify: FastifyInstance, options: { path: string; documentUrl: string; title: string }): void => {
  const root = swaggerUiDist();
  const html = page(options.title, options.path);
  const init = initScript(options.documentUrl);
  fastify.get(options.path, (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  fastify.get(`${options.path}/`, (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  fastify.get(`${options.path}/swagger-ui-init.js`, (_request, reply) => reply.type('application/javascript; charset=utf-8').send(init));
  for (const [file, type] of Object.entries(ASSETS)) {
    fastify.get(`${options.path}/${file}`, (_request, reply) =>
      reply
        .type(type)
        .header('cache-control', 'public, max-age=86400')
        .send(createReadStream(join(root, file))),
    );
  }
};
