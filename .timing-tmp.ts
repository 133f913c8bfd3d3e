import fs from "node:fs";
import { startEmbeddedNeo4j } from "./src/store/neo4j-launcher.ts";

const dir = process.argv[2] ?? "/tmp/n4j-timing";
const t0 = Date.now();
const neo = await startEmbeddedNeo4j({ boltPort: 17700, dataDir: dir, password: "timing-password" });
const t1 = Date.now();
await neo.stop();
const t2 = Date.now();
console.log(`start ${(t1 - t0) / 1000}s stop ${(t2 - t1) / 1000}s existing=${fs.existsSync(dir)}`);
