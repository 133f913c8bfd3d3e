/**
 * GraphiQL served from the installed packages (no CDN: our users may have no internet). The
 * page carries no inline script, so the strict Content-Security-Policy (src/http/security.ts)
 * holds: the start-up script is an asset of its own.
 */
import { createRequire } from "node:module";
import path from "node:path";
import type { Express, Response } from "express";

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

/** Reads the endpoint and default query from the page's data attributes, then renders GraphiQL. */
const START_SCRIPT = `(() => {
  const root = document.getElementById("graphiql");
  const fetcher = GraphiQL.createFetcher({ url: root.dataset.endpoint });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, { fetcher, defaultQuery: root.dataset.defaultQuery }),
  );
})();
`;

const escapeAttribute = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function graphiqlPage(endpoint: string): string {
  return `<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8" />
  <title>party-org-graph — GraphiQL</title>
  <link rel="stylesheet" href="/assets/graphiql.min.css" />
  <link rel="stylesheet" href="/assets/graphiql-page.css" />
</head>
<body>
  <div id="graphiql" data-endpoint="${escapeAttribute(endpoint)}" data-default-query="${escapeAttribute(DEFAULT_QUERY)}">Loading…</div>
  <script src="/assets/react.production.min.js"></script>
  <script src="/assets/react-dom.production.min.js"></script>
  <script src="/assets/graphiql.min.js"></script>
  <script src="/assets/graphiql-start.js"></script>
</body>
</html>`;
}

/**
 * Sends an installed file. `dotfiles: "allow"` because the project may live under a hidden
 * folder (e.g. ~/.cache/…), where Express's default refuses every path.
 */
export function sendInstalledFile(res: Response, file: string): void {
  res.sendFile(file, { maxAge: "1d", dotfiles: "allow" });
}

export function mountGraphiql(app: Express): void {
  for (const [name, file] of Object.entries(ASSETS)) {
    app.get(`/assets/${name}`, (_req, res) => sendInstalledFile(res, file));
  }
  app.get("/assets/graphiql-start.js", (_req, res) => {
    res.type("application/javascript").set("cache-control", "public, max-age=86400").send(START_SCRIPT);
  });
  app.get("/assets/graphiql-page.css", (_req, res) => {
    res
      .type("text/css")
      .set("cache-control", "public, max-age=86400")
      .send("html, body, #graphiql { height: 100%; margin: 0; }\n");
  });
  app.get("/graphiql", (_req, res) => {
    res.type("html").send(graphiqlPage("/graphql"));
  });
}
