/**
 * Builds the embedded Neo4j launcher (neo4j/pom.xml → neo4j/target/classes + classpath.txt) if it is missing or
 * outdated. The first run downloads the Neo4j jars from Maven Central; later runs need no network.
 * Usage: npm run neo4j:build
 */
import { ensureNeo4jBuilt, findJava, Neo4jLaunchError } from "../src/neo4j/launcher.ts";

const started = Date.now();
try {
  await ensureNeo4jBuilt();
  const java = await findJava();
  console.log(
    `neo4j launcher ready (Java ${java.version} at ${java.javaBin}, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
} catch (err) {
  const message = err instanceof Neo4jLaunchError || err instanceof Error ? err.message : String(err);
  console.error(`neo4j build failed: ${message}`);
  process.exit(1);
}
