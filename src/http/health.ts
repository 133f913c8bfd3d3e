/**
 * /health and /ready. /health says the process is alive — always 200, so that a liveness probe
 * never restarts the service for a database outage the supervisor is repairing — and reports
 * the database's state. /ready says whether to send requests here: 503 at once while the
 * database is not up or the service is shutting down, else 200 after a probe of at most 1 s.
 */
import type { Express } from "express";
import type { Database } from "../store/database.ts";

export function mountHealth(app: Express, db: Database, isDraining: () => boolean): void {
  app.get("/health", (_req, res) => {
    res.json({ status: "ok", database: db.health.snapshot(), ...(isDraining() ? { draining: true } : {}) });
  });
  app.get("/ready", async (_req, res) => {
    if (isDraining()) {
      res.status(503).json({ status: "draining", database: db.health.snapshot() });
      return;
    }
    // One probe of at most 1 s, shared with concurrent callers; it also updates the state.
    if (db.health.isUp && (await db.health.probe())) {
      res.json({ status: "ready", database: db.health.snapshot() });
      return;
    }
    res.status(503).json({ status: "unavailable", database: db.health.snapshot() });
  });
}
