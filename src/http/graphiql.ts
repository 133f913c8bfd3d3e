/**
 * GraphiQL served from the installed packages (no CDN: our users may have no internet).
 */
import { createRequire } from "node:module";
import path from "node:path";
import type { Express } from "express";
import express from "express";

const require = createRequire(import.meta.url);

/** The folder of an installed package (its package.json is always exported). */
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

const ASSETS: Record<string, string> = {
  "react.production.min.js": path.join(packageDir("react"), "umd/react.production.min.js"),
  "react-dom.production.min.js": path.join(packageDir("react-dom"), "umd/react-dom.production.min.js"),
  "graphiql.min.js": path.join(packageDir("graphiql"), "graphiql.min.js"),
  "graphiql.min.css": path.join(packageDir("graphiql"), "graphiql.min.css"),
};

const DEFAULT_QUERY = `# Whom must this unit report to, how often, through whom, and on what basis?
{
  stats { units relations documents provisions }
}
`;

export function graphiqlPage(endpoint: string): string {
  return `<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8" />
  <title>party-org-graph — GraphiQL</title>
  <link rel="stylesheet" href="/assets/graphiql.min.css" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/assets/react.production.min.js"></script>
  <script src="/assets/react-dom.production.min.js"></script>
  <script src="/assets/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(DEFAULT_QUERY)} }),
    );
  </script>
</body>
</html>`;
}

export function mountGraphiql(app: Express): void {
  for (const [name, file] of Object.entries(ASSETS)) {
    app.get(`/assets/${name}`, (_req, res) => {
      res.sendFile(file, { maxAge: "1d" });
    });
  }
  app.get("/graphiql", (_req, res) => {
    res.type("html").send(graphiqlPage("/graphql"));
  });
}

export { express };
